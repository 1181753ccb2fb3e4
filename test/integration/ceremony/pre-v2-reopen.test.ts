import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { CeremonyService } from '../../../src-main/ceremony/ceremony-service.js';
import type { KmsPort } from '../../../src-main/kms/kms-port.js';
import { stationKeyAt } from '../audit/harness/fixture.js';
import { verifyDatabase } from '../../../src-main/audit/verify-database.js';

/*
 * Ceremony directories written before the engine restructure (test/fixtures/logs/pre-v2) reopen in
 * today's engine: the old log replays through the record catalogue, the plan digest recorded then
 * still identifies plan.json, and an open request made then still counts its confirmations.
 */
const FIXTURES = path.resolve(__dirname, '../../fixtures/logs/pre-v2');

function copyOf(name: string): { dir: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), 'keyrite-pre-v2-reopen-'));
  const dir = path.join(root, name);
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A KMS that refuses everything: whatever runs here must not need KMS. */
const noKms = new Proxy({} as KmsPort, {
  get(_target, prop) {
    if (prop === 'close') return () => {};
    return () => {
      throw new KeyriteError('TEST_NO_KMS', `KMS was called (${String(prop)})`, 'this test has no KMS');
    };
  },
});

/** A log belongs to its station: reopening needs the key the old release kept beside audit.db. */
const keyOf = (dir: string) => stationKeyAt(path.join(dir, 'station-ed25519.key'));

const pass = (i: number) => SecretBuffer.adopt(Buffer.from(`fixture-passphrase-${i}`));

for (const name of ['symmetric-crashes', 'ecc-grant', 'hmac-split', 'reimport-from-shares']) {
  void test(`pre-v2 ceremony ${name} reopens closed, with every step done or skipped`, async () => {
    const c = copyOf(name);
    try {
      const svc = await CeremonyService.open({
        dir: c.dir,
        kms: noKms,
        options: { stationKey: keyOf(c.dir) },
      });
      try {
        assert.equal(svc.closed, true);
        assert.equal(svc.nextStep, null);
        const view = svc.view();
        assert.equal(view.status, 'completed');
        assert.ok(view.steps.every((s) => s.status === 'done' || s.status === 'skipped'));
        assert.match(svc.facts().keyArn ?? '', /^arn:aws:kms:us-east-1:111122223333:key\//);
      } finally {
        svc.dispose();
      }
    } finally {
      c.cleanup();
    }
  });
}

void test('a pre-v2 open request still counts its confirmation, and the offline steps run to the wrap', async () => {
  const c = copyOf('open-half-confirmed');
  // The station's clock as it was a minute after the fixture stopped: the request is still valid.
  let now = Date.parse('2026-12-01T15:49:55.000Z');
  const clock = () => new Date(now);
  try {
    const svc = await CeremonyService.open({
      dir: c.dir,
      kms: noKms,
      options: { clock, stationKey: keyOf(c.dir) },
    });
    try {
      assert.equal(svc.nextStep, 'generate-material');
      assert.deepEqual(svc.pendingConfirmations(), ['custodian-1']);
      const before = svc.challenge('generate-material');
      const r = await svc.confirm('generate-material', 'custodian-2', pass(2));
      assert.deepEqual([r.confirmations, r.required], [2, 2]);
      assert.equal(svc.challenge('generate-material').nonce, before.nonce, 'the old request was reused');
      await svc.runStep('generate-material');
      now += 1000;
      svc.challenge('backup-shares');
      for (const i of [1, 3]) await svc.confirm('backup-shares', `custodian-${i}`, pass(i));
      await svc.runStep('backup-shares');
      for (const i of [1, 2, 3]) await svc.verifyShare(`custodian-${i}`, pass(i));
      await svc.runStep('verify-shares');
      await svc.runStep('wrap');
      assert.equal(svc.nextStep, 'import');
      assert.match(svc.facts().wrappedKeyDigest ?? '', /^[0-9a-f]{64}$/);
    } finally {
      svc.dispose();
    }
    assert.equal(verifyDatabase(path.join(c.dir, 'audit.db')).result.ok, true);
  } finally {
    c.cleanup();
  }
});

// A request from the AWS console or CLI at the offline station: every bad one is refused with a code,
// recorded in the station's log (`bundle.refused`, with the file's SHA-256 when it could be read), and
// nothing reaches the medium; then a good one is accepted into the same log. No KMS, no emulator.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { zipSync } from 'fflate';
import { CeremonyService } from '../../../src-main/ceremony/ceremony-service.js';
import { OFFLINE_KMS_PORT } from '../../../src-main/kms/offline-kms-port.js';
import { openLogReadOnly } from '../../../src-main/audit/opened-log.js';
import { tempDir } from '../ceremony/harness/ceremony.js';
import { SplitRoom, splitPlan } from './harness/split.js';

const tmp = tempDir('console-refusals');
void after(() => tmp.cleanup());

const KEY_ID = randomUUID();
const ARN = `arn:aws:kms:us-east-1:111122223333:key/${KEY_ID}`;
const spki = (bits: number) =>
  generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'spki', format: 'der' });
const RSA_2048 = spki(2048);
const inHour = new Date(Date.now() + 3600_000);

function cliJson(o: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      KeyId: ARN,
      ImportToken: randomBytes(300).toString('base64'),
      PublicKey: RSA_2048.toString('base64'),
      ParametersValidTo: inHour.toISOString(),
      ...o,
    }),
  );
}

function consoleZip(readme: string, key = RSA_2048, extra: Record<string, Uint8Array> = {}): Buffer {
  const ts = '1202093000';
  return Buffer.from(
    zipSync({
      [`wrappingKey_${KEY_ID}_${ts}`]: key,
      [`importToken_${KEY_ID}_${ts}`]: randomBytes(300),
      [`README_${KEY_ID}_${ts}.txt`]: Buffer.from(readme),
      ...extra,
    }),
  );
}

const README = `Wrapping algorithm: RSAES_OAEP_SHA_256\nexpire at: ${inHour.toISOString()}\n`;

void test('bad console requests are refused with a code and a record, nothing is written; a good one is accepted', async () => {
  const plan = splitPlan() as Record<string, unknown> & { target: Record<string, unknown> };
  plan.target['key'] = { existing: { keyId: KEY_ID, keySpec: 'SYMMETRIC_DEFAULT' } };
  const room = new SplitRoom(tmp.dir, 'http://127.0.0.1:1', plan);
  const cases: [string, Buffer, string][] = [
    ['expired', cliJson({ ParametersValidTo: '2020-01-01T00:00:00Z' }), 'PARAMS_EXPIRED'],
    [
      'wrong wrapping key spec',
      cliJson({ PublicKey: spki(3072).toString('base64') }),
      'CONSOLE_REQUEST_MISMATCH',
    ],
    ['wrong algorithm', consoleZip(README.replace('SHA_256', 'SHA_1')), 'CONSOLE_REQUEST_MISMATCH'],
    ['another key', cliJson({ KeyId: ARN.replace(KEY_ID, randomUUID()) }), 'CONSOLE_REQUEST_MISMATCH'],
    [
      'another account',
      cliJson({ KeyId: ARN.replace('111122223333', '444455556666') }),
      'CONSOLE_REQUEST_MISMATCH',
    ],
    ['no token', cliJson({ ImportToken: null }), 'CONSOLE_REQUEST_INCOMPLETE'],
    ['no expiry', consoleZip('Wrapping algorithm: RSAES_OAEP_SHA_256\n'), 'CONSOLE_REQUEST_INCOMPLETE'],
    ['malformed JSON', Buffer.from('{"KeyId": '), 'PARAMS_INVALID'],
    ['malformed zip', Buffer.concat([Buffer.from('PK\x03\x04'), randomBytes(200)]), 'PARAMS_INVALID'],
    [
      'zip with too many files',
      consoleZip(
        README,
        RSA_2048,
        Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`x${i}`, Buffer.from('x')])),
      ),
      'PARAMS_INVALID',
    ],
    ['oversized', Buffer.concat([cliJson(), Buffer.alloc(1100 * 1024, 0x20)]), 'FILE_TOO_LARGE'],
  ];
  const dir = room.dirs.offline;
  const opts = { dir, planDoc: plan, planBase: dir, kms: OFFLINE_KMS_PORT, options: room.engine('offline') };
  const digests: (string | undefined)[] = [];
  let first = true;
  for (const [i, [what, bytes, code]] of cases.entries()) {
    const file = path.join(tmp.dir, `request-${i}.params`);
    writeFileSync(file, bytes);
    digests.push(code === 'FILE_TOO_LARGE' ? undefined : createHash('sha256').update(bytes).digest('hex'));
    const attempt = first
      ? CeremonyService.createOfflineFromConsole({ ...opts, requestFile: file })
      : CeremonyService.open({ dir, kms: OFFLINE_KMS_PORT, options: room.engine('offline') }).then(
          async (svc) => {
            try {
              return await svc.readConsoleRequest(file);
            } finally {
              svc.dispose();
            }
          },
        );
    first = false;
    await assert.rejects(attempt, (e: { code?: string }) => e.code === code, `${what}: ${code}`);
  }
  assert.deepEqual(readdirSync(room.dirs.media), [], 'nothing reached the medium');
  const refused = openLogReadOnly(path.join(dir, 'audit.db')).records.filter(
    (r) => r.type === 'bundle.refused',
  );
  assert.deepEqual(
    refused.map((r) => (r.payload as { code: string }).code),
    cases.map((c) => c[2]),
  );
  assert.deepEqual(
    refused.map((r) => (r.payload as { bundleDigest?: string }).bundleDigest),
    digests,
  );

  // The same log takes the right request: the online steps complete from it, unsigned, no peer pinned.
  const good = path.join(tmp.dir, 'good.json');
  writeFileSync(good, cliJson());
  const svc = await CeremonyService.open({ dir, kms: OFFLINE_KMS_PORT, options: room.engine('offline') });
  try {
    const info = await svc.readConsoleRequest(good);
    assert.equal(info.keyArn, ARN);
    assert.equal(info.algorithmStated, false);
    assert.equal(svc.nextStep, 'enroll');
    assert.equal(svc.peerStation, undefined);
    assert.equal(svc.facts().keyArn, ARN);
    // A second request is not expected any more.
    await assert.rejects(
      svc.readConsoleRequest(good),
      (e: { code?: string }) => e.code === 'BUNDLE_NOT_EXPECTED',
    );
  } finally {
    svc.dispose();
  }
});

void test('a plan that creates its key cannot take a console request: refused and recorded', async () => {
  const room = new SplitRoom(path.join(tmp.dir, 'create'), 'http://127.0.0.1:1', splitPlan());
  const file = path.join(tmp.dir, 'create.json');
  writeFileSync(file, cliJson());
  await assert.rejects(
    CeremonyService.createOfflineFromConsole({
      dir: room.dirs.offline,
      planDoc: room.planDoc,
      planBase: room.dirs.offline,
      kms: OFFLINE_KMS_PORT,
      options: room.engine('offline'),
      requestFile: file,
    }),
    (e: { code?: string; hint?: string }) =>
      e.code === 'CONSOLE_REQUEST_PLAN' && /existing/.test(e.hint ?? ''),
  );
  const refused = openLogReadOnly(path.join(room.dirs.offline, 'audit.db')).records.filter(
    (r) => r.type === 'bundle.refused',
  );
  assert.equal(refused.length, 1);
});

void test('a rotation plan cannot take a console request (its import and rotation run under quorum online): refused and recorded', async () => {
  const plan = splitPlan({
    target: {
      provider: 'aws',
      region: 'us-east-1',
      accountId: '111122223333',
      key: { existing: { keyId: ARN, keySpec: 'SYMMETRIC_DEFAULT' } },
    },
    rotate: {},
    guardedSteps: ['generate-material', 'backup-shares', 'import', 'rotate'],
  });
  const room = new SplitRoom(path.join(tmp.dir, 'rotate'), 'http://127.0.0.1:1', plan);
  const file = path.join(tmp.dir, 'rotate.json');
  writeFileSync(file, cliJson());
  await assert.rejects(
    CeremonyService.createOfflineFromConsole({
      dir: room.dirs.offline,
      planDoc: room.planDoc,
      planBase: room.dirs.offline,
      kms: OFFLINE_KMS_PORT,
      options: room.engine('offline'),
      requestFile: file,
    }),
    (e: { code?: string; hint?: string }) =>
      e.code === 'CONSOLE_REQUEST_PLAN' && /--station online/.test(e.hint ?? ''),
  );
  const refused = openLogReadOnly(path.join(room.dirs.offline, 'audit.db')).records.filter(
    (r) => r.type === 'bundle.refused',
  );
  assert.equal(refused.length, 1);
});

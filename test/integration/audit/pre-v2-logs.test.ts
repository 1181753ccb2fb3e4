import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { verifyDatabase } from '../../../src-main/audit/verify-database.js';
import { isDigestOfPlan, validatePlan } from '../../../src-shared/ceremony/plan.js';
import { planDigestV1 } from '../../../src-shared/ceremony/legacy-digests.js';
import { challengeDigest } from '../../../src-shared/ceremony/confirmation.js';
import type { AuditRecord } from '../../../src-shared/audit/record.js';
import { readRecord } from '../../../src-shared/ceremony/records.js';

/*
 * Logs written by Keyrite before the engine restructure (test/fixtures/logs/pre-v2, see its README) must
 * keep verifying, and an auditor must keep being able to recompute what custodians signed in them. The
 * digests are recomputed here from the rule as it was documented for those logs (sorted keys, no
 * whitespace, SHA-256 over the text with the domain as a member), independently of the engine's code.
 */
const FIXTURES = path.resolve(__dirname, '../../fixtures/logs/pre-v2');
const LAUNCHER = path.resolve(__dirname, '../../../src-main/cli/keyrite.cjs');
const LOGS = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** A copy to work on: verification never writes, but SQLite may leave -wal/-shm files beside a database. */
function copyOf(name: string): { dir: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), 'keyrite-pre-v2-'));
  const dir = path.join(root, name);
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json | undefined };

/** The pre-v2 digest rule, written out from its description rather than imported. */
function legacyCanonical(v: Json | undefined): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(legacyCanonical).join(',')}]`;
  const keys = Object.keys(v)
    .filter((k) => v[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${legacyCanonical(v[k])}`).join(',')}}`;
}
const legacyDigest = (v: Json): string => createHash('sha256').update(legacyCanonical(v)).digest('hex');

function only(records: AuditRecord[], type: string): AuditRecord[] {
  return records.filter((r) => r.type === type);
}

void test('the pre-v2 fixture logs are all there', () => {
  assert.deepEqual(LOGS, [
    'ecc-grant',
    'hmac-split',
    'open-half-confirmed',
    'reimport-from-shares',
    'symmetric-crashes',
  ]);
});

for (const name of LOGS) {
  void test(`pre-v2 log ${name}: keyrite audit verify with the auditor's checkpoint exits 0`, () => {
    const c = copyOf(name);
    try {
      const db = path.join(c.dir, 'audit.db');
      const r = spawnSync(
        process.execPath,
        [LAUNCHER, 'audit', 'verify', db, '--checkpoint', path.join(c.dir, 'checkpoint.json')],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /intact/i);
      const inProcess = verifyDatabase(
        db,
        JSON.parse(readFileSync(path.join(c.dir, 'checkpoint.json'), 'utf8')),
      );
      assert.equal(inProcess.result.ok, true, JSON.stringify(inProcess.result));
    } finally {
      c.cleanup();
    }
  });

  void test(`pre-v2 log ${name}: every record reads through the record catalogue`, () => {
    const c = copyOf(name);
    try {
      const { records } = loadLog(path.join(c.dir, 'audit.db'));
      const problems = records.map(readRecord).flatMap((r) => ('problem' in r ? [r.problem] : []));
      assert.deepEqual(problems, []);
    } finally {
      c.cleanup();
    }
  });

  void test(`pre-v2 log ${name}: the plan digest and every confirmation digest recompute from the log`, () => {
    const c = copyOf(name);
    try {
      const { records } = loadLog(path.join(c.dir, 'audit.db'));
      const started = only(records, 'ceremony.started');
      assert.equal(started.length, 1);
      const planDoc = JSON.parse(readFileSync(path.join(c.dir, 'plan.json'), 'utf8')) as Json;
      const recorded = started[0]?.payload['planDigest'];
      assert.equal(legacyDigest({ domain: 'keyrite/plan/v1', plan: planDoc }), recorded);
      // The engine keeps the old rule for reading: plan.json is still this ceremony's reviewed plan.
      const { plan, digest } = validatePlan(planDoc);
      assert.equal(planDigestV1(plan), recorded);
      assert.equal(isDigestOfPlan(String(recorded), plan), true);
      assert.notEqual(digest, recorded, 'new plans are digested under keyrite/plan/v2');

      const challenges = only(records, 'step.challenge');
      assert.ok(challenges.length > 0, 'every fixture has at least one guarded step');
      const ceremonyId = started[0]?.ceremonyId ?? '';
      const digests = new Set<string>();
      for (const r of challenges) {
        const p = r.payload as Record<string, Json>;
        const digest = legacyDigest({
          domain: 'keyrite/confirmation/v1',
          ceremonyId,
          stepId: p['stepId'] ?? null,
          facts: p['facts'] ?? null,
          chainHead: p['chainHead'] ?? null,
          nonce: p['nonce'] ?? null,
          expiresAt: p['expiresAt'] ?? null,
        });
        assert.equal(digest, p['digest'], `step.challenge record ${r.seq}`);
        const read = readRecord(r);
        assert.ok(!('problem' in read) && read.type === 'step.challenge');
        const { stepId, facts, chainHead, nonce, expiresAt } = read.payload;
        const challenge = { ceremonyId, stepId, facts, chainHead, nonce, expiresAt };
        assert.equal(
          challengeDigest({ ...challenge, rule: 'v1' }),
          digest,
          'the engine reads it by the old rule',
        );
        assert.notEqual(challengeDigest(challenge), digest);
        digests.add(digest);
      }
      const confirmed = only(records, 'step.confirmed');
      assert.ok(confirmed.length > 0);
      for (const r of confirmed) {
        const digest = String(r.payload['digest']);
        assert.ok(digests.has(digest), `confirmation ${r.seq} names a request in the log`);
        const key = createPublicKey({
          key: Buffer.from(String(r.payload['publicKey']), 'base64'),
          format: 'der',
          type: 'spki',
        });
        assert.ok(
          verify(
            null,
            Buffer.from(digest, 'hex'),
            key,
            Buffer.from(String(r.payload['signature']), 'base64'),
          ),
          `confirmation ${r.seq} is the custodian's signature over the request digest`,
        );
      }
    } finally {
      c.cleanup();
    }
  });
}

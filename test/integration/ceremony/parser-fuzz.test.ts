// Bounded, seeded fuzzing of two parsers that read what a person hands the station: the ceremony plan
// (validatePlan over documents near the shipped rehearsal plan, and arbitrary JSON) and a backup share
// file (readShareFile over bytes near a real one). Whatever the input, the parser returns or throws a
// KeyriteError with a code, a message and a hint: never a TypeError, a RangeError or a hang. The seeds
// are fixed so a failure reproduces; the counts keep this part of npm test to a few seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { KeyriteError } from '../../../src-shared/errors.js';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { validatePlan } from '../../../src-shared/ceremony/plan.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { readShareFile } from '../../../src-main/ceremony/ceremony-files.js';
import { createSealedShares } from '../../../src-main/secrets/backup-shares.js';
import { enrollCustodian } from '../../../src-main/secrets/custodian-keys.js';

const SEED = 17_2026;
// `npm run test:faults` (KEYRITE_FAULTS=long) runs each campaign 25 times longer.
const RUNS = process.env['KEYRITE_FAULTS'] === 'long' ? 25 : 1;

function assertClean(e: unknown, what: string): void {
  assert.ok(e instanceof KeyriteError, `${what} threw ${String(e)} instead of a KeyriteError`);
  assert.ok(
    e.code.length > 0 && e.message.length > 0 && e.hint.length > 0,
    `${what}: ${e.code} without text`,
  );
}

/** Replaces the value at a random path of `doc` (objects and arrays) with `value`. */
function mutate(doc: unknown, pick: number[], value: unknown): unknown {
  if (pick.length === 0 || doc === null || typeof doc !== 'object') return value;
  const keys = Object.keys(doc);
  if (keys.length === 0) return value;
  const k = keys[(pick[0] as number) % keys.length] as string;
  const copy: Record<string, unknown> = Array.isArray(doc)
    ? ([...doc] as unknown as Record<string, unknown>)
    : { ...doc };
  copy[k] = mutate((doc as Record<string, unknown>)[k], pick.slice(1), value);
  return copy;
}

void test('plans near the shipped one, and any JSON, are accepted or refused with a KeyriteError', () => {
  const base = defaultRehearsalPlan();
  const check = (doc: unknown): void => {
    try {
      validatePlan(doc);
    } catch (e) {
      assertClean(e, 'validatePlan');
    }
  };
  fc.assert(
    fc.property(fc.array(fc.nat(50), { maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }), (pick, value) =>
      check(mutate(base, pick, value)),
    ),
    { seed: SEED, numRuns: 400 * RUNS },
  );
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), check), { seed: SEED, numRuns: 200 * RUNS });
});

void test('share files near a real one, cut or flipped anywhere, are read or refused with a KeyriteError', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-share-fuzz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cost = { N: 2 ** 10, r: 8, p: 1 };
  const e = await enrollCustodian(
    'cer-fuzz',
    'custodian-1',
    SecretBuffer.adopt(Buffer.from('purple elephant dances at dawn 1')),
    cost,
  );
  const [share] = await createSealedShares(
    'cer-fuzz',
    SecretBuffer.adopt(randomBytes(32)),
    'ABCDEF',
    [
      { custodianId: 'custodian-1', sharePublicKey: e.sharePublicKey },
      { custodianId: 'custodian-2', sharePublicKey: e.sharePublicKey },
    ],
    2,
  );
  const holder = {
    signingPublicKey: e.signingPublicKey,
    sharePublicKey: e.sharePublicKey,
    sealedKeys: e.sealedKeys,
  };
  const good = Buffer.from(JSON.stringify({ ...share, holder }));
  const file = path.join(dir, 'custodian-1.share.json');
  writeFileSync(file, good);
  assert.equal(readShareFile(file).custodianId, 'custodian-1', 'the unmutated file reads');
  fc.assert(
    fc.property(fc.nat(good.length - 1), fc.nat(255), fc.boolean(), (at, byte, cut) => {
      const bytes = Buffer.from(good);
      if (cut) writeFileSync(file, bytes.subarray(0, at));
      else {
        bytes[at] = byte;
        writeFileSync(file, bytes);
      }
      try {
        readShareFile(file);
      } catch (err) {
        assertClean(err, 'readShareFile');
      }
    }),
    { seed: SEED, numRuns: 300 * RUNS },
  );
});

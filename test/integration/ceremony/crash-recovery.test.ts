import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createKmsGateway } from '../../../src-main/kms/kms-gateway.js';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { verifyLog } from '../../../src-shared/audit/verify-log.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { findLeaks, passphrasesFor, tempDir, setIn, type PlanDoc } from './harness/ceremony.js';
import { runCli as runChild } from './harness/crash-child.js';
import { seeded } from '../kms/harness/fault-proxy.js';
import { keysOfCeremony } from '../kms/harness/ceremony-keys.js';
import { KMSClient } from '@aws-sdk/client-kms';
import { EMULATOR_CREDENTIALS } from '../../../src-main/kms/kms-gateway.js';

/*
 * Kills a real `keyrite rehearse` child with SIGKILL at each step boundary and effect boundary, then
 * resumes the ceremony in a second child and checks: it completes, the audit log verifies, KMS holds
 * exactly the material the ceremony verified (an HMAC key, so verification is a strong check), no
 * import ever ran twice, and nothing secret is on disk even with the WAL left by the kill.
 */
let emu: RunningEmulator;
const tmp = tempDir('crash');
const passphrases = passphrasesFor(4, 'crash');

const runCli = (args: string[], crashAt?: string, killAfterMs?: number) =>
  runChild(args, passphrases, crashAt, killAfterMs);

void before(async () => {
  emu = await startEmulator();
});

/** An HMAC plan with backup shares and its own alias (aliases are account-wide in the shared emulator). */
function writePlan(file: string, alias: string): void {
  const plan = defaultRehearsalPlan() as PlanDoc;
  setIn(plan, 'name', 'Crash rehearsal: HMAC with backup shares');
  setIn(plan, 'target.key.create', {
    alias,
    keySpec: 'HMAC_256',
    keyUsage: 'GENERATE_VERIFY_MAC',
    description: 'crash test',
  });
  writeFileSync(file, JSON.stringify(plan));
}
void after(async () => {
  await emu.close();
  tmp.cleanup();
});

/** Every step boundary (start:STEP) and the effect boundaries around each kind of external effect. */
const ALL = [
  'intent:media.write-file:plan.json',
  'effect:media.write-file:custodians/custodian-2.json',
  'start:enroll',
  'start:preflight',
  'start:create-key',
  'effect:kms.create-key',
  'effect:kms.create-alias',
  'start:import-parameters',
  'effect:kms.get-parameters-for-import',
  'start:generate-material',
  'done:generate-material',
  'start:backup-shares',
  'intent:media.write-file:shares/custodian-2.share.json',
  'start:verify-shares',
  'start:wrap',
  'effect:media.write-file:import/EncryptedKeyMaterial.bin',
  'start:import',
  'intent:kms.import-key-material',
  'effect:kms.import-key-material',
  'outcome:kms.import-key-material',
  'start:verify',
  'start:handover',
  'start:close',
];
/**
 * `npm test` kills at one boundary of each kind (before the ceremony exists, a step's start and end, a
 * file half the shares in, a KMS effect done but not recorded, the import's intent, effect and
 * recorded outcome, the close); `npm run test:faults` (KEYRITE_FAULTS=long) at every one of ALL.
 */
const FEW = [
  'intent:media.write-file:plan.json',
  'start:enroll',
  'effect:kms.create-key',
  'done:generate-material',
  'intent:media.write-file:shares/custodian-2.share.json',
  'effect:media.write-file:import/EncryptedKeyMaterial.bin',
  'intent:kms.import-key-material',
  'effect:kms.import-key-material',
  'outcome:kms.import-key-material',
  'start:close',
];
const POINTS = process.env['KEYRITE_FAULTS'] === 'long' ? ALL : FEW;

/**
 * Kills a `keyrite rehearse` child (at a named boundary, or from outside after some milliseconds),
 * resumes it in a second child, and checks what must hold after any crash. Returns whether the kill
 * landed before the ceremony finished.
 */
async function killAndResume(name: string, kill: { point?: string; afterMs?: number }): Promise<boolean> {
  const dir = path.join(tmp.dir, name);
  const planFile = path.join(tmp.dir, `${name}.plan.json`);
  writePlan(planFile, `alias/crash-${name}`);
  const args = ['rehearse', '--out', dir, '--plan', planFile, '--endpoint', emu.url, '--passphrase-fd', '3'];
  const first = await runCli(args, kill.point, kill.afterMs);
  const killed = first.signal === 'SIGKILL';
  if (kill.point !== undefined)
    assert.ok(killed, `the child must die at ${kill.point}; it exited ${first.code}: ${first.err}`);
  else assert.ok(killed || first.code === 0, `the child ran to the end or was killed: ${first.err}`);
  // Killed before the ceremony existed: nothing to resume, so it is started again.
  const started = existsSync(path.join(dir, 'audit.db'));
  if (killed && !started) {
    const again = await runCli(args);
    assert.equal(again.code, 0, `the new start failed: ${again.err}`);
  } else
    assert.deepEqual(
      findLeaks(
        dir,
        passphrases
          .toString()
          .trim()
          .split('\n')
          .map((l) => Buffer.from(l)),
      ),
      [],
    );
  if (killed && started) {
    let second = await runCli([...args, '--resume']);
    if (/stopped before its ceremony began/.test(second.err)) {
      // Killed between opening the log and its first ceremony record: as the error says, start again.
      assert.match(second.err, /remove .* and start the ceremony again/);
      rmSync(dir, { recursive: true });
      second = await runCli(args);
    }
    assert.equal(second.code, 0, `resume failed: ${second.err}\n${second.out}`);
    assert.match(second.out, /key state: {3}Enabled/);
  }

  const log = loadLog(path.join(dir, 'audit.db'));
  assert.equal(verifyLog(log).ok, true);
  const imports = log.records.filter(
    (r) =>
      r.type === 'outcome' && r.payload['action'] === 'kms.import-key-material' && r.payload['ok'] === true,
  );
  assert.equal(imports.length, 1, 'exactly one import took effect');
  assert.match(
    String(log.records.find((r) => r.type === 'kms.verified')?.payload['check']),
    /GenerateMac matches/,
  );
  assert.equal(
    log.records.filter(
      (r) =>
        r.type === 'intent' &&
        !log.records.some((o) => o.type === 'outcome' && o.payload['intentSeq'] === r.seq),
    ).length,
    0,
    'every intent is settled',
  );
  // A kill after CreateKey ran but before its answer was recorded leaves a key the resumed run must use,
  // not one it leaves behind: one key in the account carries this ceremony's tag.
  const sdk = new KMSClient({ region: 'us-east-1', endpoint: emu.url, credentials: EMULATOR_CREDENTIALS });
  try {
    const keys = await keysOfCeremony(sdk, log.records.find((r) => r.ceremonyId)?.ceremonyId ?? '');
    assert.equal(keys.length, 1, `one key for the ceremony, not ${keys.length}`);
  } finally {
    sdk.destroy();
  }
  return killed;
}

// Two children at a time: each is a separate process, so this uses both cores without sharing state.
const sweep = POINTS === ALL ? 'each boundary' : 'one boundary of each kind';
void describe(`SIGKILL at ${sweep}, then resume`, { concurrency: 2 }, () => {
  for (const point of POINTS) {
    void test(`SIGKILL at ${point}: the resumed ceremony completes with the verified material`, async () => {
      await killAndResume(point.replace(/[^a-z0-9]+/gi, '-'), { point });
    });
  }
});

/*
 * A power cut at a random time, between or inside the boundaries above: seeded kill times over the
 * span of a run. `npm test` runs a few; `npm run test:faults` (KEYRITE_FAULTS=long) many.
 */
const KILLS = process.env['KEYRITE_FAULTS'] === 'long' ? 60 : 3;
void test(`SIGKILL at ${KILLS} seeded random times: every resumed ceremony completes`, async () => {
  const next = seeded(2026_12);
  let landed = 0;
  for (let i = 1; i <= KILLS; i++) {
    const afterMs = 250 + Math.floor(next() * 2_750);
    try {
      if (await killAndResume(`random-${i}`, { afterMs })) landed++;
    } catch (e) {
      throw new Error(`kill ${i} at ${afterMs} ms: ${(e as Error).message}`, { cause: e });
    }
  }
  assert.ok(landed > 0, 'at least one kill landed before the ceremony finished');
});

void test('a wrapped blob changed on disk after a crash is never imported', async () => {
  const dir = path.join(tmp.dir, 'tampered');
  const planFile = path.join(tmp.dir, 'tampered.plan.json');
  writePlan(planFile, 'alias/crash-tampered');
  const args = ['rehearse', '--out', dir, '--plan', planFile, '--endpoint', emu.url, '--passphrase-fd', '3'];
  const first = await runCli(args, 'intent:kms.import-key-material');
  assert.equal(first.signal, 'SIGKILL');
  const blob = path.join(dir, 'import', 'EncryptedKeyMaterial.bin');
  writeFileSync(blob, randomBytes(readFileSync(blob).length));
  const second = await runCli([...args, '--resume']);
  assert.equal(second.code, 1);
  assert.match(second.err, /not what this ceremony wrote/);
  const keyArn = loadLog(path.join(dir, 'audit.db')).records.find((r) => r.type === 'params.fetched')
    ?.payload['keyArn'];
  const g = createKmsGateway({ region: 'us-east-1', endpoint: emu.url });
  try {
    assert.equal((await g.describeKey(String(keyArn))).KeyMetadata?.KeyState, 'PendingImport');
  } finally {
    g.close();
  }
});

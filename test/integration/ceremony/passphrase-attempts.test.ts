import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ceremonyView } from '../../../src-shared/ipc/ceremony-view.js';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { kmsPortFromGateway } from '../../../src-main/kms/aws-kms-port.js';
import { CeremonyService } from '../../../src-main/ceremony/ceremony-service.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { verifyDatabase } from '../../../src-main/audit/verify-database.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { stationKeyAt } from '../audit/harness/fixture.js';
import { TEST_SCRYPT, secretOf, tempDir, setIn, type PlanDoc } from './harness/ceremony.js';

/*
 * Wrong passphrases are limited and recorded (issue 12, item 5): each one is an audit record naming
 * the custodian and the step, the next try waits twice as long as the last, the plan caps the tries
 * per custodian per step, and all of it survives a restart because it is read back from the log.
 */
let emu: RunningEmulator;
let svc: CeremonyService;
const tmp = tempDir('attempts');
const dir = path.join(tmp.dir, 'c');
let now = Date.parse('2026-12-01T12:00:00Z');
const clock = () => new Date(now);
const pw = (id: string) => secretOf(Buffer.from(`passphrase-of-${id}`));
const wrongPw = () => secretOf(Buffer.from('not-the-right-passphrase'));
const kms = () => kmsPortFromGateway(createKmsGateway({ region: 'us-east-1', endpoint: emu.url }));
const options = () => ({
  scryptCost: TEST_SCRYPT,
  clock,
  confirmationTtlMs: 3_600_000,
  stationKey: stationKeyAt(path.join(tmp.dir, 'station-key')),
});

function refusals(): { actor: string; payload: Record<string, unknown>; time: string }[] {
  return loadLog(path.join(dir, 'audit.db'))
    .records.filter((r) => r.type === 'step.passphrase-refused')
    .map((r) => ({ actor: r.actor, payload: r.payload as Record<string, unknown>, time: r.time }));
}

void before(async () => {
  emu = await startEmulator();
  const plan = defaultRehearsalPlan() as PlanDoc;
  setIn(plan, 'target.key.create.alias', undefined);
  setIn(plan, 'passphraseAttempts', 3);
  svc = await CeremonyService.create({
    dir,
    planDoc: plan,
    planBase: tmp.dir,
    kms: kms(),
    options: options(),
  });
  for (const id of ['custodian-1', 'custodian-2', 'custodian-3', 'witness-1']) await svc.enroll(id, pw(id));
  for (const s of ['enroll', 'preflight', 'create-key', 'import-parameters'] as const) await svc.runStep(s);
});
void after(async () => {
  svc.dispose();
  await emu.close();
  tmp.cleanup();
});

void test('a wrong passphrase is an audit record (who, which step, when) and says how many tries remain', async () => {
  await assert.rejects(
    svc.confirm('generate-material', 'custodian-1', wrongPw()),
    (e: Error & { code: string }) => {
      assert.equal(e.code, 'PASSPHRASE_WRONG');
      assert.match(e.message, /2 attempts left at this step; next try in 1 s/);
      return true;
    },
  );
  const r = refusals();
  assert.equal(r.length, 1);
  assert.equal(r[0]?.actor, 'custodian-1');
  assert.deepEqual(r[0]?.payload, {
    custodian: 'custodian-1',
    stepId: 'generate-material',
    purpose: 'confirm',
    attempt: 1,
    remaining: 2,
    notBefore: new Date(now + 1000).toISOString(),
  });
  const me = ceremonyView.parse(svc.view()).participants.find((p) => p.id === 'custodian-1');
  assert.deepEqual(me?.passphraseAttempts, {
    wrong: 1,
    remaining: 2,
    notBefore: new Date(now + 1000).toISOString(),
  });
});

void test('the next try waits, and each wrong passphrase doubles the wait; waiting costs no try', async () => {
  // Even the right passphrase is not tried during the wait: nothing is derived, nothing recorded.
  await assert.rejects(svc.confirm('generate-material', 'custodian-1', pw('custodian-1')), {
    code: 'PASSPHRASE_BACKOFF',
  });
  assert.equal(refusals().length, 1);
  now += 1000;
  await assert.rejects(
    svc.confirm('generate-material', 'custodian-1', wrongPw()),
    /1 attempt left at this step; next try in 2 s/,
  );
  now += 1000;
  await assert.rejects(svc.confirm('generate-material', 'custodian-1', wrongPw()), {
    code: 'PASSPHRASE_BACKOFF',
  });
  now += 1000;
  await assert.rejects(
    svc.confirm('generate-material', 'custodian-1', wrongPw()),
    (e: Error & { code: string }) => {
      assert.equal(e.code, 'PASSPHRASE_WRONG');
      assert.match(e.message, /no attempts left at this step/);
      return true;
    },
  );
  assert.deepEqual(
    refusals().map((r) => [r.payload['attempt'], r.payload['remaining']]),
    [
      [1, 2],
      [2, 1],
      [3, 0],
    ],
  );
});

void test('once the plan’s tries are used, even the right passphrase is refused at that step; other custodians act', async () => {
  now += 600_000;
  await assert.rejects(svc.confirm('generate-material', 'custodian-1', pw('custodian-1')), {
    code: 'PASSPHRASE_ATTEMPTS_EXHAUSTED',
  });
  assert.equal(refusals().length, 3);
  await svc.confirm('generate-material', 'custodian-2', pw('custodian-2'));
  // custodian-3 mistypes once, then waits and confirms.
  await assert.rejects(svc.confirm('generate-material', 'custodian-3', wrongPw()), {
    code: 'PASSPHRASE_WRONG',
  });
  now += 1000;
  const r = await svc.confirm('generate-material', 'custodian-3', pw('custodian-3'));
  assert.equal(r.confirmations, 2);
  await svc.runStep('generate-material');
  // The count is per step: at the next guarded step custodian-1 has all tries again.
  assert.deepEqual(svc.passphraseAttempts('custodian-1', 'backup-shares'), { wrong: 0, remaining: 3 });
});

void test('two tries of one custodian at once: the second is refused, so parallel requests cannot skip the wait', async () => {
  const [a, b] = await Promise.allSettled([
    svc.confirm('backup-shares', 'custodian-2', wrongPw()),
    svc.confirm('backup-shares', 'custodian-2', wrongPw()),
  ]);
  const codes = [a, b]
    .map((x) => (x.status === 'rejected' ? (x.reason as { code: string }).code : 'ok'))
    .sort();
  assert.deepEqual(codes, ['PASSPHRASE_BUSY', 'PASSPHRASE_WRONG']);
  assert.equal(refusals().filter((r) => r.payload['stepId'] === 'backup-shares').length, 1);
});

void test('a restart neither resets the count nor shortens the wait; the log still verifies', async () => {
  const reopen = async () => {
    svc.dispose();
    svc = await CeremonyService.open({ dir, kms: kms(), options: options() });
  };
  await reopen();
  // The material was only in memory: reopening goes back to generate-material, whose count stands.
  assert.equal(svc.nextStep, 'generate-material');
  assert.deepEqual(svc.passphraseAttempts('custodian-2', 'backup-shares'), {
    wrong: 1,
    remaining: 2,
    notBefore: new Date(now + 1000).toISOString(),
  });
  await assert.rejects(svc.confirm('generate-material', 'custodian-1', pw('custodian-1')), {
    code: 'PASSPHRASE_ATTEMPTS_EXHAUSTED',
  });
  await assert.rejects(
    svc.confirm('generate-material', 'custodian-3', wrongPw()),
    /1 attempt left at this step; next try in 2 s/,
  );
  await reopen();
  await assert.rejects(svc.confirm('generate-material', 'custodian-3', pw('custodian-3')), {
    code: 'PASSPHRASE_BACKOFF',
  });
  now += 2000;
  await svc.confirm('generate-material', 'custodian-3', pw('custodian-3'));
  await svc.confirm('generate-material', 'custodian-2', pw('custodian-2'));
  await svc.runStep('generate-material');
  assert.equal(verifyDatabase(path.join(dir, 'audit.db')).result.ok, true);
});

void test('a share that will not open counts against that custodian at verify-shares', async () => {
  await svc.confirm('backup-shares', 'custodian-1', pw('custodian-1'));
  await svc.confirm('backup-shares', 'custodian-2', pw('custodian-2'));
  await svc.runStep('backup-shares');
  assert.equal(svc.nextStep, 'verify-shares');
  await assert.rejects(svc.verifyShare('custodian-3', wrongPw()), /2 attempts left at this step/);
  const last = refusals().at(-1);
  assert.deepEqual(
    [last?.actor, last?.payload['stepId'], last?.payload['purpose']],
    ['custodian-3', 'verify-shares', 'verify-share'],
  );
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ceremonyView } from '../../../src-shared/ipc/ceremony-view.js';
import { events as ipcEvents } from '../../../src-shared/ipc/contract.js';
import { challengeDigest } from '../../../src-shared/ceremony/confirmation.js';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { CeremonyService, type ProgressEvent } from '../../../src-main/ceremony/ceremony-service.js';
import { kmsPortFromGateway } from '../../../src-main/kms/aws-kms-port.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { unlockCustodian } from '../../../src-main/secrets/custodian-keys.js';
import { readFileSync } from 'node:fs';
import { TEST_SCRYPT, secretOf, tempDir, setIn, type PlanDoc } from './harness/ceremony.js';

/*
 * The quorum rules end to end through the service the UI and CLI use: every refusal with a real
 * audit log, real sealed custodian keys and a real KMS (emulator).
 */
let emu: RunningEmulator;
let svc: CeremonyService;
const tmp = tempDir('quorum');
let now = Date.now();
const clock = () => new Date(now);
const pw = (id: string) => secretOf(Buffer.from(`passphrase-of-${id}`));
const events: ProgressEvent[] = [];

void before(async () => {
  emu = await startEmulator();
  const plan = defaultRehearsalPlan() as PlanDoc;
  setIn(plan, 'target.key.create.alias', undefined);
  svc = await CeremonyService.create({
    dir: path.join(tmp.dir, 'c'),
    planDoc: plan,
    planBase: tmp.dir,
    kms: kmsPortFromGateway(createKmsGateway({ region: 'us-east-1', endpoint: emu.url })),
    options: { scryptCost: TEST_SCRYPT, clock, confirmationTtlMs: 60_000 },
  });
  svc.on('progress', (e) => events.push(e));
});
void after(async () => {
  svc.dispose();
  await emu.close();
  tmp.cleanup();
});

void test('steps refuse to run out of order, and enrollment must be complete', async () => {
  await assert.rejects(svc.runStep('import'), { code: 'CEREMONY_OUT_OF_ORDER' });
  await svc.enroll('custodian-1', pw('custodian-1'));
  await assert.rejects(svc.enroll('custodian-1', pw('custodian-1')), { code: 'ALREADY_ENROLLED' });
  await assert.rejects(svc.enroll('mallory', pw('mallory')), { code: 'NOT_A_CUSTODIAN' });
  await assert.rejects(svc.runStep('enroll'), { code: 'ENROLLMENT_INCOMPLETE' });
  await svc.enroll('custodian-2', pw('custodian-2'));
  await svc.enroll('custodian-3', pw('custodian-3'));
  // Custodians enrolled, the witness not yet: their key signs what they state.
  await assert.rejects(svc.runStep('enroll'), { code: 'ENROLLMENT_INCOMPLETE', message: /witness-1/ });
  await assert.rejects(svc.witnessException('enroll', 'witness-1', 'early', pw('witness-1')), {
    code: 'WITNESS_NOT_ENROLLED',
  });
  await svc.enroll('witness-1', pw('witness-1'));
  for (const s of ['enroll', 'preflight', 'create-key', 'import-parameters'] as const) await svc.runStep(s);
  assert.equal(svc.nextStep, 'generate-material');
});

void test('a guarded step does not run without M distinct valid confirmations', async () => {
  await assert.rejects(svc.runStep('generate-material'), { code: 'QUORUM_NOT_MET' });
  await assert.rejects(svc.confirm('generate-material', 'custodian-1', pw('custodian-2')), {
    code: 'PASSPHRASE_WRONG',
  });
  now += 1000; // the wait after a wrong passphrase (passphrase-attempts.test.ts)
  const r = await svc.confirm('generate-material', 'custodian-1', pw('custodian-1'));
  assert.deepEqual([r.confirmations, r.required], [1, 2]);
  await assert.rejects(svc.confirm('generate-material', 'custodian-1', pw('custodian-1')), {
    code: 'CONFIRMATION_DUPLICATE',
  });
  await assert.rejects(svc.confirm('generate-material', 'mallory', pw('mallory')), {
    code: 'CONFIRMATION_UNKNOWN_KEY',
  });
  await assert.rejects(svc.runStep('generate-material'), { code: 'QUORUM_NOT_MET' });
  await assert.rejects(svc.confirm('backup-shares', 'custodian-2', pw('custodian-2')), {
    code: 'CEREMONY_OUT_OF_ORDER',
  });
});

void test('a confirmation signed over other facts is refused as the wrong digest', async () => {
  const ch = svc.challenge('generate-material');
  const enrollment = JSON.parse(
    readFileSync(path.join(tmp.dir, 'c', 'custodians', 'custodian-2.json'), 'utf8'),
  );
  const u = await unlockCustodian(svc.ceremonyId, enrollment, pw('custodian-2'));
  try {
    const forged = challengeDigest({
      ...ch,
      facts: { ...ch.facts, keyArn: 'arn:aws:kms:us-east-1:111122223333:key/other' },
    });
    assert.throws(
      () =>
        svc.submitConfirmation({
          custodianId: 'custodian-2',
          publicKey: enrollment.signingPublicKey,
          digest: forged,
          nonce: ch.nonce,
          signature: u.signDigest(forged),
        }),
      { code: 'CONFIRMATION_WRONG_DIGEST' },
    );
  } finally {
    u.dispose();
  }
});

void test('an expired request stops counting, and a fresh request is issued', async () => {
  now += 61_000;
  await assert.rejects(svc.runStep('generate-material'), { code: 'CONFIRMATION_EXPIRED' });
  const fresh = svc.challenge('generate-material');
  assert.ok(Date.parse(fresh.expiresAt) > now);
  assert.deepEqual(svc.pendingConfirmations(), []);
});

let usedConfirmation: Parameters<CeremonyService['submitConfirmation']>[0];
void test('with M confirmations the step runs; its confirmations cannot be replayed into the next step', async () => {
  const ch = svc.challenge('generate-material');
  const enrollment = JSON.parse(
    readFileSync(path.join(tmp.dir, 'c', 'custodians', 'custodian-3.json'), 'utf8'),
  );
  const u = await unlockCustodian(svc.ceremonyId, enrollment, pw('custodian-3'));
  const digest = challengeDigest(ch);
  usedConfirmation = {
    custodianId: 'custodian-3',
    publicKey: enrollment.signingPublicKey,
    digest,
    nonce: ch.nonce,
    signature: u.signDigest(digest),
  };
  u.dispose();
  svc.submitConfirmation(usedConfirmation);
  await svc.confirm('generate-material', 'custodian-1', pw('custodian-1'));
  const view = await svc.runStep('generate-material');
  const step = view.steps.find((s) => s.id === 'generate-material');
  assert.deepEqual(step?.confirmedBy, ['custodian-3', 'custodian-1']);
  assert.match(step?.facts.kcv ?? '', /^[0-9a-f]{6}$/);
  svc.challenge('backup-shares');
  assert.throws(() => svc.submitConfirmation(usedConfirmation), { code: 'CONFIRMATION_REPLAYED' });
});

void test('the view is public facts only and fits the IPC contract; progress events flow', () => {
  const view = svc.view();
  ceremonyView.parse(view);
  const text = JSON.stringify(view);
  assert.ok(!text.includes('sealedKeys') && !text.includes('ciphertext'));
  assert.ok(events.some((e) => e.stepId === 'generate-material' && e.phase === 'completed'));
  for (const e of events) ipcEvents['ceremony.progress'].parse(e);
});

void test('a witness exception appears on its step', async () => {
  const view = await svc.witnessException(
    'generate-material',
    'witness-1',
    'Custodian 3 read the KCV aloud before the others compared it.',
    pw('witness-1'),
  );
  const step = view.steps.find((s) => s.id === 'generate-material');
  assert.equal(step?.exceptions[0]?.witnessId, 'witness-1');
  await assert.rejects(svc.witnessException('generate-material', 'custodian-1', 'x'), {
    code: 'NOT_A_WITNESS',
  });
});

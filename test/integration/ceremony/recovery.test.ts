import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { nextStep, type StepId } from '../../../src-shared/ceremony/state-machine.js';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { kmsPortFromGateway } from '../../../src-main/kms/aws-kms-port.js';
import type { KmsPort } from '../../../src-main/kms/kms-port.js';
import { createCeremony, type OpenCeremony } from '../../../src-main/ceremony/lifecycle.js';
import type { CeremonyParts } from '../../../src-main/ceremony/ceremony-parts.js';
import { needsRealign, realign, reconcile } from '../../../src-main/ceremony/recovery.js';
import { applyStepEvent, runNextStep } from '../../../src-main/ceremony/step-runner.js';
import { enrollParticipant } from '../../../src-main/ceremony/enrollment.js';
import { verifyShare } from '../../../src-main/ceremony/share-custody.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { TEST_SCRYPT, setIn, tempDir, type PlanDoc } from './harness.js';

/*
 * recovery.ts on its own: a ceremony is driven on the emulator to the edge of an effect, the effect is
 * left hanging (as if the station died there), and reconcile/realign are called directly to show how
 * they settle open intents with the world and rewind when material or parameters are gone.
 */
let emu: RunningEmulator;
const tmp = tempDir('recovery');
const opened: OpenCeremony[] = [];
void before(async () => {
  emu = await startEmulator();
});
void after(async () => {
  for (const o of opened) {
    o.parts.secrets.dispose();
    o.store.close();
  }
  await emu.close();
  tmp.cleanup();
});

const pw = (id: string) => SecretBuffer.adopt(Buffer.from(`recovery-passphrase-${id}`));
const never = () => new Promise<never>(() => {});

/** KMS as the emulator answers it, except that the calls named in `hang` never return. */
function kms(hang: { importAfterEffect?: boolean; importBeforeEffect?: boolean } = {}): KmsPort {
  const real = kmsPortFromGateway(createKmsGateway({ region: 'us-east-1', endpoint: emu.url }));
  return {
    ...real,
    importKeyMaterial: async (i) => {
      if (hang.importBeforeEffect) return never();
      const r = await real.importKeyMaterial(i);
      return hang.importAfterEffect ? never() : r;
    },
  };
}

let n = 0;
async function ceremony(port: KmsPort, clock?: () => Date): Promise<CeremonyParts> {
  const plan = defaultRehearsalPlan() as PlanDoc;
  setIn(plan, 'target.key.create.alias', undefined);
  const o = await createCeremony({
    dir: path.join(tmp.dir, `c${++n}`),
    planDoc: plan,
    planBase: tmp.dir,
    kms: port,
    options: { scryptCost: TEST_SCRYPT, ...(clock ? { clock } : {}) },
    signals: { progress: () => {}, changed: () => {} },
  });
  opened.push(o);
  for (const c of ['custodian-1', 'custodian-2', 'custodian-3']) {
    await enrollParticipant(o.parts, c, pw(c));
  }
  return o.parts;
}

/** Runs steps (confirming guarded ones, verifying shares) until `stop` is next. */
async function driveTo(p: CeremonyParts, stop: StepId): Promise<void> {
  for (let step = nextStep(p.log.state); step && step !== stop; step = nextStep(p.log.state)) {
    if (step === 'verify-shares') {
      for (const c of ['custodian-1', 'custodian-2', 'custodian-3']) await verifyShare(p, c, pw(c));
    }
    await confirmIfGuarded(p, step);
    await runNextStep(p, step);
  }
}

async function confirmIfGuarded(p: CeremonyParts, step: StepId): Promise<void> {
  if (!p.log.plan.guardedSteps.some((g) => g === step)) return;
  p.quorum.request(step);
  for (const c of ['custodian-1', 'custodian-2']) await p.quorum.confirm(step, c, pw(c));
}

const apply =
  (p: CeremonyParts) =>
  (ev: Parameters<typeof applyStepEvent>[1], f?: Parameters<typeof applyStepEvent>[2]) =>
    applyStepEvent(p, ev, f);

void test('an import that took effect before the station died is completed from what KMS shows', async () => {
  const p = await ceremony(kms({ importAfterEffect: true }));
  await driveTo(p, 'import');
  await confirmIfGuarded(p, 'import');
  void runNextStep(p, 'import');
  await waitFor(() => p.journal.openIntents().some((i) => i.payload.action === 'kms.import-key-material'));
  await waitFor(async () => (await p.kms.describeKey(p.log.facts.keyId ?? '')).keyState === 'Enabled');
  const account = await reconcile(p, apply(p));
  assert.ok(
    account.some((l) => /kms.import-key-material .*took effect/.test(l)),
    account.join('\n'),
  );
  assert.ok(account.includes('step import: completed — KMS shows the imported key Enabled'));
  assert.equal(p.log.state.steps.import, 'done');
  assert.equal(nextStep(p.log.state), 'verify');
  assert.deepEqual(p.journal.openIntents(), []);
});

void test('an import that never reached KMS is failed as interrupted and runs again', async () => {
  const p = await ceremony(kms({ importBeforeEffect: true }));
  await driveTo(p, 'import');
  await confirmIfGuarded(p, 'import');
  void runNextStep(p, 'import');
  await waitFor(() => p.journal.openIntents().length > 0);
  const account = await reconcile(p, apply(p));
  assert.ok(
    account.some((l) => /did not take effect \(key PendingImport\)/.test(l)),
    account.join('\n'),
  );
  assert.equal(p.log.state.steps.import, 'failed');
  assert.equal(p.log.failure('import')?.code, 'INTERRUPTED');
  const [outcome] = p.journal
    .records('outcome')
    .filter((r) => r.payload.action === 'kms.import-key-material');
  assert.equal(outcome?.payload.ok, false);
});

void test('material lost before the wrap rewinds to generate it again and voids the shares made from it', async () => {
  const p = await ceremony(kms());
  await driveTo(p, 'wrap');
  p.secrets.dispose();
  assert.equal(needsRealign(p), true);
  const account = await realign(p, apply(p));
  assert.ok(
    account.some((l) => l.includes('moved to shares/void-1/')),
    account.join('\n'),
  );
  assert.equal(nextStep(p.log.state), 'generate-material');
  assert.equal(p.journal.records('material.lost').length, 1);
  assert.deepEqual(readdirSync(path.join(p.paths.sharesDir, 'void-1')).sort(), [
    'custodian-1.share.json',
    'custodian-2.share.json',
    'custodian-3.share.json',
  ]);
  assert.equal(existsSync(p.paths.share('custodian-1')), false);
});

void test('expired import parameters rewind to fetch new ones; nothing to realign otherwise', async () => {
  let now = Date.now();
  const p = await ceremony(kms(), () => new Date(now));
  await driveTo(p, 'generate-material');
  assert.equal(needsRealign(p), false);
  assert.deepEqual(await realign(p, apply(p)), []);
  now += 25 * 3600 * 1000;
  assert.equal(needsRealign(p), true);
  const account = await realign(p, apply(p));
  assert.match(account.join('\n'), /import parameters expired: rewound to fetch new ones/);
  assert.equal(nextStep(p.log.state), 'import-parameters');
});

async function waitFor(ok: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not reached');
}

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { sha256Hex } from '../../../src-shared/digests.js';
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
import { grantSid } from '../../../src-main/ceremony/steps/grant.js';
import { TEST_SCRYPT, setIn, tempDir, type PlanDoc } from './harness/ceremony.js';

/*
 * recovery.ts on its own: a ceremony is driven on the emulator to the edge of an effect, the effect is
 * left hanging (as if the station died there), and reconcile/realign are called directly to show how
 * they settle open intents with the world and rewind when material or parameters are gone. Where the
 * world's answer is the point (an alias that names another key, a policy without the grant, a key that
 * left PendingImport), KMS is the emulator with that one answer scripted, and every call it got noted.
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
async function created(port: KmsPort, clock?: () => Date): Promise<CeremonyParts> {
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
  return o.parts;
}

async function ceremony(port: KmsPort, clock?: () => Date): Promise<CeremonyParts> {
  const p = await created(port, clock);
  // Custodians, then the witness: the enroll step waits for every witness's key too.
  for (const c of ['custodian-1', 'custodian-2', 'custodian-3', 'witness-1']) {
    await enrollParticipant(p, c, pw(c));
  }
  return p;
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

/**
 * Leaves an effect's intent open, as a station that died during the effect would: the intent is
 * committed, the effect never reports.
 */
function hangIn(p: CeremonyParts, ...a: Parameters<CeremonyParts['journal']['effect']>): void {
  void p.journal.effect(a[0], a[1], a[2], never, a[4]);
}

/** What the outcomes of these intents say: [ok, details], in the intents' order. */
function settled(p: CeremonyParts, intents: number[]): Array<[boolean, unknown]> {
  const outcomes = p.journal.records('outcome');
  return intents.map((seq) => {
    const o = outcomes.find((r) => r.payload.intentSeq === seq);
    return o ? [o.payload.ok, o.payload.details] : [false, 'no outcome'];
  });
}

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:us-east-1:111122223333:key/${KEY_ID}`;

/** The emulator's KMS, with the answers a test gives for DescribeKey and GetKeyPolicy, and every call noted. */
function scripted(answers: {
  describeKey?: (id: string) => Promise<Awaited<ReturnType<KmsPort['describeKey']>>>;
  getKeyPolicy?: (id: string) => Promise<string>;
}): { port: KmsPort; calls: string[] } {
  const real = kms();
  const calls: string[] = [];
  const port: KmsPort = {
    ...real,
    createKey: (i) => {
      calls.push('createKey');
      return real.createKey(i);
    },
    describeKey: (id) => {
      calls.push(`describeKey ${id}`);
      return answers.describeKey ? answers.describeKey(id) : real.describeKey(id);
    },
    getKeyPolicy: (id) => {
      calls.push(`getKeyPolicy ${id}`);
      return answers.getKeyPolicy ? answers.getKeyPolicy(id) : real.getKeyPolicy(id);
    },
  };
  return { port, calls };
}

void test('an interrupted file write is settled by the digest of the file on disk, each intent once', async () => {
  const p = await created(kms());
  mkdirSync(path.join(p.paths.dir, 'import'), { recursive: true });
  const whole = Buffer.from('the whole file');
  writeFileSync(path.join(p.paths.dir, 'import/a.bin'), whole);
  // b.bin was torn: something is on disk, but not what the intent said it would write.
  writeFileSync(path.join(p.paths.dir, 'import/b.bin'), whole.subarray(0, 5));
  for (const f of ['a.bin', 'b.bin', 'c.bin'])
    hangIn(
      p,
      'media.write-file',
      `write ${f}`,
      { file: `import/${f}`, digest: sha256Hex(whole) },
      never,
      () => ({}),
    );
  const hung = p.journal.openIntents().map((i) => i.seq);
  const account = await reconcile(p, apply(p));
  assert.deepEqual(
    account.map((l) => l.replace(/\(record \d+\)/, '(record N)')),
    [
      'media.write-file (record N): import/a.bin is on disk, complete',
      'media.write-file (record N): import/b.bin was not written',
      'media.write-file (record N): import/c.bin was not written',
    ],
  );
  assert.deepEqual(settled(p, hung), [
    [true, { reconciled: 'import/a.bin is on disk, complete' }],
    [false, { reconciled: 'import/b.bin was not written' }],
    [false, { reconciled: 'import/c.bin was not written' }],
  ]);
  assert.deepEqual(p.journal.openIntents(), []);
  // Settled is settled: a second pass has nothing left to ask.
  assert.deepEqual(await reconcile(p, apply(p)), []);
});

void test('an interrupted CreateAlias is settled by asking KMS which key the alias names', async () => {
  const { port, calls } = scripted({
    describeKey: (id) => {
      const key = {
        keyId: KEY_ID,
        keyState: 'PendingImport',
        keySpec: 'SYMMETRIC_DEFAULT',
        origin: 'EXTERNAL',
      };
      if (id === 'alias/made') return Promise.resolve({ ...key, arn: KEY_ARN });
      if (id === 'alias/other-key')
        return Promise.resolve({ ...key, arn: KEY_ARN.replace('1234abcd', '9999abcd') });
      return kms().describeKey(id); // alias/missing: NotFoundException from the emulator
    },
  });
  const p = await created(port);
  for (const alias of ['alias/made', 'alias/other-key', 'alias/missing'])
    hangIn(p, 'kms.create-alias', `CreateAlias ${alias}`, { alias, keyArn: KEY_ARN }, never, () => ({}));
  const hung = p.journal.openIntents().map((i) => i.seq);
  const account = await reconcile(p, apply(p));
  assert.deepEqual(calls, [
    'describeKey alias/made',
    'describeKey alias/other-key',
    'describeKey alias/missing',
  ]);
  assert.deepEqual(settled(p, hung), [
    [true, { reconciled: 'alias alias/made exists' }],
    [false, { reconciled: 'alias alias/other-key was not created' }],
    [false, { reconciled: 'alias alias/missing was not created' }],
  ]);
  assert.equal(account.length, 3);
});

void test('an interrupted key-policy change is settled by whether the grant statement is in the policy', async () => {
  const policy = JSON.stringify({ Statement: [{ Sid: grantSid('111122223333'), Effect: 'Allow' }] });
  const { port, calls } = scripted({ getKeyPolicy: () => Promise.resolve(policy) });
  const p = await created(port);
  for (const grantee of ['111122223333', '444455556666'])
    hangIn(p, 'kms.put-key-policy', `grant ${grantee}`, { grantee }, never, () => ({}));
  const hung = p.journal.openIntents().map((i) => i.seq);
  await reconcile(p, apply(p));
  assert.equal(calls.filter((c) => c.startsWith('getKeyPolicy')).length, 2);
  assert.deepEqual(settled(p, hung), [
    [true, { reconciled: 'the key policy statement is in place' }],
    [false, { reconciled: 'the key policy was not changed' }],
  ]);
});

void test('an interrupted CreateKey cannot be settled by recovery: KMS is not asked, and the step looks for the key when it runs again', async () => {
  const { port, calls } = scripted({});
  const p = await created(port);
  hangIn(
    p,
    'kms.create-key',
    'CreateKey',
    { keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', tagCeremony: p.log.ceremonyId },
    never,
    () => ({ keyArn: KEY_ARN, keyId: KEY_ID }),
  );
  const hung = p.journal.openIntents().map((i) => i.seq);
  const [line] = await reconcile(p, apply(p));
  assert.deepEqual(calls, []);
  assert.match(
    line ?? '',
    new RegExp(
      `first looks for a PendingImport key tagged keyrite:ceremony=${p.log.ceremonyId}, using it if there is one`,
    ),
  );
  assert.equal(settled(p, hung)[0]?.[0], false);
});

void test('material lost after the key left PendingImport stops the ceremony: no rewind, no shares voided', async () => {
  let keyLeftPendingImport = false;
  const { port } = scripted({
    describeKey: async (id) => {
      const k = await kms().describeKey(id);
      return keyLeftPendingImport ? { ...k, keyState: 'Enabled' } : k;
    },
  });
  const p = await ceremony(port);
  await driveTo(p, 'wrap');
  p.secrets.dispose();
  keyLeftPendingImport = true;
  const account = await realign(p, apply(p));
  assert.deepEqual(account, [
    'the key is no longer PendingImport: the ceremony cannot continue; investigate before anything else',
  ]);
  assert.equal(nextStep(p.log.state), 'wrap');
  assert.equal(p.journal.records('material.lost').length, 0);
  assert.equal(existsSync(p.paths.share('custodian-1')), true);
  assert.equal(existsSync(path.join(p.paths.sharesDir, 'void-1')), false);
});

async function waitFor(ok: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not reached');
}

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { sha256Hex } from '../../../src-shared/digests.js';
import { nextStep, type StepId } from '../../../src-shared/ceremony/state-machine.js';
import { verifyLog } from '../../../src-shared/audit/verify-log.js';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway, type KmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { kmsPortFromGateway } from '../../../src-main/kms/aws-kms-port.js';
import type { KmsPort } from '../../../src-main/kms/kms-port.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { ephemeralStationKey } from '../../../src-main/audit/station-key.js';
import { createCeremony, openCeremony, type OpenCeremony } from '../../../src-main/ceremony/lifecycle.js';
import type { CeremonyParts } from '../../../src-main/ceremony/ceremony-parts.js';
import { runNextStep } from '../../../src-main/ceremony/step-runner.js';
import { needsRealign, realign } from '../../../src-main/ceremony/recovery.js';
import { enrollParticipant } from '../../../src-main/ceremony/enrollment.js';
import { provideShare, verifyShare } from '../../../src-main/ceremony/share-custody.js';
import { TEST_SCRYPT, fixturePlan, setIn, tempDir, type PlanDoc } from './harness/ceremony.js';

/*
 * A multi-Region import that stops between regions long enough for the last replica's import
 * parameters to expire, after the primary (and one replica) already took the material. The primary
 * cannot take other material, so instead of stopping the ceremony fetches new parameters for the
 * waiting replica only, a quorum of custodians opens this ceremony's own backup shares to rebuild the
 * SAME material (its KCV checked), it is wrapped again and imported under quorum — no new shares, no
 * second material anywhere. The same when ROTATING that key (the primary's NEW material staged). The
 * station's clock is the test's; KMS is the emulator, one per file (the rotation test rotates the key
 * the first test made).
 */
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
const DAY = 24 * 3600 * 1000;
/** The station's and KMS's clock: the test moves it. */
let now = Date.now();
const clock = () => new Date(now);
let emu: RunningEmulator;
const sdk = new Map<string, KmsGateway>();
const tmp = tempDir('multi-region-expiry');
const opened: OpenCeremony[] = [];
void before(async () => {
  emu = await startEmulator({ clock });
  for (const r of REGIONS) sdk.set(r, createKmsGateway({ region: r, endpoint: emu.url }));
});
void after(async () => {
  for (const o of opened) {
    o.parts.secrets.dispose();
    o.store.close();
  }
  for (const g of sdk.values()) g.close();
  await emu.close();
  tmp.cleanup();
});
const inRegion = (r: string): KmsGateway => sdk.get(r) ?? assert.fail(`no client for ${r}`);
/** One station key for the file: the expiry test reopens the ceremony on the same station. */
const stationKey = ephemeralStationKey();
const pw = (id: string) => SecretBuffer.adopt(Buffer.from(`mr-expiry-passphrase-${id}`));
const CUSTODIANS = ['custodian-1', 'custodian-2', 'custodian-3'];

/** The emulator's KMS in every region; `afterImport(region)` runs once an import there has answered. */
function kms(afterImport: (region: string) => void): KmsPort {
  const real = kmsPortFromGateway(createKmsGateway({ region: 'us-east-1', endpoint: emu.url }));
  const wrap = (k: KmsPort, region: string): KmsPort => ({
    ...k,
    importKeyMaterial: async (i) => {
      const r = await k.importKeyMaterial(i);
      afterImport(region);
      return r;
    },
    inRegion: (other) => wrap(real.inRegion?.(other) ?? assert.fail('no regions'), other),
  });
  return wrap(real, 'us-east-1');
}

/** The station stops (material long gone from memory) and the ceremony is opened again on it. */
async function reopen(o: OpenCeremony, dir: string): Promise<CeremonyParts> {
  o.parts.secrets.dispose();
  o.store.close();
  opened.splice(opened.indexOf(o), 1);
  const again = await openCeremony({
    dir,
    kms: kms(() => {}),
    options: { scryptCost: TEST_SCRYPT, clock, stationKey },
    signals: { progress: () => {}, changed: () => {} },
  });
  opened.push(again);
  return again.parts;
}

/** The regions in which `action` succeeded, once per success, from the verified audit log. */
function succeeded(p: CeremonyParts, action: string): string[] {
  const log = loadLog(p.paths.auditDb);
  assert.equal(verifyLog(log).ok, true);
  const ok = new Set(
    log.records
      .filter((r) => r.type === 'outcome' && r.payload['ok'] === true && r.payload['action'] === action)
      .map((r) => r.payload['intentSeq']),
  );
  return log.records
    .filter((r) => r.type === 'intent' && ok.has(r.seq))
    .map((r) => String((r.payload['details'] as Record<string, unknown>)['keyArn']).split(':')[3] ?? '');
}

async function confirmIfGuarded(p: CeremonyParts, step: StepId): Promise<void> {
  if (!p.log.plan.guardedSteps.some((g) => g === step)) return;
  p.quorum.request(step);
  for (const c of ['custodian-1', 'custodian-2']) await p.quorum.confirm(step, c, pw(c));
}

/** Runs steps (confirming guarded ones, verifying shares) until `stop` is next or the ceremony closes. */
async function driveTo(p: CeremonyParts, stop?: StepId): Promise<void> {
  for (let step = nextStep(p.log.state); step && step !== stop; step = nextStep(p.log.state)) {
    if (step === 'verify-shares')
      for (const c of CUSTODIANS) if (!p.log.shareVerified(c)) await verifyShare(p, c, pw(c));
    await confirmIfGuarded(p, step);
    await runNextStep(p, step);
  }
}

/** The shipped multi-Region plan, for the key `alias/mr-<name>`, changed by `change`. */
function multiRegionPlan(name: string, change: (plan: PlanDoc) => void = () => {}): PlanDoc {
  const plan = fixturePlan('multi-region-symmetric.yaml') as PlanDoc;
  setIn(plan, 'target.key.create.alias', `alias/mr-${name}`);
  change(plan);
  return plan;
}

/**
 * A plan enrolled and driven to its import; a day and more passes once the import in `pauseAfter`
 * has answered.
 */
async function toImport(
  name: string,
  pauseAfter: string,
  plan: PlanDoc = multiRegionPlan(name),
): Promise<{ o: OpenCeremony; dir: string }> {
  const dir = path.join(tmp.dir, name);
  const o = await createCeremony({
    dir,
    planDoc: plan,
    planBase: tmp.dir,
    kms: kms((region) => {
      if (region === pauseAfter) now += DAY + 3600 * 1000;
    }),
    options: { scryptCost: TEST_SCRYPT, clock, stationKey },
    signals: { progress: () => {}, changed: () => {} },
  });
  opened.push(o);
  for (const c of [...CUSTODIANS, 'witness-1']) await enrollParticipant(o.parts, c, pw(c));
  await driveTo(o.parts, 'import');
  return { o, dir };
}

void test('a replica whose import parameters expired after the primary took the material gets new parameters and the same material, rebuilt from the shares under quorum', async () => {
  // The station pauses between eu-west-1's import and ap-southeast-2's: a day and more passes.
  const { o, dir } = await toImport('expiry', 'eu-west-1');
  const p = o.parts;
  const shareDigests = CUSTODIANS.map((c) => sha256Hex(readFileSync(p.paths.share(c))));
  const kcv = p.log.facts.kcv;

  // The import: the primary and eu-west-1 take the material; ap-southeast-2's parameters have expired
  // by the time its turn comes, and the station says so instead of sending an expired token.
  await confirmIfGuarded(p, 'import');
  await assert.rejects(runNextStep(p, 'import'), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'PARAMS_EXPIRED');
    assert.match(e.message, /import parameters for ap-southeast-2 expired at /);
    return true;
  });
  const keyId = p.log.facts.keyId ?? '';
  const stateOf = async (r: string) => (await inRegion(r).describeKey(keyId)).KeyMetadata?.KeyState;
  assert.equal(await stateOf('us-east-1'), 'Enabled');
  assert.equal(await stateOf('eu-west-1'), 'Enabled');
  assert.equal(await stateOf('ap-southeast-2'), 'PendingImport');

  // The station stops here and is opened again later (material long gone from memory): recovery
  // rewinds to new parameters for the waiting replica only — not "cannot continue", not new material.
  const q = await reopen(o, dir);
  const account = q.recovery.join('\n');
  assert.match(account, /rewound to fetch new ones for the replicas still waiting only/, account);
  assert.equal(nextStep(q.log.state), 'import-parameters');

  await runNextStep(q, 'import-parameters');
  const refetched = q.journal.records('params.replica-fetched').map((r) => r.payload.region);
  assert.deepEqual(refetched, ['eu-west-1', 'ap-southeast-2', 'ap-southeast-2'], 'only the waiting replica');
  assert.equal(
    q.journal.records('params.fetched').length,
    1,
    "the primary's parameters are not fetched again",
  );

  // generate-material waits for this ceremony's own shares; other material is refused by its KCV.
  await confirmIfGuarded(q, 'generate-material');
  await assert.rejects(runNextStep(q, 'generate-material'), { code: 'SHARES_QUORUM_NOT_MET' });
  for (const c of ['custodian-2', 'custodian-3']) await provideShare(q, q.paths.share(c), pw(c));
  await runNextStep(q, 'generate-material');
  assert.equal(q.log.facts.kcv, kcv, 'the same material');
  await driveTo(q, 'close');
  assert.equal(q.log.state.steps.handover, 'done');

  // KMS: every region Enabled with exactly one material, the same id everywhere.
  const ids = new Set<string>();
  for (const r of REGIONS) {
    assert.equal(await stateOf(r), 'Enabled', r);
    const list =
      (await inRegion(r).listKeyRotations({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))
        .Rotations ?? [];
    assert.deepEqual(
      list.map((m) => `${m.KeyMaterialState}/${m.ImportState}`),
      ['CURRENT/IMPORTED'],
      r,
    );
    ids.add(list[0]?.KeyMaterialId ?? '');
  }
  assert.equal(ids.size, 1);
  // The backup shares are the ones made before the first import: not made again, not voided.
  assert.deepEqual(
    CUSTODIANS.map((c) => sha256Hex(readFileSync(q.paths.share(c)))),
    shareDigests,
  );
  assert.equal(existsSync(path.join(q.paths.sharesDir, 'void-1')), false);
  assert.equal(q.journal.records('backup.created').length, 1);
  // One successful import per region; the log verifies.
  assert.deepEqual(succeeded(q, 'kms.import-key-material').sort(), [...REGIONS].sort());
});

void test('without backup shares, material made in memory cannot reach a replica whose parameters expired: the ceremony says so', async () => {
  const { o } = await toImport(
    'noshares',
    'us-east-1',
    multiRegionPlan('noshares', (plan) => {
      setIn(plan, 'backup', { shares: false });
      setIn(plan, 'guardedSteps', ['import']);
    }),
  );
  const p = o.parts;
  await confirmIfGuarded(p, 'import');
  await assert.rejects(runNextStep(p, 'import'), { code: 'PARAMS_EXPIRED' });
  // Realigning cannot rebuild the material, rewinds nothing, and says what to do.
  assert.equal(needsRealign(p), true);
  const said = (await realign(p, () => assert.fail('nothing is rewound'))).join('\n');
  assert.match(said, /made in memory \(csprng\) with no backup shares: it cannot be wrapped again/, said);
  assert.match(said, /schedule their deletion/, said);
});

void test('rotating the multi-Region key: a replica whose import parameters expired after the primary staged the new material gets new parameters and the same material, then every region rotates to it', async () => {
  // The key the first test made, Enabled in every region with one material.
  const keyId = (await inRegion('us-east-1').describeKey('alias/mr-expiry')).KeyMetadata?.KeyId ?? '';
  const priorId = (await inRegion('us-east-1').describeKey(keyId)).KeyMetadata?.CurrentKeyMaterialId ?? '';
  assert.match(priorId, /^[0-9a-f]{64}$/, 'the first test made the key');
  const plan = fixturePlan('rotate-symmetric.yaml') as PlanDoc;
  setIn(plan, 'target.key.existing.keyId', 'alias/mr-expiry');
  setIn(plan, 'target.replicaRegions', ['eu-west-1', 'ap-southeast-2']);
  // The station pauses between eu-west-1's import and ap-southeast-2's: a day and more passes.
  const { o, dir } = await toImport('rotate-expiry', 'eu-west-1', plan);
  const p = o.parts;
  const kcv = p.log.facts.kcv;
  await confirmIfGuarded(p, 'import');
  await assert.rejects(runNextStep(p, 'import'), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'PARAMS_EXPIRED');
    assert.match(e.message, /import parameters for ap-southeast-2 expired at /);
    return true;
  });
  const materials = async (r: string) =>
    (await inRegion(r).listKeyRotations({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))
      .Rotations ?? [];
  const staged = (await materials('us-east-1')).find((m) => m.KeyMaterialId !== priorId);
  assert.equal(staged?.KeyMaterialState, 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION');
  const newId = staged.KeyMaterialId ?? '';
  const importStateOfNew = async (r: string) =>
    (await materials(r)).find((m) => m.KeyMaterialId === newId)?.ImportState;
  assert.equal(await importStateOfNew('eu-west-1'), 'IMPORTED');
  assert.notEqual(await importStateOfNew('ap-southeast-2'), 'IMPORTED');

  // Reopened later: new parameters for ap-southeast-2 only (not "cannot continue", not new material).
  const q = await reopen(o, dir);
  const account = q.recovery.join('\n');
  assert.match(account, /rewound to fetch new ones for the replicas still waiting only/, account);
  assert.equal(nextStep(q.log.state), 'import-parameters');
  await runNextStep(q, 'import-parameters');
  assert.deepEqual(
    q.journal.records('params.replica-fetched').map((r) => r.payload.region),
    ['eu-west-1', 'ap-southeast-2', 'ap-southeast-2'],
    'only the waiting replica',
  );
  assert.equal(q.journal.records('params.fetched').length, 1, "the primary's are not fetched again");

  // The same material, rebuilt from this rotation's own shares opened by two custodians.
  await confirmIfGuarded(q, 'generate-material');
  await assert.rejects(runNextStep(q, 'generate-material'), { code: 'SHARES_QUORUM_NOT_MET' });
  for (const c of ['custodian-1', 'custodian-3']) await provideShare(q, q.paths.share(c), pw(c));
  await runNextStep(q, 'generate-material');
  assert.equal(q.log.facts.kcv, kcv, 'the same material');
  await driveTo(q, 'close');
  assert.equal(q.log.state.steps.rotate, 'done');
  assert.equal(q.log.state.steps.handover, 'done');

  // Every region: the staged material CURRENT under the same id, the prior NON_CURRENT, nothing else.
  for (const r of REGIONS) {
    assert.equal((await inRegion(r).describeKey(keyId)).KeyMetadata?.CurrentKeyMaterialId, newId, r);
    assert.deepEqual(
      (await materials(r))
        .map(
          (m) =>
            `${m.KeyMaterialId === newId ? 'new' : m.KeyMaterialId === priorId ? 'prior' : 'other'} ${m.KeyMaterialState}/${m.ImportState}`,
        )
        .sort(),
      ['new CURRENT/IMPORTED', 'prior NON_CURRENT/IMPORTED'],
      r,
    );
  }
  assert.equal(q.journal.records('backup.created').length, 1, 'no second share set');
  assert.equal(existsSync(path.join(q.paths.sharesDir, 'void-1')), false);
  assert.deepEqual(succeeded(q, 'kms.import-key-material').sort(), [...REGIONS].sort());
  assert.deepEqual(succeeded(q, 'kms.rotate-key-on-demand'), ['us-east-1']);
});

void test('rotating without backup shares: the staged material cannot reach a replica whose parameters expired; the words say nothing was rotated and what to delete', async () => {
  const plan = fixturePlan('rotate-symmetric.yaml') as PlanDoc;
  setIn(plan, 'target.key.existing.keyId', 'alias/mr-expiry');
  setIn(plan, 'target.replicaRegions', ['eu-west-1', 'ap-southeast-2']);
  setIn(plan, 'backup', { shares: false });
  setIn(plan, 'guardedSteps', ['import', 'rotate']);
  const { o } = await toImport('rotate-noshares', 'us-east-1', plan);
  const p = o.parts;
  await confirmIfGuarded(p, 'import');
  await assert.rejects(runNextStep(p, 'import'), { code: 'PARAMS_EXPIRED' });
  const said = (await realign(p, () => assert.fail('nothing is rewound'))).join('\n');
  assert.match(said, /with no backup shares: it cannot be wrapped again/, said);
  assert.match(said, /nothing was rotated\): delete the staged material on the primary/, said);
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway, type KmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { verifyLog } from '../../../src-shared/audit/verify-log.js';
import { fixturePlan, passphrasesFor, setIn, tempDir, type PlanDoc } from './harness/ceremony.js';
import { killThenResume, rehearseArgs, runCli } from './harness/crash-child.js';

/*
 * A multi-Region ceremony killed with SIGKILL at its own effect boundaries — between the replicas,
 * between the wraps, and between the imports of one region and the next — then resumed: it completes,
 * every region holds exactly one material (the same id everywhere: never two materials), each region
 * was imported into exactly once, the log verifies and every intent is settled.
 */
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
let emu: RunningEmulator;
const kms = new Map<string, KmsGateway>();
const tmp = tempDir('multi-region-crash');
const passphrases = passphrasesFor(4, 'multi-region-crash');

void before(async () => {
  emu = await startEmulator();
  for (const r of REGIONS) kms.set(r, createKmsGateway({ region: r, endpoint: emu.url }));
});
void after(async () => {
  for (const g of kms.values()) g.close();
  await emu.close();
  tmp.cleanup();
});
const inRegion = (r: string): KmsGateway => kms.get(r) ?? assert.fail(`no client for ${r}`);

const ALL_POINTS = [
  // ReplicateKey into eu-west-1 ran; its answer never reached the log.
  'effect:kms.replicate-key:eu-west-1',
  // The primary's blob is wrapped, the first replica's not yet.
  'intent:media.write-file:import/eu-west-1/EncryptedKeyMaterial.bin',
  // The primary's import took effect; nothing recorded it.
  'effect:kms.import-key-material',
  // The primary's import recorded as answered; the step not yet completed (it runs again).
  'outcome:kms.import-key-material',
  // Between regions: eu-west-1 imported, ap-southeast-2 not yet.
  'effect:kms.import-key-material:eu-west-1',
  'intent:kms.import-key-material:ap-southeast-2',
  'start:verify',
];
/**
 * `npm test` kills after ReplicateKey and between two regions' imports (the primary's unrecorded import is
 * killed in npm test by the rotation test below); `npm run test:faults` at every one.
 */
const POINTS =
  process.env['KEYRITE_FAULTS'] === 'long'
    ? ALL_POINTS
    : ['effect:kms.replicate-key:eu-west-1', 'effect:kms.import-key-material:eu-west-1'];

void describe('SIGKILL in a multi-Region ceremony, then resume', { concurrency: 2 }, () => {
  for (const point of POINTS) {
    void test(`SIGKILL at ${point}: the resumed ceremony imports each region once, one material everywhere`, async () => {
      const name = point.replace(/[^a-z0-9]+/gi, '-');
      const plan = fixturePlan('multi-region-symmetric.yaml') as PlanDoc;
      setIn(plan, 'target.key.create.alias', `alias/mr-crash-${name}`);
      setIn(plan, 'backup', { shares: false });
      setIn(plan, 'guardedSteps', ['import']);
      const planFile = path.join(tmp.dir, `${name}.plan.json`);
      writeFileSync(planFile, JSON.stringify(plan));
      const dir = path.join(tmp.dir, name);
      await killThenResume(rehearseArgs(dir, planFile, emu.url), passphrases, point);

      const keyId =
        (await inRegion('us-east-1').describeKey(`alias/mr-crash-${name}`)).KeyMetadata?.KeyId ?? '';
      const ids = new Set<string>();
      for (const region of REGIONS) {
        const list =
          (await inRegion(region).listKeyRotations({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))
            .Rotations ?? [];
        assert.deepEqual(
          list.map((m) => `${m.KeyMaterialState}/${m.ImportState}`),
          ['CURRENT/IMPORTED'],
          `${region}: exactly one material`,
        );
        ids.add(list[0]?.KeyMaterialId ?? '');
        const md = (await inRegion('us-east-1').describeKey(keyId)).KeyMetadata;
        assert.equal(md?.MultiRegionConfiguration?.ReplicaKeys?.length, 2, 'two replicas, none made twice');
      }
      assert.equal(ids.size, 1, 'the same material in every region');

      const log = loadLog(path.join(dir, 'audit.db'));
      assert.equal(verifyLog(log).ok, true);
      const outcomeOf = (seq: number) =>
        log.records.find((o) => o.type === 'outcome' && o.payload['intentSeq'] === seq);
      assert.equal(
        log.records.filter((r) => r.type === 'intent' && !outcomeOf(r.seq)).length,
        0,
        'every intent is settled',
      );
      // Each region's import took effect exactly once (a settled intent counts as what recovery found).
      const landed = log.records
        .filter(
          (r) =>
            r.type === 'intent' &&
            r.payload['action'] === 'kms.import-key-material' &&
            outcomeOf(r.seq)?.payload['ok'] === true,
        )
        .map((r) => String((r.payload['details'] as Record<string, unknown>)['keyArn']).split(':')[3]);
      assert.deepEqual(landed.sort(), [...REGIONS].sort(), 'one import per region');
    });
  }
});

void test('rotating the multi-Region key, SIGKILL after the primary took the new material (unrecorded), then resume: each region imports once, one rotation, the new material current everywhere', async () => {
  // The key a crash test above made and resumed to completion (one material in every region).
  const made = POINTS[1]?.replace(/[^a-z0-9]+/gi, '-') ?? '';
  const keyId = (await inRegion('us-east-1').describeKey(`alias/mr-crash-${made}`)).KeyMetadata?.KeyId ?? '';
  const priorId = (await inRegion('us-east-1').describeKey(keyId)).KeyMetadata?.CurrentKeyMaterialId;
  const plan = fixturePlan('rotate-symmetric.yaml') as PlanDoc;
  setIn(plan, 'target.key.existing.keyId', keyId);
  setIn(plan, 'target.replicaRegions', ['eu-west-1', 'ap-southeast-2']);
  setIn(plan, 'backup', { shares: false });
  setIn(plan, 'guardedSteps', ['import', 'rotate']);
  const planFile = path.join(tmp.dir, 'rotate.plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const dir = path.join(tmp.dir, 'rotate');
  await killThenResume(rehearseArgs(dir, planFile, emu.url), passphrases, 'effect:kms.import-key-material');

  const ids = new Set<string>();
  for (const region of REGIONS) {
    const list =
      (await inRegion(region).listKeyRotations({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))
        .Rotations ?? [];
    assert.deepEqual(
      list.map((m) => `${m.KeyMaterialId === priorId ? 'prior' : 'new'} ${m.KeyMaterialState}`).sort(),
      ['new CURRENT', 'prior NON_CURRENT'],
      `${region}: two materials, never three`,
    );
    ids.add((await inRegion(region).describeKey(keyId)).KeyMetadata?.CurrentKeyMaterialId ?? '');
  }
  assert.equal(ids.size, 1, 'the same new material current everywhere');
  const log = loadLog(path.join(dir, 'audit.db'));
  assert.equal(verifyLog(log).ok, true);
  const outcomeOf = (seq: number) =>
    log.records.find((o) => o.type === 'outcome' && o.payload['intentSeq'] === seq);
  const landed = (action: string) =>
    log.records
      .filter(
        (r) =>
          r.type === 'intent' && r.payload['action'] === action && outcomeOf(r.seq)?.payload['ok'] === true,
      )
      .map((r) => String((r.payload['details'] as Record<string, unknown>)['keyArn']).split(':')[3]);
  assert.deepEqual(landed('kms.import-key-material').sort(), [...REGIONS].sort(), 'one import per region');
  assert.deepEqual(landed('kms.rotate-key-on-demand'), ['us-east-1'], 'one rotation, on the primary');
});

void test('keyrite ceremony status lists every region’s materials live from KMS; unreachable, it shows the recorded list as recorded', async () => {
  // The ceremony the first crash test resumed to completion.
  const name = POINTS[0]?.replace(/[^a-z0-9]+/gi, '-') ?? '';
  const dir = path.join(tmp.dir, name);
  const keyId = (await inRegion('us-east-1').describeKey(`alias/mr-crash-${name}`)).KeyMetadata?.KeyId ?? '';
  const id =
    (await inRegion('eu-west-1').describeKey(keyId)).KeyMetadata?.CurrentKeyMaterialId ??
    assert.fail('no material');
  // After the hand-over, the replica in eu-west-1 loses its material: only KMS knows that now.
  await inRegion('eu-west-1').deleteImportedKeyMaterial({ KeyId: keyId });

  const live = await runCli(['ceremony', 'status', '--out', dir, '--endpoint', emu.url], passphrases);
  assert.equal(live.code, 0, live.err);
  assert.match(live.out, /^key materials, live from KMS at \d{4}-\d\d-\d\dT[\d:.]+Z:$/m);
  for (const region of REGIONS) {
    const arn = `arn:aws:kms:${region}:111122223333:key/${keyId}`;
    const state = region === 'eu-west-1' ? 'PendingImport' : 'Enabled';
    assert.ok(live.out.includes(`  ${region} ${arn} (${state}): 1 material(s)`), live.out);
  }
  assert.ok(live.out.includes(`    ${id} CURRENT, IMPORTED, does not expire`), live.out);
  assert.ok(live.out.includes(`    ${id} CURRENT, MISSING (deleted or expired), does not expire`), live.out);
  assert.ok(live.out.includes('      re-imported by: none: this ceremony'), live.out);

  // No KMS at this endpoint: the list the hand-over recorded, labelled so, with its time.
  const dead = await runCli(
    ['ceremony', 'status', '--out', dir, '--endpoint', 'http://127.0.0.1:9'],
    passphrases,
  );
  assert.equal(dead.code, 0, dead.err);
  assert.match(dead.out, /^KMS could not be reached: .+$/m);
  assert.match(
    dead.out,
    /^key materials as RECORDED in the log at \d{4}-\d\d-\d\dT[\d:.]+Z \(the hand-over\), not live:$/m,
  );
  // Every region the hand-over listed, not only the primary's.
  for (const region of REGIONS) {
    const arn = `arn:aws:kms:${region}:111122223333:key/${keyId}`;
    assert.ok(dead.out.includes(`  ${region} ${arn}: 1 material(s)`), dead.out);
  }
  assert.equal(dead.out.split(`    ${id} CURRENT, IMPORTED, does not expire`).length - 1, 3, dead.out);
  assert.ok(!dead.out.includes('MISSING'), dead.out);
});

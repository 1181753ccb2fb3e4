import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway, type KmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { verifyLog } from '../../../src-shared/audit/verify-log.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { fixturePlan, passphrasesFor, rehearse, setIn, tempDir, type PlanDoc } from './harness/ceremony.js';
import { killThenResume, rehearseArgs, runCli } from './harness/crash-child.js';
import { keyWithImportedMaterial } from './harness/imported-key.js';

/*
 * A rotation ceremony killed with SIGKILL at its own effect boundaries (between the import of the new
 * material and the rotation; around the rotation; before the canary is on disk; before the material is
 * wrapped), then resumed: it completes, KMS holds exactly two materials (the prior one NON_CURRENT, one
 * new one CURRENT — nothing imported or rotated twice), the log verifies and every intent is settled.
 */
let emu: RunningEmulator;
let g: KmsGateway;
const tmp = tempDir('rotation-crash');
const passphrases = passphrasesFor(4, 'rotation-crash');

void before(async () => {
  emu = await startEmulator();
  g = createKmsGateway({ region: 'us-east-1', endpoint: emu.url });
});
void after(async () => {
  g.close();
  await emu.close();
  tmp.cleanup();
});

const ALL = [
  'start:wrap',
  'intent:kms.import-key-material',
  'effect:kms.import-key-material',
  'outcome:kms.import-key-material',
  'start:verify',
  'intent:media.write-file:rotation-canary.json',
  'start:rotate',
  'intent:kms.rotate-key-on-demand',
  'effect:kms.rotate-key-on-demand',
  'start:handover',
];
/**
 * `npm test`: the boundaries only a rotation has (the new material imported but not yet rotated in;
 * the rotation done but unrecorded) — the split rotation's crash test adds the first one across two
 * stations; `npm run test:faults` (KEYRITE_FAULTS=long): every one of ALL (the canary and the
 * rotation's intent too).
 */
const FEW = ['effect:kms.import-key-material', 'effect:kms.rotate-key-on-demand'];
const POINTS = process.env['KEYRITE_FAULTS'] === 'long' ? ALL : FEW;

void describe('SIGKILL in a rotation, then resume', { concurrency: 2 }, () => {
  for (const point of POINTS) {
    void test(`SIGKILL at ${point}: the resumed rotation completes with one new current material`, async () => {
      const name = point.replace(/[^a-z0-9]+/gi, '-');
      const { keyArn, priorId } = await keyWithImportedMaterial(g, `rotation crash at ${point}`);

      const plan = fixturePlan('rotate-symmetric.yaml') as PlanDoc;
      setIn(plan, 'target.key.existing.keyId', keyArn);
      const planFile = path.join(tmp.dir, `${name}.plan.json`);
      writeFileSync(planFile, JSON.stringify(plan));
      const dir = path.join(tmp.dir, name);
      await killThenResume(rehearseArgs(dir, planFile, emu.url), passphrases, point);

      const list =
        (await g.listKeyRotations({ KeyId: keyArn, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' })).Rotations ?? [];
      assert.deepEqual(
        list.map((m) => m.KeyMaterialState).sort(),
        ['CURRENT', 'NON_CURRENT'],
        'exactly one new material, rotated in once',
      );
      assert.equal(list.find((m) => m.KeyMaterialState === 'NON_CURRENT')?.KeyMaterialId, priorId);
      const current = list.find((m) => m.KeyMaterialState === 'CURRENT')?.KeyMaterialId;

      const log = loadLog(path.join(dir, 'audit.db'));
      assert.equal(verifyLog(log).ok, true);
      assert.equal(
        log.records.filter(
          (r) =>
            r.type === 'intent' &&
            !log.records.some((o) => o.type === 'outcome' && o.payload['intentSeq'] === r.seq),
        ).length,
        0,
        'every intent is settled',
      );
      const rotated = log.records.filter((r) => r.type === 'kms.rotated');
      assert.equal(rotated.length, 1);
      assert.equal(rotated[0]?.payload['keyMaterialId'], current);
      assert.equal(rotated[0]?.payload['priorKeyMaterialId'], priorId);
    });
  }
});

void test('a resumed rotation refuses to rotate material someone else made current meanwhile', async () => {
  const { keyArn } = await keyWithImportedMaterial(g, 'rotation crash interfered');
  const plan = fixturePlan('rotate-symmetric.yaml') as PlanDoc;
  setIn(plan, 'target.key.existing.keyId', keyArn);
  const planFile = path.join(tmp.dir, 'interfered.plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const dir = path.join(tmp.dir, 'interfered');
  const args = ['rehearse', '--out', dir, '--plan', planFile, '--endpoint', emu.url, '--passphrase-fd', '3'];
  const first = await runCli(args, passphrases, 'start:rotate');
  assert.equal(first.signal, 'SIGKILL');
  // Someone deletes the staged material while the station is down: the ceremony must not carry on.
  const staged = (
    (await g.listKeyRotations({ KeyId: keyArn, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' })).Rotations ?? []
  ).find((m) => m.KeyMaterialState === 'PENDING_ROTATION');
  assert.ok(staged?.KeyMaterialId);
  await g.deleteImportedKeyMaterial({ KeyId: keyArn, KeyMaterialId: staged.KeyMaterialId });
  const second = await runCli([...args, '--resume'], passphrases);
  assert.equal(second.code, 1, second.out);
  assert.match(second.err, /not PENDING_ROTATION|not associated/);
  assert.equal(
    (await g.describeKey(keyArn)).KeyMetadata?.CurrentKeyMaterialId !== staged.KeyMaterialId,
    true,
  );
});

void test('keyrite ceremony status lists every material of the rotated key with its expiry and share set', async () => {
  const importPlan = defaultRehearsalPlan() as PlanDoc;
  setIn(importPlan, 'target.key.create.alias', 'alias/rotation-status');
  setIn(importPlan, 'expiration', { model: 'KEY_MATERIAL_EXPIRES', validTo: '2027-06-30T00:00:00Z' });
  const first = await rehearse(path.join(tmp.dir, 'status-import'), importPlan, {
    endpoint: emu.url,
    passphrases,
  });
  const plan = fixturePlan('rotate-symmetric.yaml') as PlanDoc;
  setIn(plan, 'target.key.existing.keyId', first.keyArn);
  setIn(plan, 'backup', { shares: false });
  setIn(plan, 'guardedSteps', ['import', 'rotate']);
  const planFile = path.join(tmp.dir, 'status.plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const dir = path.join(tmp.dir, 'status');
  const run = await runCli(
    ['rehearse', '--out', dir, '--plan', planFile, '--endpoint', emu.url, '--passphrase-fd', '3'],
    passphrases,
  );
  assert.equal(run.code, 0, run.err);
  const list =
    (await g.listKeyRotations({ KeyId: first.keyArn, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' })).Rotations ??
    [];
  const [prior, now] = [
    list.find((m) => m.KeyMaterialState === 'NON_CURRENT'),
    list.find((m) => m.KeyMaterialState === 'CURRENT'),
  ];
  const s = await runCli(['ceremony', 'status', '--out', dir, '--endpoint', emu.url], passphrases);
  assert.equal(s.code, 0, s.err);
  assert.match(s.out, /^key materials, live from KMS at .+:$/m);
  assert.ok(s.out.includes(`  us-east-1 ${first.keyArn} (Enabled): 2 material(s)`), s.out);
  assert.ok(
    s.out.includes(
      `    ${prior?.KeyMaterialId ?? '?'} NON_CURRENT, IMPORTED, valid to 2027-06-30T00:00:00.000Z`,
    ),
    s.out,
  );
  assert.ok(
    s.out.includes(`      re-imported by: backup shares of ceremony ${first.ceremonyId}, if it wrote any`),
    s.out,
  );
  assert.ok(s.out.includes(`    ${now?.KeyMaterialId ?? '?'} CURRENT, IMPORTED, does not expire`), s.out);
  assert.ok(s.out.includes('      re-imported by: none: this ceremony'), s.out);
});

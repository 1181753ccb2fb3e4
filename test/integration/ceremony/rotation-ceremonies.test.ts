import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway, type KmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { verifyLog } from '../../../src-shared/audit/verify-log.js';
import { validatePlan } from '../../../src-shared/ceremony/plan.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { fixturePlan, passphrasesFor, rehearse, setIn, tempDir, type PlanDoc } from './harness/ceremony.js';

/*
 * The rotation ceremony as people run it: a key made by an import ceremony, then the shipped rotation
 * plan rehearsed against it. KMS (the emulator, whose 2025 import API boto3 drives in
 * test/interop/boto3-rotation) is asked afterwards, through the SDK, what it holds.
 */
let emu: RunningEmulator;
let g: KmsGateway;
const tmp = tempDir('rotation');
void before(async () => {
  emu = await startEmulator();
  g = createKmsGateway({ region: 'us-east-1', endpoint: emu.url });
});
void after(async () => {
  g.close();
  await emu.close();
  tmp.cleanup();
});

/** A symmetric key made by an import ceremony, under its own alias, and a ciphertext made under it. */
async function importedKey(
  alias: string,
): Promise<{ keyArn: string; ceremonyId: string; old: Buffer; secret: Buffer }> {
  const plan = defaultRehearsalPlan() as PlanDoc;
  setIn(plan, 'target.key.create.alias', alias);
  const r = await rehearse(path.join(tmp.dir, alias.replace(/\W+/g, '-')), plan, {
    endpoint: emu.url,
    passphrases: passphrasesFor(4),
  });
  const secret = randomBytes(24);
  const old = Buffer.from((await g.encrypt({ KeyId: r.keyArn, Plaintext: secret })).CiphertextBlob ?? []);
  return { keyArn: r.keyArn, ceremonyId: r.ceremonyId, old, secret };
}

function rotationPlan(keyId: string): PlanDoc {
  const plan = fixturePlan('rotate-symmetric.yaml') as PlanDoc;
  setIn(plan, 'target.key.existing.keyId', keyId);
  return plan;
}

async function materials(keyArn: string) {
  return (
    (await g.listKeyRotations({ KeyId: keyArn, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' })).Rotations ?? []
  );
}

void test('the shipped rotation plan: new material imported pending rotation, verified, rotated under quorum; old ciphertexts decrypt', async () => {
  const key = await importedKey('alias/rotation-main');
  const priorId = (await g.describeKey(key.keyArn)).KeyMetadata?.CurrentKeyMaterialId ?? '';
  assert.match(priorId, /^[0-9a-f]{64}$/);

  const dir = path.join(tmp.dir, 'rotate-main');
  const r = await rehearse(dir, rotationPlan(key.keyArn), {
    endpoint: emu.url,
    passphrases: passphrasesFor(4),
  });
  assert.equal(r.keyArn, key.keyArn);
  assert.equal(r.keyState, 'Enabled');

  // KMS: a new CURRENT material named after the ceremony and its quorum; the prior one NON_CURRENT.
  const md = (await g.describeKey(key.keyArn)).KeyMetadata;
  const list = await materials(key.keyArn);
  const current = list.find((m) => m.KeyMaterialState === 'CURRENT');
  assert.ok(current?.KeyMaterialId && current.KeyMaterialId !== priorId);
  assert.equal(md?.CurrentKeyMaterialId, current.KeyMaterialId);
  assert.equal(current.KeyMaterialDescription, `keyrite ${r.ceremonyId} quorum 2 of 3`);
  assert.equal(current.RotationType, 'ON_DEMAND');
  assert.equal(list.find((m) => m.KeyMaterialId === priorId)?.KeyMaterialState, 'NON_CURRENT');
  // The ciphertext made before the ceremony still decrypts, and new ones use the new material.
  const back = await g.decrypt({ CiphertextBlob: key.old, KeyId: key.keyArn });
  assert.deepEqual(Buffer.from(back.Plaintext ?? []), key.secret);
  assert.equal(back.KeyMaterialId, priorId);
  const fresh = await g.encrypt({ KeyId: key.keyArn, Plaintext: Buffer.from('after') });
  assert.equal(
    (await g.decrypt({ CiphertextBlob: fresh.CiphertextBlob, KeyId: key.keyArn })).KeyMaterialId,
    current.KeyMaterialId,
  );

  // The log: verifies; the import was NEW_KEY_MATERIAL; import and rotate each met the 2-of-3 quorum.
  const log = loadLog(path.join(dir, 'audit.db'));
  assert.equal(verifyLog(log).ok, true);
  const importIntent = log.records.find(
    (r) => r.type === 'intent' && r.payload['action'] === 'kms.import-key-material',
  );
  assert.equal(
    (importIntent?.payload['details'] as Record<string, unknown>)['importType'],
    'NEW_KEY_MATERIAL',
  );
  const rotateIntents = log.records.filter(
    (r) => r.type === 'intent' && r.payload['action'] === 'kms.rotate-key-on-demand',
  );
  assert.equal(rotateIntents.length, 1);
  assert.deepEqual(rotateIntents[0]?.payload['details'], {
    keyArn: key.keyArn,
    keyMaterialId: current.KeyMaterialId,
    priorKeyMaterialId: priorId,
  });
  for (const step of ['import', 'rotate']) {
    const met = log.records.find((r) => r.type === 'step.quorum-met' && r.payload['stepId'] === step);
    assert.equal((met?.payload['custodians'] as unknown[] | undefined)?.length, 2, `${step} under quorum`);
  }
  // The quorum for rotate came after verify completed, and the rotation after the quorum.
  const seqOf = (pred: (x: (typeof log.records)[number]) => boolean) => log.records.findIndex(pred);
  const verified = seqOf((x) => x.type === 'step.completed' && x.payload['stepId'] === 'verify');
  const quorum = seqOf((x) => x.type === 'step.quorum-met' && x.payload['stepId'] === 'rotate');
  const rotated = seqOf((x) => x.type === 'intent' && x.payload['action'] === 'kms.rotate-key-on-demand');
  assert.ok(verified < quorum && quorum < rotated, `${verified} < ${quorum} < ${rotated}`);
  assert.match(
    String(log.records.find((x) => x.type === 'kms.rotated')?.payload['check']),
    /prior NON_CURRENT; a ciphertext made under .* still decrypts/,
  );
  assert.ok(readFileSync(path.join(dir, 'rotation-canary.json'), 'utf8').includes(priorId));

  // Hand-over sheet and report: every material with its state, expiry and the share set behind it.
  const sheet = readFileSync(path.join(dir, 'handover.txt'), 'utf8');
  assert.match(sheet, /key materials \(2; the key is unusable while any is MISSING\):/);
  assert.ok(sheet.includes(`  ${priorId} NON_CURRENT, imported, does not expire`), sheet);
  assert.ok(
    sheet.includes(`    re-imported by: backup shares of ceremony ${key.ceremonyId}, if it wrote any`),
    sheet,
  );
  assert.ok(sheet.includes(`  ${current.KeyMaterialId} CURRENT, imported, does not expire`), sheet);
  assert.ok(sheet.includes(`    re-imported by: backup shares of this ceremony (${r.ceremonyId})`), sheet);
  const report = readFileSync(path.join(dir, 'report.html'), 'utf8');
  assert.match(report, /<h3>Key materials \(at the hand-over\)<\/h3>/);
  assert.ok(report.includes(`<code>${priorId}</code></td><td>NON_CURRENT</td>`));
  assert.ok(report.includes(`<code>${current.KeyMaterialId}</code></td><td>CURRENT</td>`));
});

void test('a rotation plan guards the rotation when it names no guarded steps', () => {
  const plan = rotationPlan('alias/x');
  delete (plan as Record<string, unknown>)['guardedSteps'];
  assert.deepEqual(validatePlan(plan).plan.guardedSteps, [
    'generate-material',
    'backup-shares',
    'import',
    'rotate',
  ]);
  const imp = defaultRehearsalPlan() as PlanDoc;
  delete (imp as Record<string, unknown>)['guardedSteps'];
  assert.deepEqual(validatePlan(imp).plan.guardedSteps, ['generate-material', 'backup-shares', 'import']);
});

void test('rotation plans the cloud would refuse are refused before anyone enrolls', async () => {
  const create = defaultRehearsalPlan() as PlanDoc;
  setIn(create, 'rotate', {});
  await assert.rejects(rehearse(path.join(tmp.dir, 'refuse-create'), create, { endpoint: emu.url }), {
    code: 'PLAN_ROTATE_NEW_KEY',
  });
  const hmac = rotationPlan('alias/x');
  setIn(hmac, 'target.key.existing.keySpec', 'HMAC_256');
  await assert.rejects(rehearse(path.join(tmp.dir, 'refuse-hmac'), hmac, { endpoint: emu.url }), {
    code: 'PLAN_ROTATE_KEY_SPEC',
  });
  const guard = defaultRehearsalPlan() as PlanDoc;
  setIn(guard, 'guardedSteps', ['import', 'rotate']);
  await assert.rejects(rehearse(path.join(tmp.dir, 'refuse-guard'), guard, { endpoint: emu.url }), {
    code: 'PLAN_GUARD_UNKNOWN_STEP',
  });
  const desc = rotationPlan('alias/x');
  setIn(desc, 'rotate', { keyMaterialDescription: 'new; material' });
  assert.throws(() => validatePlan(desc), /rotate\.keyMaterialDescription/);
});

void test('pre-flight: an import plan into a key with material points to rotation; a rotation needs a usable key with nothing pending', async () => {
  const key = await importedKey('alias/rotation-refusals');
  const imp = fixturePlan('reimport-from-shares.yaml') as PlanDoc;
  setIn(imp, 'target.key.existing.keyId', key.keyArn);
  setIn(imp, 'material', { mode: 'csprng' });
  await assert.rejects(rehearse(path.join(tmp.dir, 'import-into-enabled'), imp, { endpoint: emu.url }), {
    code: 'PREFLIGHT_KEY_STATE',
    hint: /make the plan a rotation/,
  });

  // A key whose material was deleted is PendingImport: reimport first, rotate afterwards.
  await g.deleteImportedKeyMaterial({ KeyId: key.keyArn });
  await assert.rejects(
    rehearse(path.join(tmp.dir, 'rotate-pending-import'), rotationPlan(key.keyArn), { endpoint: emu.url }),
    { code: 'PREFLIGHT_KEY_STATE', hint: /reimport the missing material first/ },
  );
});

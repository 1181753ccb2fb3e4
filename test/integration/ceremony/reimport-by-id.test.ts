import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway, type KmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { verifyLog } from '../../../src-shared/audit/verify-log.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { fixturePlan, passphrasesFor, rehearse, setIn, tempDir, type PlanDoc } from './harness/ceremony.js';

/*
 * A key with two materials (imported by one ceremony, rotated by another, each with its own backup
 * shares) loses its earlier material. The shipped reimport plan, given the shares of the ceremony that
 * imported it, restores exactly that material: ImportType EXISTING_KEY_MATERIAL with its KeyMaterialId,
 * found by the ceremony named in the material's description. Shares of the other ceremony are refused.
 */
let emu: RunningEmulator;
let g: KmsGateway;
const tmp = tempDir('reimport-id');
const phrases = passphrasesFor(4);
void before(async () => {
  emu = await startEmulator();
  g = createKmsGateway({ region: 'us-east-1', endpoint: emu.url });
});
void after(async () => {
  g.close();
  await emu.close();
  tmp.cleanup();
});

const dirOf = (name: string) => path.join(tmp.dir, name);

async function materials(keyArn: string) {
  return (
    (await g.listKeyRotations({ KeyId: keyArn, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' })).Rotations ?? []
  );
}

function reimportPlan(keyArn: string, sharesFrom: string): PlanDoc {
  const plan = fixturePlan('reimport-from-shares.yaml') as PlanDoc;
  setIn(plan, 'target.key.existing.keyId', keyArn);
  setIn(plan, 'material', { mode: 'existing-shares', sharesDir: path.join(dirOf(sharesFrom), 'shares') });
  return plan;
}

void test('an earlier material of a rotated key is restored by id from the shares of the ceremony that imported it', async () => {
  const first = defaultRehearsalPlan() as PlanDoc;
  setIn(first, 'target.key.create.alias', 'alias/reimport-by-id');
  const a = await rehearse(dirOf('first'), first, { endpoint: emu.url, passphrases: phrases });
  const [idA] = (await materials(a.keyArn)).map((m) => m.KeyMaterialId ?? '');
  assert.equal(
    (await materials(a.keyArn))[0]?.KeyMaterialDescription,
    `keyrite ${a.ceremonyId} quorum 2 of 3`,
    'the first import names its ceremony',
  );
  const secret = randomBytes(16);
  const oldCt = (await g.encrypt({ KeyId: a.keyArn, Plaintext: secret })).CiphertextBlob;

  const rot = fixturePlan('rotate-symmetric.yaml') as PlanDoc;
  setIn(rot, 'target.key.existing.keyId', a.keyArn);
  await rehearse(dirOf('rotation'), rot, { endpoint: emu.url, passphrases: phrases });
  const idB = (await materials(a.keyArn)).find((m) => m.KeyMaterialState === 'CURRENT')?.KeyMaterialId;
  assert.ok(idA && idB && idA !== idB);

  // The first material is deleted: the key is unusable until it is back.
  await g.deleteImportedKeyMaterial({ KeyId: a.keyArn, KeyMaterialId: idA });
  assert.equal((await g.describeKey(a.keyArn)).KeyMetadata?.KeyState, 'PendingImport');
  await assert.rejects(g.decrypt({ CiphertextBlob: oldCt, KeyId: a.keyArn }));

  // The rotation's shares back up material that is in place: refused, naming the missing one.
  await assert.rejects(
    rehearse(dirOf('wrong-shares'), reimportPlan(a.keyArn, 'rotation'), {
      endpoint: emu.url,
      passphrases: phrases,
    }),
    (e: Error & { code?: string; hint?: string }) =>
      e.code === 'REIMPORT_NOT_MISSING' && e.hint?.includes(idA) === true,
  );
  // A material id the key does not have: refused.
  const unknown = reimportPlan(a.keyArn, 'first');
  setIn(unknown, 'target.key.existing.keyMaterialId', 'ab'.repeat(32));
  await assert.rejects(rehearse(dirOf('unknown-id'), unknown, { endpoint: emu.url, passphrases: phrases }), {
    code: 'REIMPORT_UNKNOWN_MATERIAL',
  });

  const dir = dirOf('restore');
  const r = await rehearse(dir, reimportPlan(a.keyArn, 'first'), { endpoint: emu.url, passphrases: phrases });
  assert.equal(r.keyState, 'Enabled');
  const after = await materials(a.keyArn);
  assert.deepEqual(
    after.map((m) => [m.KeyMaterialId, m.KeyMaterialState, m.ImportState]),
    [
      [idA, 'NON_CURRENT', 'IMPORTED'],
      [idB, 'CURRENT', 'IMPORTED'],
    ],
  );
  const back = await g.decrypt({ CiphertextBlob: oldCt, KeyId: a.keyArn });
  assert.deepEqual(Buffer.from(back.Plaintext ?? []), secret);

  const log = loadLog(path.join(dir, 'audit.db'));
  assert.equal(verifyLog(log).ok, true);
  const intent = log.records.find(
    (x) => x.type === 'intent' && x.payload['action'] === 'kms.import-key-material',
  );
  assert.equal(
    (intent?.payload['details'] as Record<string, unknown>)['importType'],
    'EXISTING_KEY_MATERIAL',
  );
  const verified = log.records.find((x) => x.type === 'kms.verified');
  assert.equal(verified?.payload['keyMaterialId'], idA);
  assert.match(String(verified?.payload['check']), /restored \(NON_CURRENT\), accepted by KMS under its id/);
});

void test('keyMaterialId is refused in a plan that cannot use it', async () => {
  const rsa = fixturePlan('rsa-existing-key.yaml') as PlanDoc;
  setIn(rsa, 'target.key.existing.keyMaterialId', 'ab'.repeat(32));
  await assert.rejects(rehearse(dirOf('rsa-id'), rsa, { endpoint: emu.url }), {
    code: 'PLAN_KEY_MATERIAL_ID',
  });
  const rot = fixturePlan('rotate-symmetric.yaml') as PlanDoc;
  setIn(rot, 'target.key.existing.keyMaterialId', 'ab'.repeat(32));
  await assert.rejects(rehearse(dirOf('rot-id'), rot, { endpoint: emu.url }), {
    code: 'PLAN_KEY_MATERIAL_ID',
  });
});

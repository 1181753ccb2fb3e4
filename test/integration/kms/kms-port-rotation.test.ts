// The engine's KMS port speaks the 2025 import API: NEW/EXISTING imports with a description and a
// material id, RotateKeyOnDemand, every material with its state, and replicas of multi-Region keys.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kmsPortFromGateway } from '../../../src-main/kms/aws-kms-port.js';
import { createKmsGateway } from '../../../src-main/kms/kms-gateway.js';
import type { KmsPort } from '../../../src-main/kms/kms-port.js';
import { type Harness, oaepWrap, randomMaterial, startHarness } from '../emulator/harness/emulator.js';

let h: Harness;
let east: KmsPort;
let west: KmsPort;
before(async () => {
  h = await startHarness();
  east = kmsPortFromGateway(
    createKmsGateway({ region: 'us-east-1', endpoint: h.emulator.url, maxAttempts: 1 }),
  );
  west = kmsPortFromGateway(
    createKmsGateway({ region: 'eu-west-1', endpoint: h.emulator.url, maxAttempts: 1 }),
  );
});
after(async () => {
  east.close();
  west.close();
  await h.close();
});

async function importVia(
  port: KmsPort,
  keyId: string,
  material: Buffer,
  extra: Partial<Parameters<KmsPort['importKeyMaterial']>[0]> = {},
): Promise<string | undefined> {
  const p = await port.getParametersForImport(keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
  const r = await port.importKeyMaterial({
    keyId,
    importToken: p.importToken,
    encryptedKeyMaterial: oaepWrap(p.publicKey, material, 'sha256'),
    expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    ...extra,
  });
  return r.keyMaterialId;
}

void describe('KMS port: rotation and multi-Region', () => {
  void test('stage with a description, list every material, rotate on demand', async () => {
    const k = await h.createKey({ Origin: 'EXTERNAL' });
    const first = await importVia(east, k.id, randomMaterial());
    const second = await importVia(east, k.id, randomMaterial(), {
      importType: 'NEW_KEY_MATERIAL',
      keyMaterialDescription: 'keyrite ceremony c-1 quorum 2 of 3',
    });
    let list = await east.listKeyMaterials(k.id);
    assert.deepEqual(
      list.map((m) => [m.keyMaterialId, m.state, m.importState, m.description]),
      [
        [first, 'CURRENT', 'IMPORTED', undefined],
        [second, 'PENDING_ROTATION', 'IMPORTED', 'keyrite ceremony c-1 quorum 2 of 3'],
      ],
    );
    await east.rotateKeyOnDemand(k.id);
    assert.equal((await east.describeKey(k.id)).keyMaterialId, second);
    list = await east.listKeyMaterials(k.id);
    assert.deepEqual(
      list.map((m) => [m.state, m.rotationType]),
      [
        ['NON_CURRENT', undefined],
        ['CURRENT', 'ON_DEMAND'],
      ],
    );
    assert.ok(list[1]?.rotationDate instanceof Date);
    await assert.rejects(east.rotateKeyOnDemand(k.id), (e: { code?: string; hint?: string }) => {
      assert.equal(e.code, 'KMS_INVALID_STATE');
      assert.match(e.hint ?? '', /NEW_KEY_MATERIAL/);
      return true;
    });
  });

  void test('replicate, then the same material into the replica by its id', async () => {
    const k = await h.createKey({ Origin: 'EXTERNAL', MultiRegion: true });
    const replica = await east.replicateKey(k.id, 'eu-west-1', 'replica of the rehearsal key');
    assert.equal(replica.keyId, k.id);
    assert.match(replica.arn, /^arn:aws:kms:eu-west-1:/);
    const m = randomMaterial();
    const id = await importVia(east, k.id, m);
    assert.equal(
      await importVia(west, k.id, m, {
        importType: 'EXISTING_KEY_MATERIAL',
        ...(id ? { keyMaterialId: id } : {}),
      }),
      id,
    );
    assert.equal((await west.describeKey(k.id)).keyState, 'Enabled');
  });
});

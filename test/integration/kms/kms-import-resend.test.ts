import assert from 'node:assert/strict';
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway, type KmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { lossyProxy } from './harness/lossy-proxy.js';

/*
 * ImportType NEW_KEY_MATERIAL whose answer is lost: the first attempt may have landed, and KMS refuses
 * the identical NEW request a second time. The gateway resends it as EXISTING_KEY_MATERIAL under the
 * id of the material that appeared (KMS checks the bytes), or as it was when nothing landed.
 */
let emulator: RunningEmulator;
let direct: KmsGateway;
void before(async () => {
  emulator = await startEmulator();
  direct = createKmsGateway({ region: 'us-east-1', endpoint: emulator.url });
});
void after(async () => {
  direct.close();
  await emulator.close();
});

async function wrapped(g: KmsGateway, keyId: string, material: Buffer) {
  const p = await g.getParametersForImport({
    KeyId: keyId,
    WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
    WrappingKeySpec: 'RSA_2048',
  });
  const key = createPublicKey({ key: Buffer.from(p.PublicKey ?? []), format: 'der', type: 'spki' });
  const blob = publicEncrypt(
    { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    material,
  );
  return {
    KeyId: keyId,
    ImportToken: p.ImportToken,
    EncryptedKeyMaterial: blob,
    ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' as const,
    ImportType: 'NEW_KEY_MATERIAL' as const,
    KeyMaterialDescription: 'keyrite cer-000000000001 quorum 2 of 3',
  };
}

async function materials(keyId: string) {
  return (
    (await direct.listKeyRotations({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' })).Rotations ?? []
  );
}

async function throughProxy<T>(o: { before?: boolean }, run: (g: KmsGateway) => Promise<T>) {
  const proxy = await lossyProxy(emulator.url, o);
  const g = createKmsGateway({ region: 'us-east-1', endpoint: proxy.url, maxAttempts: 1 });
  try {
    return { result: await run(g), imports: proxy.importsSeen() };
  } finally {
    g.close();
    await proxy.close();
  }
}

void test('a first NEW import that landed, its answer lost, is confirmed by EXISTING under its id', async () => {
  const keyId = (await direct.createKey({ Origin: 'EXTERNAL' })).KeyMetadata?.KeyId ?? '';
  const { result, imports } = await throughProxy({}, async (g) =>
    g.importKeyMaterial(await wrapped(g, keyId, randomBytes(32))),
  );
  assert.equal(imports, 2);
  assert.equal(result.resent, true);
  const list = await materials(keyId);
  assert.equal(list.length, 1);
  assert.equal(list[0]?.KeyMaterialId, result.KeyMaterialId);
  assert.equal(list[0]?.KeyMaterialDescription, 'keyrite cer-000000000001 quorum 2 of 3');
  assert.equal((await direct.describeKey(keyId)).KeyMetadata?.KeyState, 'Enabled');
});

void test('a rotation import that landed is confirmed under the pending id; one that did not land is sent again', async () => {
  const keyId = (await direct.createKey({ Origin: 'EXTERNAL' })).KeyMetadata?.KeyId ?? '';
  const firstId = (await direct.importKeyMaterial(await wrapped(direct, keyId, randomBytes(32))))
    .KeyMaterialId;

  const landed = await throughProxy({}, async (g) =>
    g.importKeyMaterial(await wrapped(g, keyId, randomBytes(32))),
  );
  let list = await materials(keyId);
  assert.deepEqual(
    list.map((m) => [m.KeyMaterialId, m.KeyMaterialState]),
    [
      [firstId, 'CURRENT'],
      [landed.result.KeyMaterialId, 'PENDING_ROTATION'],
    ],
  );
  await direct.rotateKeyOnDemand(keyId);

  const lost = await throughProxy({ before: true }, async (g) =>
    g.importKeyMaterial(await wrapped(g, keyId, randomBytes(32))),
  );
  assert.equal(lost.result.resent, true);
  list = await materials(keyId);
  assert.equal(list.length, 3);
  assert.equal(
    list.find((m) => m.KeyMaterialState === 'PENDING_ROTATION')?.KeyMaterialId,
    lost.result.KeyMaterialId,
  );
});

void test('pending material that is not ours is never confirmed as ours', async () => {
  const keyId = (await direct.createKey({ Origin: 'EXTERNAL' })).KeyMetadata?.KeyId ?? '';
  await direct.importKeyMaterial(await wrapped(direct, keyId, randomBytes(32)));
  // Someone else stages material; our NEW import is dropped before KMS sees it.
  const ours = await throughProxy({ before: true }, async (g) => {
    const req = await wrapped(g, keyId, randomBytes(32));
    await direct.importKeyMaterial(await wrapped(direct, keyId, randomBytes(32)));
    return g.importKeyMaterial(req).then(
      () => 'imported',
      (e: { code?: string }) => e.code ?? 'error',
    );
  });
  assert.notEqual(ours.result, 'imported');
  assert.equal((await materials(keyId)).filter((m) => m.KeyMaterialState === 'PENDING_ROTATION').length, 1);
});

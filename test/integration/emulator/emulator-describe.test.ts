// DescribeKey through an import's life, member for member as AWS recorded it (localstack
// test_kms.snapshot.json: test_import_key_symmetric, test_import_key_asymmetric,
// test_describe_with_alias_arn): ExpirationModel and CurrentKeyMaterialId appear with imported
// material and are gone again once it is deleted or expires.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateKeyCommand,
  DecryptCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import {
  fixtureMaterial,
  type Harness,
  importWithWrapModule,
  oaepWrap,
  randomMaterial,
  rejectsWith,
  startHarness,
} from './harness/emulator.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

async function describeKey(id: string): Promise<KeyMetadata> {
  return (await h.kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata ?? { KeyId: '' };
}

function members(md: KeyMetadata): string[] {
  return Object.keys(md)
    .filter((k) => md[k as keyof KeyMetadata] !== undefined)
    .sort();
}

const BASE = [
  'AWSAccountId',
  'Arn',
  'CreationDate',
  'CustomerMasterKeySpec',
  'Description',
  'Enabled',
  'KeyId',
  'KeyManager',
  'KeySpec',
  'KeyState',
  'KeyUsage',
  'MultiRegion',
  'Origin',
];

void describe('DescribeKey through an import', () => {
  void test('symmetric: CurrentKeyMaterialId and ExpirationModel only while material is imported', async () => {
    const id = (await h.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata?.KeyId ?? '';
    const pending = await describeKey(id);
    assert.deepEqual(members(pending), [...BASE, 'EncryptionAlgorithms'].sort());
    const materialId = await importWithWrapModule(
      h.kms,
      id,
      'SYMMETRIC_DEFAULT',
      randomMaterial(),
      'RSAES_OAEP_SHA_256',
    );
    const imported = await describeKey(id);
    assert.deepEqual(
      members(imported),
      [...BASE, 'EncryptionAlgorithms', 'ExpirationModel', 'CurrentKeyMaterialId'].sort(),
    );
    assert.equal(imported.CurrentKeyMaterialId, materialId);
    assert.equal(imported.KeyState, 'Enabled');
    await h.kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: id }));
    const deleted = await describeKey(id);
    assert.deepEqual(members(deleted), [...BASE, 'EncryptionAlgorithms'].sort());
    assert.equal(deleted.CurrentKeyMaterialId, undefined);
    assert.equal(deleted.KeyState, 'PendingImport');
    assert.equal(deleted.Enabled, false);
  });

  void test('symmetric material that expires leaves no CurrentKeyMaterialId, ValidTo or ExpirationModel behind', async () => {
    const id = (await h.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata?.KeyId ?? '';
    const p = await h.kms.send(
      new GetParametersForImportCommand({
        KeyId: id,
        WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
        WrappingKeySpec: 'RSA_2048',
      }),
    );
    await h.kms.send(
      new ImportKeyMaterialCommand({
        KeyId: id,
        ImportToken: p.ImportToken,
        EncryptedKeyMaterial: oaepWrap(p.PublicKey ?? new Uint8Array(), randomMaterial(), 'sha256'),
        ExpirationModel: 'KEY_MATERIAL_EXPIRES',
        ValidTo: new Date(h.now().getTime() + 3_600_000),
      }),
    );
    const live = await describeKey(id);
    assert.ok(live.ValidTo instanceof Date);
    assert.ok(live.CurrentKeyMaterialId);
    h.advance(2 * 3_600_000);
    const expired = await describeKey(id);
    assert.equal(expired.KeyState, 'PendingImport');
    assert.equal(expired.CurrentKeyMaterialId, undefined);
    assert.equal(expired.ValidTo, undefined);
    assert.equal(expired.ExpirationModel, undefined);
  });

  void test('asymmetric and HMAC keys never carry CurrentKeyMaterialId', async () => {
    const ec =
      (
        await h.kms.send(
          new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
        )
      ).KeyMetadata?.KeyId ?? '';
    await importWithWrapModule(
      h.kms,
      ec,
      'ECC_NIST_P256',
      fixtureMaterial('material-ec-p256.p8.der'),
      'RSAES_OAEP_SHA_256',
    );
    assert.deepEqual(
      members(await describeKey(ec)),
      [...BASE, 'ExpirationModel', 'SigningAlgorithms'].sort(),
    );
    const mac =
      (
        await h.kms.send(
          new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec: 'HMAC_384', KeyUsage: 'GENERATE_VERIFY_MAC' }),
        )
      ).KeyMetadata?.KeyId ?? '';
    await importWithWrapModule(h.kms, mac, 'HMAC_384', randomMaterial(48), 'RSAES_OAEP_SHA_256');
    assert.deepEqual(members(await describeKey(mac)), [...BASE, 'ExpirationModel', 'MacAlgorithms'].sort());
  });

  void test('a symmetric key KMS generated carries its CurrentKeyMaterialId from creation', async () => {
    const md = (await h.kms.send(new CreateKeyCommand({ Description: 'test - description' }))).KeyMetadata;
    assert.match(md?.CurrentKeyMaterialId ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(
      members(md ?? { KeyId: '' }),
      [...BASE, 'EncryptionAlgorithms', 'CurrentKeyMaterialId'].sort(),
    );
  });
});

void describe('CreateKey edges', () => {
  void test("specs newer than AWS's recorded enum list pass validation and are refused as not emulated", async () => {
    for (const spec of ['ML_DSA_44', 'ECC_NIST_EDWARDS25519', 'SM2'] as const) {
      await rejectsWith(
        h.kms.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY' })),
        'UnsupportedOperationException',
        `KeySpec ${spec} is not supported by the Keyrite KMS emulator.`,
      );
    }
    await rejectsWith(
      h.kms.send(new CreateKeyCommand({ Description: 'd'.repeat(8193) })),
      'ValidationException',
      /at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192/,
    );
  });

  void test('Decrypt names the key material it used, the same id DescribeKey shows', async () => {
    const id = (await h.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata?.KeyId ?? '';
    const mid = await importWithWrapModule(
      h.kms,
      id,
      'SYMMETRIC_DEFAULT',
      randomMaterial(),
      'RSAES_OAEP_SHA_256',
    );
    const ct = await h.kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('x') }));
    const pt = await h.kms.send(new DecryptCommand({ CiphertextBlob: ct.CiphertextBlob }));
    assert.equal(pt.KeyMaterialId, mid);
    assert.equal((await describeKey(id)).CurrentKeyMaterialId, mid);
  });
});

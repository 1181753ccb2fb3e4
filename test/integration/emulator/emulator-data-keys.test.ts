// GenerateDataKey(+WithoutPlaintext), GenerateDataKeyPair(+WithoutPlaintext), GenerateRandom and
// ReEncrypt with the material really used: a data key generated under an imported key decrypts
// with that key, and its plaintext is the key the imported material wrapped.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  type CreateKeyCommandInput,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import {
  type Harness,
  importWithWrapModule,
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

function key(input: CreateKeyCommandInput = {}): Promise<{ id: string; arn: string }> {
  return h.createKey(input);
}

async function importedKey(): Promise<{ id: string; arn: string; materialId: string }> {
  const k = await key({ Origin: 'EXTERNAL' });
  const materialId = await importWithWrapModule(
    h.kms,
    k.id,
    'SYMMETRIC_DEFAULT',
    randomMaterial(),
    'RSAES_OAEP_SHA_256',
  );
  return { ...k, materialId };
}

void describe('GenerateDataKey', () => {
  void test('a data key made under an imported key decrypts with that key, context and all', async () => {
    const k = await importedKey();
    const context = { tenant: 'acme', purpose: 'rehearsal' };
    const r = await h.kms.send(
      new GenerateDataKeyCommand({ KeyId: k.arn, KeySpec: 'AES_256', EncryptionContext: context }),
    );
    assert.equal(r.KeyId, k.arn);
    assert.equal(r.KeyMaterialId, k.materialId);
    assert.equal(r.Plaintext?.length, 32);
    const back = await h.kms.send(
      new DecryptCommand({ CiphertextBlob: r.CiphertextBlob, EncryptionContext: context }),
    );
    assert.deepEqual(Buffer.from(back.Plaintext ?? []), Buffer.from(r.Plaintext ?? []));
    assert.equal(back.KeyId, k.arn);
    await rejectsWith(
      h.kms.send(new DecryptCommand({ CiphertextBlob: r.CiphertextBlob })),
      'InvalidCiphertextException',
    );
    const other = await importedKey();
    await rejectsWith(
      h.kms.send(
        new DecryptCommand({ CiphertextBlob: r.CiphertextBlob, KeyId: other.id, EncryptionContext: context }),
      ),
      'IncorrectKeyException',
      'The key ID in the request does not identify a CMK that can perform this operation.',
    );
  });

  void test('AES_128 and NumberOfBytes give those lengths; WithoutPlaintext returns none and still decrypts', async () => {
    const k = await importedKey();
    const small = await h.kms.send(new GenerateDataKeyCommand({ KeyId: k.id, KeySpec: 'AES_128' }));
    assert.equal(small.Plaintext?.length, 16);
    const n = await h.kms.send(new GenerateDataKeyCommand({ KeyId: k.id, NumberOfBytes: 1024 }));
    assert.equal(n.Plaintext?.length, 1024);
    const blind = await h.kms.send(
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: k.id, KeySpec: 'AES_256' }),
    );
    assert.equal((blind as { Plaintext?: unknown }).Plaintext, undefined);
    const opened = await h.kms.send(new DecryptCommand({ CiphertextBlob: blind.CiphertextBlob }));
    assert.equal(opened.Plaintext?.length, 32);
  });

  void test('refusals: both or neither size, out-of-range sizes, bad KeySpec, wrong keys and states', async () => {
    const k = await importedKey();
    for (const input of [{}, { KeySpec: 'AES_256' as const, NumberOfBytes: 32 }]) {
      await rejectsWith(
        h.kms.send(new GenerateDataKeyCommand({ KeyId: k.id, ...input })),
        'ValidationException',
        'Please specify either number of bytes or key spec.',
      );
    }
    await rejectsWith(
      h.kms.send(new GenerateDataKeyCommand({ KeyId: k.id, NumberOfBytes: 1025 })),
      'ValidationException',
      "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    );
    await rejectsWith(
      h.kms.send(new GenerateDataKeyCommand({ KeyId: k.id, KeySpec: 'AES_512' as 'AES_256' })),
      'ValidationException',
      "1 validation error detected: Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
    );
    const rsa = await key({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    await rejectsWith(
      h.kms.send(new GenerateDataKeyCommand({ KeyId: rsa.id, KeySpec: 'AES_256' })),
      'InvalidKeyUsageException',
      /key spec is RSA_2048 which is not valid for GenerateDataKey/,
    );
    const mac = await key({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    await rejectsWith(
      h.kms.send(new GenerateDataKeyCommand({ KeyId: mac.id, KeySpec: 'AES_256' })),
      'InvalidKeyUsageException',
      `${mac.arn} key usage is GENERATE_VERIFY_MAC which is not valid for GenerateDataKey.`,
    );
    const pending = await key({ Origin: 'EXTERNAL' });
    await rejectsWith(
      h.kms.send(new GenerateDataKeyCommand({ KeyId: pending.id, KeySpec: 'AES_256' })),
      'KMSInvalidStateException',
      `${pending.arn} is pending import.`,
    );
    await h.kms.send(new DisableKeyCommand({ KeyId: k.id }));
    await rejectsWith(
      h.kms.send(new GenerateDataKeyCommand({ KeyId: k.id, KeySpec: 'AES_256' })),
      'DisabledException',
      `${k.arn} is disabled.`,
    );
  });
});

void describe('GenerateDataKeyPair', () => {
  void test('every pair spec: the private key matches the public key, and its ciphertext decrypts to it', async () => {
    const k = await importedKey();
    for (const spec of [
      'RSA_2048',
      'ECC_NIST_P256',
      'ECC_NIST_P384',
      'ECC_NIST_P521',
      'ECC_SECG_P256K1',
      'ECC_NIST_EDWARDS25519',
    ] as const) {
      const r = await h.kms.send(new GenerateDataKeyPairCommand({ KeyId: k.id, KeyPairSpec: spec }));
      assert.equal(r.KeyPairSpec, spec);
      assert.equal(r.KeyId, k.arn);
      assert.equal(r.KeyMaterialId, k.materialId);
      const priv = createPrivateKey({
        key: Buffer.from(r.PrivateKeyPlaintext ?? []),
        format: 'der',
        type: 'pkcs8',
      });
      const pub = createPublicKey({ key: Buffer.from(r.PublicKey ?? []), format: 'der', type: 'spki' });
      const hash = spec === 'ECC_NIST_EDWARDS25519' ? null : 'sha256';
      assert.ok(verify(hash, Buffer.from('m'), pub, sign(hash, Buffer.from('m'), priv)), spec);
      const back = await h.kms.send(new DecryptCommand({ CiphertextBlob: r.PrivateKeyCiphertextBlob }));
      assert.deepEqual(Buffer.from(back.Plaintext ?? []), Buffer.from(r.PrivateKeyPlaintext ?? []));
    }
  });

  void test('WithoutPlaintext gives the public key and the wrapped private key only; SM2 is China-only', async () => {
    const k = await importedKey();
    const r = await h.kms.send(
      new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: k.id, KeyPairSpec: 'ECC_NIST_P256' }),
    );
    assert.equal((r as { PrivateKeyPlaintext?: unknown }).PrivateKeyPlaintext, undefined);
    const back = await h.kms.send(new DecryptCommand({ CiphertextBlob: r.PrivateKeyCiphertextBlob }));
    const priv = createPrivateKey({ key: Buffer.from(back.Plaintext ?? []), format: 'der', type: 'pkcs8' });
    assert.deepEqual(
      createPublicKey(priv).export({ format: 'der', type: 'spki' }),
      Buffer.from(r.PublicKey ?? []),
    );
    await rejectsWith(
      h.kms.send(new GenerateDataKeyPairCommand({ KeyId: k.id, KeyPairSpec: 'SM2' })),
      'UnsupportedOperationException',
    );
    await rejectsWith(
      h.kms.send(new GenerateDataKeyPairCommand({ KeyId: k.id, KeyPairSpec: 'RSA_2048', DryRun: true })),
      'DryRunOperationException',
      'The request would have succeeded, but the DryRun option is set.',
    );
  });
});

void describe('GenerateRandom and ReEncrypt', () => {
  void test("GenerateRandom: the length asked for, AWS's recorded refusals", async () => {
    for (const n of [1, 12, 1024]) {
      assert.equal((await h.kms.send(new GenerateRandomCommand({ NumberOfBytes: n }))).Plaintext?.length, n);
    }
    await rejectsWith(
      h.kms.send(new GenerateRandomCommand({})),
      'ValidationException',
      'NumberOfBytes is required.',
    );
    await rejectsWith(
      h.kms.send(new GenerateRandomCommand({ NumberOfBytes: 0 })),
      'ValidationException',
      "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    await rejectsWith(
      h.kms.send(new GenerateRandomCommand({ NumberOfBytes: 1025 })),
      'ValidationException',
      "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    );
    const a = (await h.kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }))).Plaintext;
    const b = (await h.kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }))).Plaintext;
    assert.notDeepEqual(a, b);
  });

  void test('ReEncrypt moves a ciphertext from one imported key to another, symmetric and RSA', async () => {
    const from = await importedKey();
    const to = await importedKey();
    const ct = await h.kms.send(
      new EncryptCommand({ KeyId: from.id, Plaintext: Buffer.from('moved'), EncryptionContext: { a: '1' } }),
    );
    const r = await h.kms.send(
      new ReEncryptCommand({
        CiphertextBlob: ct.CiphertextBlob,
        SourceEncryptionContext: { a: '1' },
        DestinationKeyId: to.arn,
        DestinationEncryptionContext: { b: '2' },
      }),
    );
    assert.equal(r.SourceKeyId, from.arn);
    assert.equal(r.KeyId, to.arn);
    assert.equal(r.SourceEncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    assert.equal(r.DestinationEncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    assert.equal(r.SourceKeyMaterialId, from.materialId);
    assert.equal(r.DestinationKeyMaterialId, to.materialId);
    const back = await h.kms.send(
      new DecryptCommand({ CiphertextBlob: r.CiphertextBlob, EncryptionContext: { b: '2' } }),
    );
    assert.equal(Buffer.from(back.Plaintext ?? []).toString(), 'moved');
    assert.equal(back.KeyId, to.arn);
    await rejectsWith(
      h.kms.send(new ReEncryptCommand({ CiphertextBlob: ct.CiphertextBlob, DestinationKeyId: to.id })),
      'InvalidCiphertextException',
    );
    await rejectsWith(
      h.kms.send(
        new ReEncryptCommand({
          CiphertextBlob: ct.CiphertextBlob,
          SourceKeyId: to.id,
          DestinationKeyId: to.id,
        }),
      ),
      'IncorrectKeyException',
    );

    const rsa = await key({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    const rsaCt = await h.kms.send(
      new EncryptCommand({
        KeyId: rsa.id,
        Plaintext: Buffer.from('rsa'),
        EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
      }),
    );
    const toSym = await h.kms.send(
      new ReEncryptCommand({
        CiphertextBlob: rsaCt.CiphertextBlob,
        SourceKeyId: rsa.id,
        SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
        DestinationKeyId: to.id,
      }),
    );
    assert.equal(toSym.SourceKeyMaterialId, undefined);
    const opened = await h.kms.send(new DecryptCommand({ CiphertextBlob: toSym.CiphertextBlob }));
    assert.equal(Buffer.from(opened.Plaintext ?? []).toString(), 'rsa');
    const mac = await key({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    await rejectsWith(
      h.kms.send(
        new ReEncryptCommand({
          CiphertextBlob: ct.CiphertextBlob,
          SourceEncryptionContext: { a: '1' },
          DestinationKeyId: mac.id,
        }),
      ),
      'InvalidKeyUsageException',
      `${mac.arn} key usage is GENERATE_VERIFY_MAC which is not valid for ReEncrypt.`,
    );
    assert.equal(
      (await h.kms.send(new DescribeKeyCommand({ KeyId: to.id }))).KeyMetadata?.KeyState,
      'Enabled',
    );
  });
});

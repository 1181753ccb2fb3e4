// Encrypt/Decrypt, GenerateMac/VerifyMac, Sign/Verify and GetPublicKey with imported material, checked
// against local computations with the same material: the emulator really uses what was imported.
import assert from 'node:assert/strict';
import {
  constants,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  verify,
} from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  CreateKeyCommand,
  type CreateKeyCommandInput,
  DecryptCommand,
  EncryptCommand,
  GenerateMacCommand,
  GetPublicKeyCommand,
  SignCommand,
  VerifyCommand,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import {
  fixtureMaterial,
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

async function externalKey(extra: CreateKeyCommandInput = {}): Promise<{ id: string; arn: string }> {
  const { KeyMetadata: md } = await h.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL', ...extra }));
  return { id: md?.KeyId ?? '', arn: md?.Arn ?? '' };
}

void describe('Encrypt and Decrypt (symmetric)', () => {
  let a: { id: string; arn: string };
  let b: { id: string; arn: string };
  before(async () => {
    a = await externalKey();
    b = await externalKey();
    await importWithWrapModule(h.kms, a.id, 'SYMMETRIC_DEFAULT', randomMaterial(), 'RSAES_OAEP_SHA_256');
    await importWithWrapModule(h.kms, b.id, 'SYMMETRIC_DEFAULT', randomMaterial(), 'RSAES_OAEP_SHA_256');
  });

  void test('round trip with encryption context; KeyId, alias and algorithm reported', async () => {
    const e = await h.kms.send(
      new EncryptCommand({
        KeyId: a.id,
        Plaintext: Buffer.from('data'),
        EncryptionContext: { purpose: 'test' },
      }),
    );
    assert.equal(e.KeyId, a.arn);
    assert.equal(e.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    const d = await h.kms.send(
      new DecryptCommand({ CiphertextBlob: e.CiphertextBlob, EncryptionContext: { purpose: 'test' } }),
    );
    assert.equal(Buffer.from(d.Plaintext ?? []).toString(), 'data');
    assert.equal(d.KeyId, a.arn);
    await rejectsWith(
      h.kms.send(new DecryptCommand({ CiphertextBlob: e.CiphertextBlob })),
      'InvalidCiphertextException',
    );
  });

  void test('ciphertext from another key is refused: IncorrectKeyException with KeyId, InvalidCiphertextException when forged', async () => {
    const e = await h.kms.send(new EncryptCommand({ KeyId: a.id, Plaintext: Buffer.from('secret') }));
    await rejectsWith(
      h.kms.send(new DecryptCommand({ CiphertextBlob: e.CiphertextBlob, KeyId: b.id })),
      'IncorrectKeyException',
      'The key ID in the request does not identify a CMK that can perform this operation.',
    );
    // Relabel A's ciphertext as B's: B's material cannot authenticate it.
    const forged = Buffer.from(e.CiphertextBlob ?? []);
    const at = forged.indexOf(Buffer.from(a.id, 'ascii'));
    assert.ok(at > 0);
    Buffer.from(b.id, 'ascii').copy(forged, at);
    await rejectsWith(
      h.kms.send(new DecryptCommand({ CiphertextBlob: forged })),
      'InvalidCiphertextException',
    );
    const flipped = Buffer.from(e.CiphertextBlob ?? []);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
    await rejectsWith(
      h.kms.send(new DecryptCommand({ CiphertextBlob: flipped })),
      'InvalidCiphertextException',
    );
    await rejectsWith(
      h.kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from('not a kms ciphertext') })),
      'InvalidCiphertextException',
    );
  });

  void test('wrong algorithm, wrong usage and pending import are refused', async () => {
    await rejectsWith(
      h.kms.send(
        new EncryptCommand({
          KeyId: a.id,
          Plaintext: Buffer.from('x'),
          EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
        }),
      ),
      'InvalidKeyUsageException',
      'Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.',
    );
    const mac = await externalKey({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    await importWithWrapModule(h.kms, mac.id, 'HMAC_256', randomMaterial(32), 'RSAES_OAEP_SHA_256');
    await rejectsWith(
      h.kms.send(new EncryptCommand({ KeyId: mac.id, Plaintext: Buffer.from('x') })),
      'InvalidKeyUsageException',
      `${mac.arn} key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.`,
    );
    const pending = await externalKey();
    await rejectsWith(
      h.kms.send(new EncryptCommand({ KeyId: pending.id, Plaintext: Buffer.from('x') })),
      'KMSInvalidStateException',
      `${pending.arn} is pending import.`,
    );
    await rejectsWith(
      h.kms.send(new EncryptCommand({ KeyId: a.id, Plaintext: Buffer.alloc(4097, 1) })),
      'ValidationException',
    );
  });
});

void describe('Encrypt and Decrypt (imported RSA key)', () => {
  void test('OAEP under the imported key decrypts locally with the same private key, and through KMS', async () => {
    const material = fixtureMaterial('material-rsa-2048.p8.der');
    const k = await externalKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    await importWithWrapModule(h.kms, k.id, 'RSA_2048', material, 'RSA_AES_KEY_WRAP_SHA_256');
    const e = await h.kms.send(
      new EncryptCommand({
        KeyId: k.id,
        Plaintext: Buffer.from('asym'),
        EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
      }),
    );
    const local = privateDecrypt(
      {
        key: createPrivateKey({ key: material, format: 'der', type: 'pkcs8' }),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
      },
      Buffer.from(e.CiphertextBlob ?? []),
    );
    assert.equal(local.toString(), 'asym');
    const d = await h.kms.send(
      new DecryptCommand({
        KeyId: k.id,
        CiphertextBlob: e.CiphertextBlob,
        EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
      }),
    );
    assert.equal(Buffer.from(d.Plaintext ?? []).toString(), 'asym');
    await rejectsWith(
      h.kms.send(
        new EncryptCommand({
          KeyId: k.id,
          Plaintext: Buffer.alloc(191, 1),
          EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
        }),
      ),
      'ValidationException',
      'Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger than 190 bytes.',
    );
    await rejectsWith(
      h.kms.send(new EncryptCommand({ KeyId: k.id, Plaintext: Buffer.from('x') })),
      'InvalidKeyUsageException',
    );
    await rejectsWith(
      h.kms.send(
        new DecryptCommand({
          KeyId: k.id,
          CiphertextBlob: e.CiphertextBlob,
          EncryptionAlgorithm: 'RSAES_OAEP_SHA_1',
        }),
      ),
      'InvalidCiphertextException',
    );
  });
});

void describe('GenerateMac and VerifyMac', () => {
  void test('the MAC equals a local HMAC with the imported material, for every HMAC spec', async () => {
    for (const [spec, bytes, alg, hash] of [
      ['HMAC_224', 28, 'HMAC_SHA_224', 'sha224'],
      ['HMAC_256', 32, 'HMAC_SHA_256', 'sha256'],
      ['HMAC_384', 48, 'HMAC_SHA_384', 'sha384'],
      ['HMAC_512', 64, 'HMAC_SHA_512', 'sha512'],
    ] as const) {
      const material = randomMaterial(bytes);
      const k = await externalKey({ KeySpec: spec, KeyUsage: 'GENERATE_VERIFY_MAC' });
      await importWithWrapModule(h.kms, k.id, spec, material, 'RSAES_OAEP_SHA_256');
      const msg = Buffer.from('check this message');
      const g = await h.kms.send(new GenerateMacCommand({ KeyId: k.id, Message: msg, MacAlgorithm: alg }));
      assert.deepEqual(Buffer.from(g.Mac ?? []), createHmac(hash, material).update(msg).digest(), spec);
      assert.equal(g.KeyId, k.arn);
      const v = await h.kms.send(
        new VerifyMacCommand({ KeyId: k.id, Message: msg, MacAlgorithm: alg, Mac: g.Mac }),
      );
      assert.equal(v.MacValid, true);
      await rejectsWith(
        h.kms.send(
          new VerifyMacCommand({ KeyId: k.id, Message: Buffer.from('other'), MacAlgorithm: alg, Mac: g.Mac }),
        ),
        'KMSInvalidMacException',
      );
    }
  });

  void test('algorithm not matching the key spec, and non-HMAC keys, are InvalidKeyUsageException', async () => {
    const k = await externalKey({ KeySpec: 'HMAC_224', KeyUsage: 'GENERATE_VERIFY_MAC' });
    await importWithWrapModule(h.kms, k.id, 'HMAC_224', randomMaterial(28), 'RSAES_OAEP_SHA_1');
    await rejectsWith(
      h.kms.send(
        new GenerateMacCommand({ KeyId: k.id, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' }),
      ),
      'InvalidKeyUsageException',
      'Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.',
    );
    const sym = (await h.kms.send(new CreateKeyCommand({}))).KeyMetadata;
    await rejectsWith(
      h.kms.send(
        new GenerateMacCommand({
          KeyId: sym?.KeyId,
          Message: Buffer.from('m'),
          MacAlgorithm: 'HMAC_SHA_256',
        }),
      ),
      'InvalidKeyUsageException',
      `${sym?.Arn} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.`,
    );
  });
});

void describe('Sign, Verify and GetPublicKey', () => {
  const cases = [
    ['RSA_2048', 'material-rsa-2048.p8.der', 'RSASSA_PSS_SHA_256'],
    ['RSA_2048', 'material-rsa-2048.p8.der', 'RSASSA_PKCS1_V1_5_SHA_384'],
    ['RSA_3072', 'material-rsa-3072.p8.der', 'RSASSA_PSS_SHA_512'],
    ['ECC_NIST_P256', 'material-ec-p256.p8.der', 'ECDSA_SHA_256'],
    ['ECC_NIST_P384', 'material-ec-p384.p8.der', 'ECDSA_SHA_384'],
    ['ECC_NIST_P521', 'material-ec-p521.p8.der', 'ECDSA_SHA_512'],
    ['ECC_SECG_P256K1', 'material-ec-secp256k1.p8.der', 'ECDSA_SHA_256'],
  ] as const;
  for (const [spec, file, alg] of cases) {
    void test(`${spec} ${alg}: signatures verify locally with the imported key's public key (RAW and DIGEST)`, async () => {
      const material = fixtureMaterial(file);
      const k = await externalKey({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY' });
      await importWithWrapModule(h.kms, k.id, spec, material, 'RSA_AES_KEY_WRAP_SHA_256', 'RSA_3072');
      const pub = createPublicKey(createPrivateKey({ key: material, format: 'der', type: 'pkcs8' }));
      const gp = await h.kms.send(new GetPublicKeyCommand({ KeyId: k.id }));
      assert.deepEqual(Buffer.from(gp.PublicKey ?? []), pub.export({ format: 'der', type: 'spki' }));
      assert.equal(gp.KeySpec, spec);
      assert.ok(gp.SigningAlgorithms?.includes(alg));
      const hash = alg.endsWith('256') ? 'sha256' : alg.endsWith('384') ? 'sha384' : 'sha512';
      const msg = Buffer.from('ceremony record');
      const opts = alg.startsWith('RSASSA_PSS')
        ? {
            key: pub,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: hash === 'sha256' ? 32 : hash === 'sha384' ? 48 : 64,
          }
        : alg.startsWith('RSASSA_PKCS1')
          ? { key: pub, padding: constants.RSA_PKCS1_PADDING }
          : { key: pub };
      const raw = await h.kms.send(new SignCommand({ KeyId: k.id, Message: msg, SigningAlgorithm: alg }));
      assert.equal(raw.SigningAlgorithm, alg);
      assert.ok(verify(hash, msg, opts, Buffer.from(raw.Signature ?? [])), 'RAW signature verifies locally');
      const v = await h.kms.send(
        new VerifyCommand({ KeyId: k.id, Message: msg, SigningAlgorithm: alg, Signature: raw.Signature }),
      );
      assert.equal(v.SignatureValid, true);
      await rejectsWith(
        h.kms.send(
          new VerifyCommand({
            KeyId: k.id,
            Message: Buffer.from('tampered'),
            SigningAlgorithm: alg,
            Signature: raw.Signature,
          }),
        ),
        'KMSInvalidSignatureException',
      );
      const digest = createHash(hash).update(msg).digest();
      await rejectsWith(
        h.kms.send(
          new SignCommand({
            KeyId: k.id,
            Message: digest.subarray(1),
            MessageType: 'DIGEST',
            SigningAlgorithm: alg,
          }),
        ),
        'ValidationException',
        `Digest is invalid length for algorithm ${alg}.`,
      );
      const dg = await h.kms.send(
        new SignCommand({ KeyId: k.id, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: alg }),
      );
      assert.ok(
        verify(hash, msg, opts, Buffer.from(dg.Signature ?? [])),
        'DIGEST signature verifies locally over the message',
      );
      const vd = await h.kms.send(
        new VerifyCommand({
          KeyId: k.id,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: alg,
          Signature: raw.Signature,
        }),
      );
      assert.equal(vd.SignatureValid, true);
      await rejectsWith(
        h.kms.send(
          new VerifyCommand({
            KeyId: k.id,
            Message: createHash(hash).update('other').digest(),
            MessageType: 'DIGEST',
            SigningAlgorithm: alg,
            Signature: dg.Signature,
          }),
        ),
        'KMSInvalidSignatureException',
      );
    });
  }

  void test('wrong algorithm for the spec, symmetric GetPublicKey and pending import are refused', async () => {
    const k = await externalKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    await rejectsWith(
      h.kms.send(new GetPublicKeyCommand({ KeyId: k.id })),
      'KMSInvalidStateException',
      `${k.arn} is pending import.`,
    );
    await importWithWrapModule(
      h.kms,
      k.id,
      'ECC_NIST_P256',
      fixtureMaterial('material-ec-p256.p8.der'),
      'RSAES_OAEP_SHA_256',
    );
    await rejectsWith(
      h.kms.send(
        new SignCommand({ KeyId: k.id, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_384' }),
      ),
      'InvalidKeyUsageException',
      'Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.',
    );
    const sym = (await h.kms.send(new CreateKeyCommand({}))).KeyMetadata;
    await rejectsWith(
      h.kms.send(new GetPublicKeyCommand({ KeyId: sym?.KeyId })),
      'UnsupportedOperationException',
    );
    await rejectsWith(
      h.kms.send(
        new SignCommand({ KeyId: sym?.KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' }),
      ),
      'InvalidKeyUsageException',
      `${sym?.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Sign.`,
    );
  });
});

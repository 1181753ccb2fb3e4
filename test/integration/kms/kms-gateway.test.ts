// The KMS gateway against the emulator over HTTP: the typed calls, the identity pre-flight, errors as
// explained KeyriteErrors, and an import that stays idempotent when a response is lost.
import assert from 'node:assert/strict';
import { constants, createHmac, createPublicKey, publicEncrypt, randomBytes, verify } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway, type KmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { ImportGuard } from '../../../src-main/kms/import-guard.js';
import { lossyProxy } from './harness/lossy-proxy.js';
import { kmsErrorCode } from '../../../src-main/kms/kms-errors.js';
import { KeyriteError } from '../../../src-shared/errors.js';

let emulator: RunningEmulator;
let kms: KmsGateway;

before(async () => {
  emulator = await startEmulator();
  kms = createKmsGateway({ region: 'us-east-1', endpoint: emulator.url, maxAttempts: 1 });
});
after(async () => {
  kms.close();
  await emulator.close();
});

function oaep(publicKey: Uint8Array | undefined, material: Buffer, hash: 'sha1' | 'sha256'): Buffer {
  const key = createPublicKey({ key: Buffer.from(publicKey ?? []), format: 'der', type: 'spki' });
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, material);
}

async function rejectsCode(p: Promise<unknown>, code: string, hint?: RegExp): Promise<KeyriteError> {
  let caught: unknown;
  await assert.rejects(p, (e: unknown) => {
    caught = e;
    return true;
  });
  assert.ok(caught instanceof KeyriteError, `expected a KeyriteError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.ok(caught.message.length > 0 && caught.hint.length > 0);
  if (hint) assert.match(caught.hint, hint);
  return caught;
}

void describe('KMS gateway', () => {
  void test('identity pre-flight through STS GetCallerIdentity, with no AWS setup', async () => {
    const id = await kms.callerIdentity();
    assert.equal(id.account, '111122223333');
    assert.match(id.arn, /^arn:aws:iam::111122223333:/);
    assert.ok(id.userId.length > 0);
  });

  void test('the ceremony calls: create, alias, tag, policy, import, verify, delete material, schedule deletion', async () => {
    const created = await kms.createKey({ Origin: 'EXTERNAL', Description: 'gateway flow' });
    const keyId = created.KeyMetadata?.KeyId ?? '';
    await kms.createAlias({ AliasName: 'alias/gateway-flow', TargetKeyId: keyId });
    assert.ok(
      (await kms.listAliases({ KeyId: keyId })).Aliases?.some((a) => a.AliasName === 'alias/gateway-flow'),
    );
    await kms.tagResource({ KeyId: keyId, Tags: [{ TagKey: 'ceremony', TagValue: 'c-1' }] });
    const policy = await kms.getKeyPolicy(keyId);
    assert.equal(policy.PolicyName, 'default');
    await kms.putKeyPolicy({ KeyId: keyId, Policy: policy.Policy ?? '' });

    const params = await kms.getParametersForImport({
      KeyId: keyId,
      WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
      WrappingKeySpec: 'RSA_2048',
    });
    const material = randomBytes(32);
    const imported = await kms.importKeyMaterial({
      KeyId: keyId,
      ImportToken: params.ImportToken,
      EncryptedKeyMaterial: oaep(params.PublicKey, material, 'sha256'),
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    });
    assert.match(imported.KeyMaterialId ?? '', /^[0-9a-f]{64}$/);
    const d = await kms.describeKey(keyId);
    assert.equal(d.KeyMetadata?.KeyState, 'Enabled');
    assert.equal(d.KeyMetadata?.CurrentKeyMaterialId, imported.KeyMaterialId);
    const e = await kms.encrypt({ KeyId: 'alias/gateway-flow', Plaintext: Buffer.from('post-import check') });
    const p = await kms.decrypt({ CiphertextBlob: e.CiphertextBlob });
    assert.equal(Buffer.from(p.Plaintext ?? []).toString(), 'post-import check');

    const del = await kms.deleteImportedKeyMaterial({ KeyId: keyId });
    assert.equal(del.KeyMaterialId, imported.KeyMaterialId);
    const s = await kms.scheduleKeyDeletion({ KeyId: keyId, PendingWindowInDays: 7 });
    assert.equal(s.KeyState, 'PendingDeletion');
  });

  void test('MAC and signature checks through the gateway', async () => {
    const mac = await kms.createKey({
      Origin: 'EXTERNAL',
      KeySpec: 'HMAC_256',
      KeyUsage: 'GENERATE_VERIFY_MAC',
    });
    const macId = mac.KeyMetadata?.KeyId ?? '';
    const mp = await kms.getParametersForImport({
      KeyId: macId,
      WrappingAlgorithm: 'RSAES_OAEP_SHA_1',
      WrappingKeySpec: 'RSA_2048',
    });
    const hmacKey = randomBytes(32);
    await kms.importKeyMaterial({
      KeyId: macId,
      ImportToken: mp.ImportToken,
      EncryptedKeyMaterial: oaep(mp.PublicKey, hmacKey, 'sha1'),
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    });
    const msg = Buffer.from('m');
    const g = await kms.generateMac({ KeyId: macId, Message: msg, MacAlgorithm: 'HMAC_SHA_256' });
    assert.deepEqual(Buffer.from(g.Mac ?? []), createHmac('sha256', hmacKey).update(msg).digest());
    assert.equal(
      (await kms.verifyMac({ KeyId: macId, Message: msg, MacAlgorithm: 'HMAC_SHA_256', Mac: g.Mac }))
        .MacValid,
      true,
    );
    await rejectsCode(
      kms.verifyMac({ KeyId: macId, Message: Buffer.from('x'), MacAlgorithm: 'HMAC_SHA_256', Mac: g.Mac }),
      'KMS_INVALID_MAC',
    );

    // An AWS_KMS-origin signing key: the gateway calls are the same for imported keys (proven in the emulator tests).
    const signer = await kms.createKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    const signerId = signer.KeyMetadata?.KeyId ?? '';
    const sig = await kms.sign({ KeyId: signerId, Message: msg, SigningAlgorithm: 'ECDSA_SHA_256' });
    const pub = await kms.getPublicKey(signerId);
    const pubKey = createPublicKey({ key: Buffer.from(pub.PublicKey ?? []), format: 'der', type: 'spki' });
    assert.ok(verify('sha256', msg, pubKey, Buffer.from(sig.Signature ?? [])));
    assert.equal(
      (
        await kms.verify({
          KeyId: signerId,
          Message: msg,
          SigningAlgorithm: 'ECDSA_SHA_256',
          Signature: sig.Signature,
        })
      ).SignatureValid,
      true,
    );
    await rejectsCode(
      kms.verify({
        KeyId: signerId,
        Message: Buffer.from('other'),
        SigningAlgorithm: 'ECDSA_SHA_256',
        Signature: sig.Signature,
      }),
      'KMS_INVALID_SIGNATURE',
    );
  });

  void test('errors become KeyriteErrors that explain and say what to do', async () => {
    const created = await kms.createKey({ Origin: 'EXTERNAL' });
    const keyId = created.KeyMetadata?.KeyId ?? '';
    const params = await kms.getParametersForImport({
      KeyId: keyId,
      WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
      WrappingKeySpec: 'RSA_2048',
    });
    const e = await rejectsCode(
      kms.importKeyMaterial({
        KeyId: keyId,
        ImportToken: params.ImportToken,
        EncryptedKeyMaterial: oaep(params.PublicKey, randomBytes(32), 'sha1'),
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      }),
      'KMS_INVALID_CIPHERTEXT',
      /SHA-1.*RSAES_OAEP_SHA_256.*sha256/,
    );
    assert.match(e.message, /different algorithm, hash or wrapping key/);
    await rejectsCode(kms.describeKey('0b7a3c5e-0000-4000-8000-000000000000'), 'KMS_NOT_FOUND');
    await rejectsCode(kms.encrypt({ KeyId: keyId, Plaintext: Buffer.from('x') }), 'KMS_INVALID_STATE');
    await rejectsCode(kms.createAlias({ AliasName: 'bad', TargetKeyId: keyId }), 'KMS_VALIDATION');

    const closed = createKmsGateway({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    try {
      await rejectsCode(closed.describeKey(keyId), 'KMS_UNREACHABLE');
    } finally {
      closed.close();
    }
    assert.equal(kmsErrorCode('ExpiredImportTokenException'), 'KMS_EXPIRED_IMPORT_TOKEN');
    assert.equal(kmsErrorCode('KMSInvalidStateException'), 'KMS_INVALID_STATE');
    assert.equal(kmsErrorCode('IncorrectKeyMaterialException'), 'KMS_INCORRECT_KEY_MATERIAL');
  });

  void test('idempotent import: a different ciphertext under the same key and token is refused before any call', async () => {
    const created = await kms.createKey({ Origin: 'EXTERNAL' });
    const keyId = created.KeyMetadata?.KeyId ?? '';
    const params = await kms.getParametersForImport({
      KeyId: keyId,
      WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
      WrappingKeySpec: 'RSA_2048',
    });
    const wrongHash = oaep(params.PublicKey, randomBytes(32), 'sha1');
    const base = {
      KeyId: keyId,
      ImportToken: params.ImportToken,
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    } as const;
    await rejectsCode(
      kms.importKeyMaterial({ ...base, EncryptedKeyMaterial: wrongHash }),
      'KMS_INVALID_CIPHERTEXT',
    );
    // Re-wrapping (other bytes) under the same token is refused locally, even though it would now succeed at KMS.
    await rejectsCode(
      kms.importKeyMaterial({
        ...base,
        EncryptedKeyMaterial: oaep(params.PublicKey, randomBytes(32), 'sha256'),
      }),
      'KMS_IMPORT_DIFFERENT_MATERIAL',
    );
    assert.equal((await kms.describeKey(keyId)).KeyMetadata?.KeyState, 'PendingImport');
    // Fresh parameters are the deliberate way to wrap again.
    const fresh = await kms.getParametersForImport({
      KeyId: keyId,
      WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
      WrappingKeySpec: 'RSA_2048',
    });
    const ok = oaep(fresh.PublicKey, randomBytes(32), 'sha256');
    const r1 = await kms.importKeyMaterial({
      ...base,
      ImportToken: fresh.ImportToken,
      EncryptedKeyMaterial: ok,
    });
    const r2 = await kms.importKeyMaterial({
      ...base,
      ImportToken: fresh.ImportToken,
      EncryptedKeyMaterial: ok,
    });
    assert.equal(r2.KeyMaterialId, r1.KeyMaterialId);
  });

  void test('a guard re-armed from a durable record refuses other material after a restart', async () => {
    const created = await kms.createKey({ Origin: 'EXTERNAL' });
    const keyId = created.KeyMetadata?.KeyId ?? '';
    const params = await kms.getParametersForImport({
      KeyId: keyId,
      WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
      WrappingKeySpec: 'RSA_2048',
    });
    const first = oaep(params.PublicKey, randomBytes(32), 'sha256');
    const guard = new ImportGuard();
    guard.remember(keyId, params.ImportToken ?? new Uint8Array(), ImportGuard.digestOf(first));
    const restarted = createKmsGateway({
      region: 'us-east-1',
      endpoint: emulator.url,
      maxAttempts: 1,
      importGuard: guard,
    });
    try {
      const base = {
        KeyId: keyId,
        ImportToken: params.ImportToken,
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      } as const;
      await rejectsCode(
        restarted.importKeyMaterial({
          ...base,
          EncryptedKeyMaterial: oaep(params.PublicKey, randomBytes(32), 'sha256'),
        }),
        'KMS_IMPORT_DIFFERENT_MATERIAL',
      );
      const ok = await restarted.importKeyMaterial({ ...base, EncryptedKeyMaterial: first });
      assert.match(ok.KeyMaterialId ?? '', /^[0-9a-f]{64}$/);
    } finally {
      restarted.close();
    }
  });

  void test('a lost ImportKeyMaterial response is retried with the same bytes and lands exactly once', async () => {
    const proxy = await lossyProxy(emulator.url);
    const flaky = createKmsGateway({ region: 'us-east-1', endpoint: proxy.url, maxAttempts: 1 });
    try {
      const created = await flaky.createKey({ Origin: 'EXTERNAL' });
      const keyId = created.KeyMetadata?.KeyId ?? '';
      const params = await flaky.getParametersForImport({
        KeyId: keyId,
        WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
        WrappingKeySpec: 'RSA_2048',
      });
      const material = randomBytes(32);
      const wrapped = oaep(params.PublicKey, material, 'sha256');
      const r = await flaky.importKeyMaterial({
        KeyId: keyId,
        ImportToken: params.ImportToken,
        EncryptedKeyMaterial: wrapped,
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      });
      assert.equal(
        proxy.importsSeen(),
        2,
        'the first import reached KMS, its answer was lost, the identical retry confirmed it',
      );
      assert.deepEqual(
        proxy.importBodies()[0],
        proxy.importBodies()[1],
        'the retry resent the identical request',
      );
      const d = await flaky.describeKey(keyId);
      assert.equal(d.KeyMetadata?.KeyState, 'Enabled');
      assert.equal(d.KeyMetadata?.CurrentKeyMaterialId, r.KeyMaterialId);
    } finally {
      flaky.close();
      await proxy.close();
    }
  });

  void test('real AWS with no credentials anywhere fails before any call as KMS_NO_CREDENTIALS', async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, {
      AWS_CONFIG_FILE: '/nonexistent/keyrite-test-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/keyrite-test-credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const real = createKmsGateway({ region: 'us-east-1', maxAttempts: 1 });
    try {
      const e = await rejectsCode(real.callerIdentity(), 'KMS_NO_CREDENTIALS');
      assert.match(e.hint, /sso login|aws configure/);
    } finally {
      real.close();
      for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  void test('a request that outlives requestTimeoutMs fails as KMS_TIMEOUT', async () => {
    const stall = createServer(() => undefined);
    await new Promise<void>((resolve) => stall.listen(0, '127.0.0.1', resolve));
    const slow = createKmsGateway({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(stall.address() as AddressInfo).port}`,
      maxAttempts: 1,
      requestTimeoutMs: 300,
    });
    try {
      await rejectsCode(slow.describeKey('0b7a3c5e-0000-4000-8000-000000000000'), 'KMS_TIMEOUT');
    } finally {
      slow.close();
      stall.closeAllConnections();
      await new Promise<void>((resolve) => stall.close(() => resolve()));
    }
  });
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EmulatorState } from '../../../src-main/emulator/emulator-state.js';
import { memoryPersister } from '../../../src-main/emulator/state-types.js';
import { HUAWEI_EMULATOR_CREDENTIALS } from '../../../src-main/emulator/huawei/huawei-auth.js';
import {
  type RunningHuaweiDialect,
  startHuaweiDialect,
} from '../../../src-main/emulator/huawei/huawei-server.js';
import { createHuaweiKms, type HuaweiKms } from '../../../src-main/kms/huawei/huawei-kms.js';
import { KeyriteError } from '../../../src-shared/errors.js';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import {
  type WrappingAlgorithm,
  parseWrappingPublicKey,
  wrapKeyMaterial,
} from '../../../src-shared/wrap/index.js';

// The Huawei gateway against the emulator's Huawei dialect over HTTP: every operation of the import
// workflow, every documented refusal on its path, and the signature check.
const PROJECT = 'aa11bb22cc33dd44ee55ff6600778899';
let clockMs = Date.parse('2026-11-24T10:00:00Z');
const clock = () => new Date(clockMs);
const state = new EmulatorState('ap-southeast-1', '111122223333', clock, memoryPersister);
let dialect: RunningHuaweiDialect;

function gateway(sk = HUAWEI_EMULATOR_CREDENTIALS.secretKey, projectId = PROJECT): HuaweiKms {
  return createHuaweiKms({
    region: 'ap-southeast-1',
    projectId,
    endpoint: dialect.url,
    now: clock,
    maxAttempts: 1,
    credentials: {
      accessKey: HUAWEI_EMULATOR_CREDENTIALS.accessKey,
      secretKey: SecretBuffer.adopt(Buffer.from(sk)),
      source: 'test',
    },
  });
}

before(async () => {
  dialect = await startHuaweiDialect({ state, projectId: PROJECT });
});
after(async () => {
  await dialect.close();
  state.close();
});

async function rejects(p: Promise<unknown>, code: string): Promise<KeyriteError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof KeyriteError, String(e));
    assert.equal(e.code, code, e.message);
    assert.ok(e.hint.length > 10);
    return e;
  }
  throw new Error(`expected ${code}`);
}

function wrap(
  material: Buffer,
  publicKey: Buffer,
  algorithm: WrappingAlgorithm = 'RSAES_OAEP_SHA_256',
): Buffer {
  const m = SecretBuffer.adopt(Buffer.from(material));
  try {
    return wrapKeyMaterial({
      material: m,
      spec: 'SYMMETRIC_DEFAULT',
      algorithm,
      wrappingKey: parseWrappingPublicKey(publicKey),
    }).wrapped;
  } finally {
    m.dispose();
  }
}

void test('huawei: create external key, import 256-bit material with expiry, use it, delete and reimport the same', async () => {
  const kms = gateway();
  const key = await kms.createKey({
    alias: 'keyrite/payments',
    description: 'rehearsal',
    tags: { ceremony: 'c-1' },
  });
  assert.equal(key.keyState, 'PendingImport');
  assert.equal(key.origin, 'external');
  assert.equal(key.keySpec, 'AES_256');
  const params = await kms.getParametersForImport(key.keyId, 'RSAES_OAEP_SHA_256');
  assert.equal(params.expiresAt.getTime(), clockMs + 86_400_000, 'parameters are valid for 24 hours');
  assert.ok(params.importToken.length >= 200);
  const material = randomBytes(32);
  const wrapped = wrap(material, params.publicKey);
  assert.equal(wrapped.toString('base64').length, 344, 'what Huawei accepts for encrypted_key_material');
  const expiresAt = new Date(clockMs + 30 * 86_400_000);
  assert.deepEqual(
    await kms.importKeyMaterial({
      keyId: key.keyId,
      importToken: params.importToken,
      encryptedKeyMaterial: wrapped,
      expiresAt,
    }),
    { resent: false },
  );
  const enabled = await kms.describeKey(key.keyId);
  assert.equal(enabled.keyState, 'Enabled');
  assert.equal(enabled.materialExpires?.getTime(), Math.floor(expiresAt.getTime() / 1000) * 1000);
  const cipher = await kms.encryptData(key.keyId, 'functional check');
  assert.equal(await kms.decryptData(cipher), 'functional check');

  await kms.deleteImportedKeyMaterial(key.keyId);
  assert.equal((await kms.describeKey(key.keyId)).keyState, 'PendingImport');
  await rejects(kms.encryptData(key.keyId, 'x'), 'HUAWEI_INVALID_PARAMETER');
  const again = await kms.getParametersForImport(key.keyId, 'RSAES_OAEP_SHA_256');
  await rejects(
    kms.importKeyMaterial({
      keyId: key.keyId,
      importToken: again.importToken,
      encryptedKeyMaterial: wrap(randomBytes(32), again.publicKey),
    }),
    'HUAWEI_DIFFERENT_MATERIAL',
  );
  const third = await kms.getParametersForImport(key.keyId, 'RSAES_OAEP_SHA_256');
  await kms.importKeyMaterial({
    keyId: key.keyId,
    importToken: third.importToken,
    encryptedKeyMaterial: wrap(material, third.publicKey),
  });
  assert.equal(
    await kms.decryptData(cipher),
    'functional check',
    'the same material decrypts what it encrypted before',
  );
  kms.close();
});

void test('huawei: the documented import refusals reach the user explained', async () => {
  const kms = gateway();
  const a = await kms.createKey({ alias: 'a', description: '', tags: {} });
  const b = await kms.createKey({ alias: 'b', description: '', tags: {} });
  const pa = await kms.getParametersForImport(a.keyId, 'RSAES_OAEP_SHA_256');
  const material = randomBytes(32);
  // Each refusal through a fresh gateway: one gateway never sends two different blobs under one token.
  // The classic mistake: SHA-1 OAEP for parameters fetched for SHA-256.
  await rejects(
    gateway().importKeyMaterial({
      keyId: a.keyId,
      importToken: pa.importToken,
      encryptedKeyMaterial: wrap(material, pa.publicKey, 'RSAES_OAEP_SHA_1'),
    }),
    'HUAWEI_UNWRAP_FAILED',
  );
  await rejects(
    gateway().importKeyMaterial({
      keyId: b.keyId,
      importToken: pa.importToken,
      encryptedKeyMaterial: wrap(material, pa.publicKey),
    }),
    'HUAWEI_IMPORT_TOKEN_WRONG_KEY',
  );
  const tampered = Buffer.from(pa.importToken, 'base64');
  tampered[30] = (tampered[30] as number) ^ 1;
  await rejects(
    gateway().importKeyMaterial({
      keyId: a.keyId,
      importToken: tampered.toString('base64'),
      encryptedKeyMaterial: wrap(material, pa.publicKey),
    }),
    'HUAWEI_IMPORT_TOKEN_INVALID',
  );
  await rejects(
    gateway().importKeyMaterial({
      keyId: a.keyId,
      importToken: pa.importToken,
      encryptedKeyMaterial: wrap(material, pa.publicKey),
      expiresAt: new Date(clockMs - 1000),
    }),
    'HUAWEI_MATERIAL_EXPIRY',
  );
  await rejects(kms.getParametersForImport(a.keyId, 'SM2_ENCRYPT'), 'HUAWEI_INVALID_PARAMETER');
  await rejects(kms.describeKey('00000000-0000-0000-0000-000000000000'), 'HUAWEI_KEY_NOT_FOUND');
  clockMs += 86_400_000 + 1000;
  await rejects(
    gateway().importKeyMaterial({
      keyId: a.keyId,
      importToken: pa.importToken,
      encryptedKeyMaterial: wrap(material, pa.publicKey),
    }),
    'HUAWEI_IMPORT_TOKEN_EXPIRED',
  );
  const fresh = await kms.getParametersForImport(a.keyId, 'RSAES_OAEP_SHA_256');
  await gateway().importKeyMaterial({
    keyId: a.keyId,
    importToken: fresh.importToken,
    encryptedKeyMaterial: wrap(material, fresh.publicKey),
  });
  await rejects(
    gateway().importKeyMaterial({
      keyId: a.keyId,
      importToken: fresh.importToken,
      encryptedKeyMaterial: wrap(material, fresh.publicKey),
    }),
    'HUAWEI_NOT_PENDING_IMPORT',
  );
  kms.close();
});

void test('huawei: a wrong secret key or another project is refused, not served', async () => {
  await rejects(
    gateway('not-the-secret').createKey({ alias: 'x', description: '', tags: {} }),
    'HUAWEI_AUTH_FAILED',
  );
  await rejects(
    gateway(undefined, '99999999999999999999999999999999').createKey({
      alias: 'x',
      description: '',
      tags: {},
    }),
    'HUAWEI_BAD_REQUEST_URL',
  );
});

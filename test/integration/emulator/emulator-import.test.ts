// GetParametersForImport, ImportKeyMaterial and DeleteImportedKeyMaterial: AWS's rules and errors,
// expiry through the injected clock, and state that survives a restart with --state.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  type CreateKeyCommandInput,
  DecryptCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetParametersForImportCommand,
  type GetParametersForImportCommandOutput,
  ImportKeyMaterialCommand,
  type ImportKeyMaterialCommandInput,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import {
  fixtureMaterial,
  type Harness,
  oaepWrap,
  randomMaterial,
  rejectsWith,
  startHarness,
} from './harness/emulator.js';

const DAY = 86_400_000;
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

async function params(
  keyId: string,
  alg: 'RSAES_OAEP_SHA_256' | 'RSAES_OAEP_SHA_1' = 'RSAES_OAEP_SHA_256',
): Promise<GetParametersForImportCommandOutput> {
  return h.kms.send(
    new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: alg, WrappingKeySpec: 'RSA_2048' }),
  );
}

async function importSym(
  keyId: string,
  material: Buffer,
  extra: Partial<ImportKeyMaterialCommandInput> = { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' },
): Promise<string> {
  const p = await params(keyId);
  const r = await h.kms.send(
    new ImportKeyMaterialCommand({
      KeyId: keyId,
      ImportToken: p.ImportToken,
      EncryptedKeyMaterial: oaepWrap(p.PublicKey ?? new Uint8Array(), material, 'sha256'),
      ...extra,
    }),
  );
  return r.KeyMaterialId ?? '';
}

void describe('GetParametersForImport', () => {
  void test('returns the key ARN, a DER SPKI RSA public key of the asked size, a token and now + 24 h', async () => {
    const k = await externalKey();
    const before = h.now().getTime();
    for (const [spec, bits] of [
      ['RSA_2048', 2048],
      ['RSA_3072', 3072],
    ] as const) {
      const p = await h.kms.send(
        new GetParametersForImportCommand({
          KeyId: k.id,
          WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
          WrappingKeySpec: spec,
        }),
      );
      assert.equal(p.KeyId, k.arn);
      const pub = createPublicKey({ key: Buffer.from(p.PublicKey ?? []), format: 'der', type: 'spki' });
      assert.equal(pub.asymmetricKeyType, 'rsa');
      assert.equal(pub.asymmetricKeyDetails?.modulusLength, bits);
      assert.ok((p.ImportToken?.length ?? 0) > 0);
      const validTo = p.ParametersValidTo?.getTime() ?? 0;
      assert.ok(validTo >= before + DAY - 1000 && validTo <= h.now().getTime() + DAY + 1000);
    }
  });

  void test('refuses AWS_KMS keys, aliases, pending deletion, PKCS#1 v1.5, SM2 and impossible combinations', async () => {
    const own = (await h.kms.send(new CreateKeyCommand({}))).KeyMetadata;
    await rejectsWith(
      params(own?.KeyId ?? ''),
      'UnsupportedOperationException',
      `${own?.Arn} origin is AWS_KMS which is not valid for this operation.`,
    );
    const k = await externalKey();
    await rejectsWith(
      h.kms.send(
        new GetParametersForImportCommand({
          KeyId: k.id,
          WrappingAlgorithm: 'RSAES_PKCS1_V1_5',
          WrappingKeySpec: 'RSA_2048',
        }),
      ),
      'ValidationException',
    );
    await rejectsWith(
      h.kms.send(
        new GetParametersForImportCommand({
          KeyId: k.id,
          WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
          WrappingKeySpec: 'SM2',
        }),
      ),
      'UnsupportedOperationException',
    );
    await rejectsWith(
      h.kms.send(
        new GetParametersForImportCommand({
          KeyId: k.id,
          WrappingAlgorithm: 'NOPE' as 'SM2PKE',
          WrappingKeySpec: 'RSA_2048',
        }),
      ),
      'ValidationException',
      /at 'wrappingAlgorithm' failed to satisfy constraint/,
    );
    await rejectsWith(
      h.kms.send(
        new GetParametersForImportCommand({
          KeyId: k.id,
          WrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256',
          WrappingKeySpec: 'RSA_2048',
        }),
      ),
      'ValidationException',
      /supported only for RSA and ECC key material/,
    );
    const rsa = await externalKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    await rejectsWith(params(rsa.id), 'ValidationException', /cannot wrap key material for a RSA_2048/);
    const p521 = await externalKey({ KeySpec: 'ECC_NIST_P521', KeyUsage: 'SIGN_VERIFY' });
    await rejectsWith(params(p521.id), 'ValidationException', /ECC_NIST_P521/);
    await h.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    await h.kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.id, PendingWindowInDays: 7 }));
    await rejectsWith(params(k.id), 'KMSInvalidStateException', `${k.arn} is pending deletion.`);
    await rejectsWith(params('alias/anything'), 'NotFoundException');
  });
});

void describe('ImportKeyMaterial', () => {
  void test('imports, enables, reports KeyMaterialId, and the material really encrypts', async () => {
    const k = await externalKey();
    const material = randomMaterial();
    const id = await importSym(k.id, material);
    assert.match(id, /^[0-9a-f]{64}$/);
    const d = await h.kms.send(new DescribeKeyCommand({ KeyId: k.id }));
    assert.equal(d.KeyMetadata?.KeyState, 'Enabled');
    assert.equal(d.KeyMetadata?.Enabled, true);
    assert.equal(d.KeyMetadata?.ExpirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    assert.equal(d.KeyMetadata?.ValidTo, undefined);
    assert.equal(d.KeyMetadata?.CurrentKeyMaterialId, id);
    const e = await h.kms.send(new EncryptCommand({ KeyId: k.id, Plaintext: Buffer.from('proof') }));
    const p = await h.kms.send(new DecryptCommand({ CiphertextBlob: e.CiphertextBlob }));
    assert.equal(Buffer.from(p.Plaintext ?? []).toString(), 'proof');
    assert.equal(p.KeyMaterialId, id);
  });

  void test('ExpirationModel and ValidTo rules: default expires, ValidTo required, future, ≤ 365 days', async () => {
    const k = await externalKey();
    await rejectsWith(
      importSym(k.id, randomMaterial(), {}),
      'ValidationException',
      'A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES',
    );
    const now = h.now().getTime();
    await rejectsWith(
      importSym(k.id, randomMaterial(), { ValidTo: new Date(now - 1000) }),
      'ValidationException',
      /future/,
    );
    await rejectsWith(
      importSym(k.id, randomMaterial(), { ValidTo: new Date(now + 366 * DAY) }),
      'ValidationException',
      /365 days/,
    );
    await rejectsWith(
      importSym(k.id, randomMaterial(), {
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        ValidTo: new Date(now + DAY),
      }),
      'ValidationException',
    );
    await importSym(k.id, randomMaterial(), { ValidTo: new Date(now + 365 * DAY - 60_000) });
    const d = await h.kms.send(new DescribeKeyCommand({ KeyId: k.id }));
    assert.equal(d.KeyMetadata?.ExpirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.ok(d.KeyMetadata?.ValidTo instanceof Date);
  });

  void test('material with ValidTo expires on the injected clock: the key returns to PendingImport; reimport restores it', async () => {
    const k = await externalKey();
    const material = randomMaterial();
    await importSym(k.id, material, { ValidTo: new Date(h.now().getTime() + 2 * DAY) });
    const ct = (
      await h.kms.send(new EncryptCommand({ KeyId: k.id, Plaintext: Buffer.from('before expiry') }))
    ).CiphertextBlob;
    h.advance(2 * DAY + 1000);
    const d = await h.kms.send(new DescribeKeyCommand({ KeyId: k.id }));
    assert.equal(d.KeyMetadata?.KeyState, 'PendingImport');
    assert.equal(d.KeyMetadata?.Enabled, false);
    await rejectsWith(
      h.kms.send(new DecryptCommand({ CiphertextBlob: ct })),
      'KMSInvalidStateException',
      `${k.arn} is pending import.`,
    );
    await rejectsWith(importSym(k.id, randomMaterial()), 'IncorrectKeyMaterialException');
    await importSym(k.id, material);
    const p = await h.kms.send(new DecryptCommand({ CiphertextBlob: ct }));
    assert.equal(Buffer.from(p.Plaintext ?? []).toString(), 'before expiry');
  });

  void test('import parameters expire after 24 hours: ExpiredImportTokenException', async () => {
    const k = await externalKey();
    const p = await params(k.id);
    h.advance(DAY + 1000);
    await rejectsWith(
      h.kms.send(
        new ImportKeyMaterialCommand({
          KeyId: k.id,
          ImportToken: p.ImportToken,
          EncryptedKeyMaterial: oaepWrap(p.PublicKey ?? new Uint8Array(), randomMaterial(), 'sha256'),
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      ),
      'ExpiredImportTokenException',
    );
  });

  void test('wrong hash (SHA-1 wrapped for RSAES_OAEP_SHA_256) is InvalidCiphertextException; foreign or damaged tokens are InvalidImportTokenException', async () => {
    const k = await externalKey();
    const p = await params(k.id, 'RSAES_OAEP_SHA_256');
    await rejectsWith(
      h.kms.send(
        new ImportKeyMaterialCommand({
          KeyId: k.id,
          ImportToken: p.ImportToken,
          EncryptedKeyMaterial: oaepWrap(p.PublicKey ?? new Uint8Array(), randomMaterial(), 'sha1'),
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      ),
      'InvalidCiphertextException',
    );
    const other = await externalKey();
    const wrapped = oaepWrap(p.PublicKey ?? new Uint8Array(), randomMaterial(), 'sha256');
    const base = { EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' } as const;
    await rejectsWith(
      h.kms.send(new ImportKeyMaterialCommand({ ...base, KeyId: other.id, ImportToken: p.ImportToken })),
      'InvalidImportTokenException',
    );
    await rejectsWith(
      h.kms.send(new ImportKeyMaterialCommand({ ...base, KeyId: k.id, ImportToken: Buffer.from('garbage') })),
      'InvalidImportTokenException',
    );
    const tampered = Buffer.from(p.ImportToken ?? []);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    await rejectsWith(
      h.kms.send(new ImportKeyMaterialCommand({ ...base, KeyId: k.id, ImportToken: tampered })),
      'InvalidImportTokenException',
    );
    const own = (await h.kms.send(new CreateKeyCommand({}))).KeyMetadata;
    await rejectsWith(
      h.kms.send(new ImportKeyMaterialCommand({ ...base, KeyId: own?.KeyId, ImportToken: p.ImportToken })),
      'UnsupportedOperationException',
    );
  });

  void test('material of the wrong size or kind is IncorrectKeyMaterialException', async () => {
    const k = await externalKey();
    await rejectsWith(importSym(k.id, randomMaterial(16)), 'IncorrectKeyMaterialException');
    const ec = await externalKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    const p = await params(ec.id);
    await rejectsWith(
      h.kms.send(
        new ImportKeyMaterialCommand({
          KeyId: ec.id,
          ImportToken: p.ImportToken,
          EncryptedKeyMaterial: oaepWrap(
            p.PublicKey ?? new Uint8Array(),
            fixtureMaterial('material-ec-p384.p8.der'),
            'sha256',
          ),
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      ),
      'IncorrectKeyMaterialException',
      /curve/,
    );
  });

  void test('reimport of the same material is allowed (same KeyMaterialId, new expiry); other material is refused', async () => {
    const k = await externalKey();
    const material = randomMaterial();
    const id1 = await importSym(k.id, material);
    const id2 = await importSym(k.id, material, { ValidTo: new Date(h.now().getTime() + 10 * DAY) });
    assert.equal(id2, id1);
    assert.equal(
      (await h.kms.send(new DescribeKeyCommand({ KeyId: k.id }))).KeyMetadata?.ExpirationModel,
      'KEY_MATERIAL_EXPIRES',
    );
    const id3 = await importSym(k.id, material, {
      ImportType: 'EXISTING_KEY_MATERIAL',
      KeyMaterialId: id1,
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    });
    assert.equal(id3, id1);
    await rejectsWith(importSym(k.id, randomMaterial()), 'IncorrectKeyMaterialException');
    await rejectsWith(
      importSym(k.id, randomMaterial(), {
        ImportType: 'NEW_KEY_MATERIAL',
        KeyMaterialId: id1,
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      }),
      'ValidationException',
    );
  });

  void test('symmetric keys stage one new material (NEW_KEY_MATERIAL); a second pending one is KMSInvalidStateException', async () => {
    const k = await externalKey();
    const id1 = await importSym(k.id, randomMaterial());
    const staged = await importSym(k.id, randomMaterial(), {
      ImportType: 'NEW_KEY_MATERIAL',
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    });
    assert.notEqual(staged, id1);
    assert.equal(
      (await h.kms.send(new DescribeKeyCommand({ KeyId: k.id }))).KeyMetadata?.CurrentKeyMaterialId,
      id1,
    );
    await rejectsWith(
      importSym(k.id, randomMaterial(), {
        ImportType: 'NEW_KEY_MATERIAL',
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      }),
      'KMSInvalidStateException',
    );
  });

  void test('HMAC and asymmetric keys refuse ImportType/KeyMaterialId and other material', async () => {
    const ec = await externalKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    const wrapOnce = async (
      material: Buffer,
      extra: Partial<ImportKeyMaterialCommandInput> = {},
    ): Promise<unknown> => {
      const p = await params(ec.id);
      return h.kms.send(
        new ImportKeyMaterialCommand({
          KeyId: ec.id,
          ImportToken: p.ImportToken,
          EncryptedKeyMaterial: oaepWrap(p.PublicKey ?? new Uint8Array(), material, 'sha256'),
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
          ...extra,
        }),
      );
    };
    await rejectsWith(
      wrapOnce(fixtureMaterial('material-ec-p256.p8.der'), { ImportType: 'NEW_KEY_MATERIAL' }),
      'ValidationException',
    );
    await wrapOnce(fixtureMaterial('material-ec-p256.p8.der'));
    await wrapOnce(fixtureMaterial('material-ec-p256.p8.der'));
    const other = createPrivateKey({
      key: fixtureMaterial('material-ec-p256-nopub.p8.der'),
      format: 'der',
      type: 'pkcs8',
    });
    assert.equal(other.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const { generateKeyPairSync } = await import('node:crypto');
    const fresh = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({
      format: 'der',
      type: 'pkcs8',
    });
    await rejectsWith(wrapOnce(fresh), 'IncorrectKeyMaterialException');
  });
});

void describe('DeleteImportedKeyMaterial', () => {
  void test('returns the key to PendingImport and refuses AWS_KMS keys', async () => {
    const k = await externalKey();
    const id = await importSym(k.id, randomMaterial());
    const r = await h.kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: k.id }));
    assert.equal(r.KeyId, k.arn);
    assert.equal(r.KeyMaterialId, id);
    const d = await h.kms.send(new DescribeKeyCommand({ KeyId: k.id }));
    assert.equal(d.KeyMetadata?.KeyState, 'PendingImport');
    assert.equal(d.KeyMetadata?.ExpirationModel, undefined);
    await rejectsWith(
      h.kms.send(new EncryptCommand({ KeyId: k.id, Plaintext: Buffer.from('x') })),
      'KMSInvalidStateException',
      `${k.arn} is pending import.`,
    );
    const own = (await h.kms.send(new CreateKeyCommand({}))).KeyMetadata;
    await rejectsWith(
      h.kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: own?.KeyId })),
      'UnsupportedOperationException',
    );
    await h.kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.id, PendingWindowInDays: 7 }));
    await rejectsWith(
      h.kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: k.id })),
      'KMSInvalidStateException',
    );
  });
});

void describe('--state persistence', () => {
  void test('keys, imported material, aliases and outstanding parameters survive a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-emu-state-'));
    const statePath = path.join(dir, 'state.sqlite');
    try {
      const first = await startHarness({ statePath });
      const { KeyMetadata: md } = await first.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
      const p = await first.kms.send(
        new GetParametersForImportCommand({
          KeyId: md?.KeyId,
          WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
          WrappingKeySpec: 'RSA_2048',
        }),
      );
      const pending = await first.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
      const p2 = await first.kms.send(
        new GetParametersForImportCommand({
          KeyId: pending.KeyMetadata?.KeyId,
          WrappingAlgorithm: 'RSAES_OAEP_SHA_1',
          WrappingKeySpec: 'RSA_2048',
        }),
      );
      await first.kms.send(
        new ImportKeyMaterialCommand({
          KeyId: md?.KeyId,
          ImportToken: p.ImportToken,
          EncryptedKeyMaterial: oaepWrap(p.PublicKey ?? new Uint8Array(), randomMaterial(), 'sha256'),
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      );
      const ct = (
        await first.kms.send(new EncryptCommand({ KeyId: md?.KeyId, Plaintext: Buffer.from('kept') }))
      ).CiphertextBlob;
      await first.kms.send(new CreateAliasCommand({ AliasName: 'alias/survivor', TargetKeyId: md?.KeyId }));
      await first.close();

      const second = await startHarness({ statePath });
      try {
        const d = await second.kms.send(new DescribeKeyCommand({ KeyId: md?.KeyId }));
        assert.equal(d.KeyMetadata?.KeyState, 'Enabled');
        const viaAlias = await second.kms.send(new DescribeKeyCommand({ KeyId: 'alias/survivor' }));
        assert.equal(viaAlias.KeyMetadata?.KeyId, md?.KeyId);
        const plain = await second.kms.send(new DecryptCommand({ CiphertextBlob: ct }));
        assert.equal(Buffer.from(plain.Plaintext ?? []).toString(), 'kept');
        // Parameters fetched before the restart still import after it.
        await second.kms.send(
          new ImportKeyMaterialCommand({
            KeyId: pending.KeyMetadata?.KeyId,
            ImportToken: p2.ImportToken,
            EncryptedKeyMaterial: oaepWrap(p2.PublicKey ?? new Uint8Array(), randomMaterial(), 'sha1'),
            ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
          }),
        );
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

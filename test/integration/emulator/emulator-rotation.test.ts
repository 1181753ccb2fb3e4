// The 2025 import API over HTTP with the real SDK: several materials per symmetric key, their states,
// RotateKeyOnDemand with its refusals and quota, ListKeyRotations with IncludeKeyMaterial, and
// ciphertexts that keep decrypting with the material that made them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DecryptCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  ListKeyRotationsCommand,
  type RotationsListEntry,
  RotateKeyOnDemandCommand,
} from '@aws-sdk/client-kms';
import { type Harness, importInto, randomMaterial, rejectsWith, startHarness } from './harness/emulator.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const DAY = 86_400_000;

async function rotations(keyId: string, all = true): Promise<RotationsListEntry[]> {
  const r = await h.kms.send(
    new ListKeyRotationsCommand({
      KeyId: keyId,
      ...(all ? { IncludeKeyMaterial: 'ALL_KEY_MATERIAL' as const } : {}),
    }),
  );
  return r.Rotations ?? [];
}

async function encrypt(keyId: string, text: string): Promise<Uint8Array> {
  const r = await h.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text) }));
  return r.CiphertextBlob ?? new Uint8Array();
}

async function decrypt(blob: Uint8Array): Promise<{ text: string; materialId: string | undefined }> {
  const r = await h.kms.send(new DecryptCommand({ CiphertextBlob: blob }));
  return { text: Buffer.from(r.Plaintext ?? new Uint8Array()).toString(), materialId: r.KeyMaterialId };
}

const current = async (keyId: string): Promise<string | undefined> =>
  (await h.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.CurrentKeyMaterialId;

void describe('emulator: rotation of imported key material (2025 API)', () => {
  void test('import NEW → PENDING_ROTATION, rotate → CURRENT; the old material only decrypts; every entry member', async () => {
    const k = await h.createKey({ Origin: 'EXTERNAL' });
    const first = await importInto(h.kms, k.id, randomMaterial(), { KeyMaterialDescription: 'first 2025' });
    const oldBlob = await encrypt(k.id, 'made before rotation');
    const validTo = new Date(h.now().getTime() + 30 * DAY);
    const second = await importInto(h.kms, k.id, randomMaterial(), {
      ImportType: 'NEW_KEY_MATERIAL',
      KeyMaterialDescription: 'ceremony rot-1: quorum 2 of 3',
      ExpirationModel: 'KEY_MATERIAL_EXPIRES',
      ValidTo: validTo,
    });
    assert.notEqual(second, first);
    assert.equal(await current(k.id), first, 'staged material is not current yet');
    assert.deepEqual(
      (await rotations(k.id)).map((e) => [e.KeyMaterialId, e.KeyMaterialState, e.ImportState]),
      [
        [first, 'CURRENT', 'IMPORTED'],
        [second, 'PENDING_ROTATION', 'IMPORTED'],
      ],
    );
    assert.deepEqual(
      await rotations(k.id, false),
      [],
      'ROTATIONS_ONLY (the default) lists no first material',
    );

    assert.equal((await h.kms.send(new RotateKeyOnDemandCommand({ KeyId: k.id }))).KeyId, k.arn);
    assert.equal(await current(k.id), second);
    const [e1, e2] = await rotations(k.id);
    assert.deepEqual(e1, {
      KeyId: k.id,
      KeyMaterialId: first,
      KeyMaterialDescription: 'first 2025',
      ImportState: 'IMPORTED',
      KeyMaterialState: 'NON_CURRENT',
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    });
    assert.equal(e2?.KeyMaterialState, 'CURRENT');
    assert.equal(e2?.RotationType, 'ON_DEMAND');
    assert.ok(e2?.RotationDate instanceof Date);
    assert.equal(e2?.ValidTo?.getTime(), validTo.getTime());
    assert.equal(e2?.KeyMaterialDescription, 'ceremony rot-1: quorum 2 of 3');
    assert.deepEqual(
      (await rotations(k.id, false)).map((e) => e.KeyMaterialId),
      [second],
    );

    const before = await decrypt(oldBlob);
    assert.deepEqual(before, { text: 'made before rotation', materialId: first });
    const after = await decrypt(await encrypt(k.id, 'made after'));
    assert.deepEqual(after, { text: 'made after', materialId: second });
    // DescribeKey's ValidTo is the earliest expiry of material the key depends on.
    const md = (await h.kms.send(new DescribeKeyCommand({ KeyId: k.id }))).KeyMetadata;
    assert.equal(md?.ValidTo?.getTime(), validTo.getTime());
  });

  void test('RotateKeyOnDemand refusals: nothing pending, disabled, pending import, asymmetric', async () => {
    const k = await h.createKey({ Origin: 'EXTERNAL' });
    await rejectsWith(
      h.kms.send(new RotateKeyOnDemandCommand({ KeyId: k.id })),
      'KMSInvalidStateException',
      `${k.arn} is pending import.`,
    );
    await importInto(h.kms, k.id, randomMaterial());
    await rejectsWith(
      h.kms.send(new RotateKeyOnDemandCommand({ KeyId: k.id })),
      'KMSInvalidStateException',
      /no key material in PENDING_ROTATION state/,
    );
    await h.kms.send(new DisableKeyCommand({ KeyId: k.id }));
    await rejectsWith(
      h.kms.send(new RotateKeyOnDemandCommand({ KeyId: k.id })),
      'DisabledException',
      `${k.arn} is disabled.`,
    );
    const rsa = await h.createKey({ Origin: 'EXTERNAL', KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    await rejectsWith(
      h.kms.send(new RotateKeyOnDemandCommand({ KeyId: rsa.id })),
      'UnsupportedOperationException',
    );
    await rejectsWith(
      h.kms.send(new ListKeyRotationsCommand({ KeyId: rsa.id })),
      'UnsupportedOperationException',
    );
  });

  void test('at most 25 on-demand rotations per key, then LimitExceededException', async () => {
    const k = await h.createKey({ Origin: 'EXTERNAL' });
    await importInto(h.kms, k.id, randomMaterial());
    for (let i = 0; i < 25; i++) {
      await importInto(h.kms, k.id, randomMaterial(), { ImportType: 'NEW_KEY_MATERIAL' });
      await h.kms.send(new RotateKeyOnDemandCommand({ KeyId: k.id }));
    }
    await importInto(h.kms, k.id, randomMaterial(), { ImportType: 'NEW_KEY_MATERIAL' });
    await rejectsWith(
      h.kms.send(new RotateKeyOnDemandCommand({ KeyId: k.id })),
      'LimitExceededException',
      /limit of 25 on-demand rotations/,
    );
    const page1 = await h.kms.send(
      new ListKeyRotationsCommand({ KeyId: k.id, IncludeKeyMaterial: 'ALL_KEY_MATERIAL', Limit: 20 }),
    );
    assert.equal(page1.Rotations?.length, 20);
    assert.equal(page1.Truncated, true);
    const page2 = await h.kms.send(
      new ListKeyRotationsCommand({
        KeyId: k.id,
        IncludeKeyMaterial: 'ALL_KEY_MATERIAL',
        Marker: page1.NextMarker,
      }),
    );
    assert.equal(page2.Rotations?.length, 7, '1 first + 25 rotated + 1 pending');
    assert.equal(page2.Truncated, false);
  });

  void test('pending material can be deleted and replaced; associated material only by the same material', async () => {
    const k = await h.createKey({ Origin: 'EXTERNAL' });
    const first = await importInto(h.kms, k.id, randomMaterial());
    const staged = await importInto(h.kms, k.id, randomMaterial(), { ImportType: 'NEW_KEY_MATERIAL' });
    const del = await h.kms.send(
      new DeleteImportedKeyMaterialCommand({ KeyId: k.id, KeyMaterialId: staged }),
    );
    assert.equal(del.KeyMaterialId, staged);
    assert.deepEqual(
      (await rotations(k.id)).map((e) => e.KeyMaterialId),
      [first],
      'deleted pending material is gone, not merely unimported',
    );
    const replacement = await importInto(h.kms, k.id, randomMaterial(), { ImportType: 'NEW_KEY_MATERIAL' });
    assert.notEqual(replacement, staged);
    assert.equal(
      (await h.kms.send(new DescribeKeyCommand({ KeyId: k.id }))).KeyMetadata?.KeyState,
      'Enabled',
    );

    // Deleting the current material leaves its identity: the key waits for exactly that material.
    await h.kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: k.id }));
    assert.equal(
      (await h.kms.send(new DescribeKeyCommand({ KeyId: k.id }))).KeyMetadata?.KeyState,
      'PendingImport',
    );
    assert.deepEqual(
      (await rotations(k.id)).map((e) => [e.KeyMaterialState, e.ImportState]),
      [
        ['CURRENT', 'PENDING_IMPORT'],
        ['PENDING_ROTATION', 'IMPORTED'],
      ],
    );
    await rejectsWith(
      importInto(h.kms, k.id, randomMaterial(), {
        ImportType: 'EXISTING_KEY_MATERIAL',
        KeyMaterialId: first,
      }),
      'IncorrectKeyMaterialException',
    );
  });

  void test('reimport by KeyMaterialId restores NON_CURRENT material: old ciphertexts decrypt again', async () => {
    const k = await h.createKey({ Origin: 'EXTERNAL' });
    const m1 = randomMaterial();
    const first = await importInto(h.kms, k.id, m1);
    const oldBlob = await encrypt(k.id, 'archive');
    await importInto(h.kms, k.id, randomMaterial(), { ImportType: 'NEW_KEY_MATERIAL' });
    await h.kms.send(new RotateKeyOnDemandCommand({ KeyId: k.id }));
    await h.kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: k.id, KeyMaterialId: first }));
    // Any associated material missing makes the whole key unusable until it is back.
    assert.equal(
      (await h.kms.send(new DescribeKeyCommand({ KeyId: k.id }))).KeyMetadata?.KeyState,
      'PendingImport',
    );
    await rejectsWith(
      h.kms.send(new DecryptCommand({ CiphertextBlob: oldBlob })),
      'KMSInvalidStateException',
    );
    const back = await importInto(h.kms, k.id, m1, {
      ImportType: 'EXISTING_KEY_MATERIAL',
      KeyMaterialId: first,
    });
    assert.equal(back, first);
    assert.deepEqual(await decrypt(oldBlob), { text: 'archive', materialId: first });
    assert.equal((await rotations(k.id))[0]?.KeyMaterialState, 'NON_CURRENT');
  });

  void test('KeyMaterialDescription and KeyMaterialId follow the model: pattern, length', async () => {
    const k = await h.createKey({ Origin: 'EXTERNAL' });
    await rejectsWith(
      importInto(h.kms, k.id, randomMaterial(), { KeyMaterialDescription: 'no <html> here' }),
      'ValidationException',
      "1 validation error detected: Value 'no <html> here' at 'keyMaterialDescription' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_\\s.-]+$",
    );
    await rejectsWith(
      importInto(h.kms, k.id, randomMaterial(), { KeyMaterialDescription: 'a'.repeat(257) }),
      'ValidationException',
      /Member must have length less than or equal to 256/,
    );
    await importInto(h.kms, k.id, randomMaterial());
    await rejectsWith(
      importInto(h.kms, k.id, randomMaterial(), {
        ImportType: 'EXISTING_KEY_MATERIAL',
        KeyMaterialId: 'ABC',
      }),
      'ValidationException',
      /at 'keyMaterialId' failed to satisfy constraint: Member must have length greater than or equal to 64/,
    );
  });

  void test('KMS-generated keys rotate on demand too: new material, the old one still decrypts', async () => {
    const k = await h.createKey({});
    const blob = await encrypt(k.id, 'kms-made');
    const before = await current(k.id);
    await h.kms.send(new RotateKeyOnDemandCommand({ KeyId: k.id }));
    assert.notEqual(await current(k.id), before);
    assert.equal((await decrypt(blob)).text, 'kms-made');
    const [entry] = await rotations(k.id, false);
    assert.equal(entry?.RotationType, 'ON_DEMAND');
    assert.equal(entry?.ImportState, undefined, 'ImportState is only for imported material');
  });
});

// Multi-Region keys with imported material over HTTP with the SDK: CreateKey MultiRegion, ReplicateKey
// (recorded Creating answer), MultiRegionConfiguration, import NEW on the primary and EXISTING on each
// replica, PENDING_MULTI_REGION_IMPORT_AND_ROTATION, rotation on the primary only, cross-region decrypt.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DecryptCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ListKeyRotationsCommand,
  ReplicateKeyCommand,
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

const west = (): ReturnType<Harness['clientFor']> => h.clientFor('eu-west-1');

async function states(region: string, keyId: string): Promise<string[]> {
  const r = await h
    .clientFor(region)
    .send(new ListKeyRotationsCommand({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }));
  return (r.Rotations ?? []).map((e) => `${e.KeyMaterialState}/${e.ImportState}`);
}

void describe('emulator: multi-Region keys with imported material', () => {
  void test("ReplicateKey answers Creating, then the replica waits for the primary's material", async () => {
    const k = await h.createKey({ Origin: 'EXTERNAL', MultiRegion: true, Description: 'primary' });
    assert.match(k.id, /^mrk-[0-9a-f]{32}$/);
    const r = await h.kms.send(new ReplicateKeyCommand({ KeyId: k.id, ReplicaRegion: 'eu-west-1' }));
    const md = r.ReplicaKeyMetadata;
    assert.equal(md?.KeyState, 'Creating');
    assert.equal(md?.Enabled, false);
    assert.equal(md?.Arn, `arn:aws:kms:eu-west-1:${md?.AWSAccountId}:key/${k.id}`);
    assert.equal(md?.Description, '', 'the description is not shared');
    assert.deepEqual(md?.MultiRegionConfiguration, {
      MultiRegionKeyType: 'REPLICA',
      PrimaryKey: { Arn: k.arn, Region: 'us-east-1' },
      ReplicaKeys: [{ Arn: md?.Arn, Region: 'eu-west-1' }],
    });
    assert.equal(JSON.parse(r.ReplicaPolicy ?? '{}').Id, 'key-default-1');
    assert.equal(r.ReplicaTags, undefined);
    const primary = (await h.kms.send(new DescribeKeyCommand({ KeyId: k.id }))).KeyMetadata;
    assert.equal(primary?.MultiRegionConfiguration?.MultiRegionKeyType, 'PRIMARY');
    assert.deepEqual(primary?.MultiRegionConfiguration?.ReplicaKeys, [{ Arn: md?.Arn, Region: 'eu-west-1' }]);
    const replica = (await west().send(new DescribeKeyCommand({ KeyId: k.id }))).KeyMetadata;
    assert.equal(replica?.KeyState, 'PendingImport');

    await rejectsWith(
      h.kms.send(new ReplicateKeyCommand({ KeyId: k.id, ReplicaRegion: 'eu-west-1' })),
      'AlreadyExistsException',
    );
    await rejectsWith(
      h.kms.send(new ReplicateKeyCommand({ KeyId: k.id, ReplicaRegion: 'cn-north-1' })),
      'ValidationException',
      /another partition/,
    );
    const single = await h.createKey({ Origin: 'EXTERNAL' });
    await rejectsWith(
      h.kms.send(new ReplicateKeyCommand({ KeyId: single.id, ReplicaRegion: 'eu-west-1' })),
      'UnsupportedOperationException',
      /not a multi-Region key/,
    );
    await rejectsWith(
      west().send(new ReplicateKeyCommand({ KeyId: k.id, ReplicaRegion: 'ap-south-1' })),
      'UnsupportedOperationException',
      /replica key/,
    );
  });

  void test('one material everywhere: same KeyMaterialId in every region, ciphertexts cross regions', async () => {
    const k = await h.createKey({ Origin: 'EXTERNAL', MultiRegion: true });
    await h.kms.send(new ReplicateKeyCommand({ KeyId: k.id, ReplicaRegion: 'eu-west-1' }));
    const material = randomMaterial();
    await rejectsWith(
      importInto(west(), k.id, material),
      'UnsupportedOperationException',
      /Import new key material into the primary key/,
    );
    const id = await importInto(h.kms, k.id, material);
    const replicaId = await importInto(west(), k.id, material, {
      ImportType: 'EXISTING_KEY_MATERIAL',
      KeyMaterialId: id,
    });
    assert.equal(replicaId, id, 'the id is derived from the key id and the material, shared by replicas');
    // Other material cannot be imported into a replica.
    await rejectsWith(importInto(west(), k.id, randomMaterial()), 'IncorrectKeyMaterialException');
    // The same material in another key has another id.
    const other = await h.createKey({ Origin: 'EXTERNAL' });
    assert.notEqual(await importInto(h.kms, other.id, material), id);

    const blob = (await h.kms.send(new EncryptCommand({ KeyId: k.id, Plaintext: Buffer.from('east') })))
      .CiphertextBlob;
    const inWest = await west().send(new DecryptCommand({ CiphertextBlob: blob }));
    assert.equal(Buffer.from(inWest.Plaintext ?? new Uint8Array()).toString(), 'east');
    assert.equal(inWest.KeyId, `arn:aws:kms:eu-west-1:${k.arn.split(':')[4]}:key/${k.id}`);
  });

  void test('new material: PENDING_MULTI_REGION_IMPORT_AND_ROTATION until every replica has it; rotate on the primary only', async () => {
    const k = await h.createKey({ Origin: 'EXTERNAL', MultiRegion: true });
    await h.kms.send(new ReplicateKeyCommand({ KeyId: k.id, ReplicaRegion: 'eu-west-1' }));
    await h.kms.send(new ReplicateKeyCommand({ KeyId: k.id, ReplicaRegion: 'ap-southeast-2' }));
    const m1 = randomMaterial();
    const first = await importInto(h.kms, k.id, m1);
    for (const r of ['eu-west-1', 'ap-southeast-2']) await importInto(h.clientFor(r), k.id, m1);
    const oldBlob = (await h.kms.send(new EncryptCommand({ KeyId: k.id, Plaintext: Buffer.from('v1') })))
      .CiphertextBlob;

    const m2 = randomMaterial();
    const second = await importInto(h.kms, k.id, m2, { ImportType: 'NEW_KEY_MATERIAL' });
    assert.deepEqual(await states('us-east-1', k.id), [
      'CURRENT/IMPORTED',
      'PENDING_MULTI_REGION_IMPORT_AND_ROTATION/IMPORTED',
    ]);
    assert.deepEqual(await states('eu-west-1', k.id), [
      'CURRENT/IMPORTED',
      'PENDING_ROTATION/PENDING_IMPORT',
    ]);
    await rejectsWith(
      h.kms.send(new RotateKeyOnDemandCommand({ KeyId: k.id })),
      'KMSInvalidStateException',
      /PENDING_MULTI_REGION_IMPORT_AND_ROTATION state: import it into the replica keys in ap-southeast-2, eu-west-1 first/,
    );
    await importInto(west(), k.id, m2, { ImportType: 'EXISTING_KEY_MATERIAL', KeyMaterialId: second });
    await importInto(h.clientFor('ap-southeast-2'), k.id, m2, {
      ImportType: 'EXISTING_KEY_MATERIAL',
      KeyMaterialId: second,
    });
    assert.deepEqual(await states('us-east-1', k.id), ['CURRENT/IMPORTED', 'PENDING_ROTATION/IMPORTED']);
    await rejectsWith(
      west().send(new RotateKeyOnDemandCommand({ KeyId: k.id })),
      'UnsupportedOperationException',
      /replica key/,
    );
    await h.kms.send(new RotateKeyOnDemandCommand({ KeyId: k.id }));
    for (const r of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
      assert.deepEqual(await states(r, k.id), ['NON_CURRENT/IMPORTED', 'CURRENT/IMPORTED'], r);
      const md = (await h.clientFor(r).send(new DescribeKeyCommand({ KeyId: k.id }))).KeyMetadata;
      assert.equal(md?.CurrentKeyMaterialId, second, r);
      const d = await h.clientFor(r).send(new DecryptCommand({ CiphertextBlob: oldBlob }));
      assert.equal(d.KeyMaterialId, first, r);
    }
    const newBlob = (await west().send(new EncryptCommand({ KeyId: k.id, Plaintext: Buffer.from('v2') })))
      .CiphertextBlob;
    assert.equal((await h.kms.send(new DecryptCommand({ CiphertextBlob: newBlob }))).KeyMaterialId, second);
  });

  void test('deleting pending material on the primary deletes it on the replicas; on a replica only there', async () => {
    const k = await h.createKey({ Origin: 'EXTERNAL', MultiRegion: true });
    await h.kms.send(new ReplicateKeyCommand({ KeyId: k.id, ReplicaRegion: 'eu-west-1' }));
    const m1 = randomMaterial();
    await importInto(h.kms, k.id, m1);
    await importInto(west(), k.id, m1);
    const m2 = randomMaterial();
    const second = await importInto(h.kms, k.id, m2, { ImportType: 'NEW_KEY_MATERIAL' });
    await importInto(west(), k.id, m2, { ImportType: 'EXISTING_KEY_MATERIAL', KeyMaterialId: second });

    await west().send(new DeleteImportedKeyMaterialCommand({ KeyId: k.id, KeyMaterialId: second }));
    assert.deepEqual(await states('eu-west-1', k.id), [
      'CURRENT/IMPORTED',
      'PENDING_ROTATION/PENDING_IMPORT',
    ]);
    assert.deepEqual(await states('us-east-1', k.id), [
      'CURRENT/IMPORTED',
      'PENDING_MULTI_REGION_IMPORT_AND_ROTATION/IMPORTED',
    ]);

    await h.kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: k.id, KeyMaterialId: second }));
    assert.deepEqual(await states('us-east-1', k.id), ['CURRENT/IMPORTED']);
    assert.deepEqual(await states('eu-west-1', k.id), ['CURRENT/IMPORTED']);
  });
});

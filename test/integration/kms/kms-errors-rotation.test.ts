// The refusals of the 2025 import API, as the SDK raises them from the emulator, become KeyriteErrors
// that say what happened and what to do next.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ReplicateKeyCommand, RotateKeyOnDemandCommand } from '@aws-sdk/client-kms';
import { toKeyriteError } from '../../../src-main/kms/kms-errors.js';
import type { KeyriteError } from '../../../src-shared/errors.js';
import { type Harness, importInto, randomMaterial, startHarness } from '../emulator/harness/emulator.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

async function explained(operation: string, p: Promise<unknown>): Promise<KeyriteError> {
  try {
    await p;
  } catch (e) {
    return toKeyriteError(e, operation, h.emulator.url);
  }
  assert.fail(`${operation} succeeded but was expected to fail`);
}

void describe('KMS errors explained: rotation and multi-Region', () => {
  void test('rotate with nothing pending; a second pending import; a wrong material id', async () => {
    const k = await h.createKey({ Origin: 'EXTERNAL' });
    await importInto(h.kms, k.id, randomMaterial());
    const none = await explained(
      'RotateKeyOnDemand',
      h.kms.send(new RotateKeyOnDemandCommand({ KeyId: k.id })),
    );
    assert.equal(none.code, 'KMS_INVALID_STATE');
    assert.match(none.message, /no new key material waiting/);
    assert.match(none.hint, /NEW_KEY_MATERIAL/);
    await importInto(h.kms, k.id, randomMaterial(), { ImportType: 'NEW_KEY_MATERIAL' });
    const twice = await explained(
      'ImportKeyMaterial',
      importInto(h.kms, k.id, randomMaterial(), { ImportType: 'NEW_KEY_MATERIAL' }),
    );
    assert.match(twice.message, /already holds new key material waiting for rotation/);
    assert.match(twice.hint, /RotateKeyOnDemand/);
    const unknown = await explained(
      'ImportKeyMaterial',
      importInto(h.kms, k.id, randomMaterial(), {
        ImportType: 'EXISTING_KEY_MATERIAL',
        KeyMaterialId: 'a'.repeat(64),
      }),
    );
    assert.equal(unknown.code, 'KMS_NOT_FOUND');
    assert.match(unknown.hint, /ListKeyRotations/);
  });

  void test('multi-Region: replica import of new material, rotation before the replicas, replica rotation, replicate twice', async () => {
    const k = await h.createKey({ Origin: 'EXTERNAL', MultiRegion: true });
    await h.kms.send(new ReplicateKeyCommand({ KeyId: k.id, ReplicaRegion: 'eu-west-1' }));
    const west = h.clientFor('eu-west-1');
    const onReplica = await explained('ImportKeyMaterial', importInto(west, k.id, randomMaterial()));
    assert.equal(onReplica.code, 'KMS_UNSUPPORTED_OPERATION');
    assert.match(onReplica.hint, /primary key first/);
    const m = randomMaterial();
    await importInto(h.kms, k.id, m);
    await importInto(west, k.id, m);
    await importInto(h.kms, k.id, randomMaterial(), { ImportType: 'NEW_KEY_MATERIAL' });
    const early = await explained(
      'RotateKeyOnDemand',
      h.kms.send(new RotateKeyOnDemandCommand({ KeyId: k.id })),
    );
    assert.match(early.message, /not yet in every replica Region/);
    assert.match(early.message, /eu-west-1/);
    const replicaRotate = await explained(
      'RotateKeyOnDemand',
      west.send(new RotateKeyOnDemandCommand({ KeyId: k.id })),
    );
    assert.match(replicaRotate.hint, /rotate the primary key/);
    const again = await explained(
      'ReplicateKey',
      h.kms.send(new ReplicateKeyCommand({ KeyId: k.id, ReplicaRegion: 'eu-west-1' })),
    );
    assert.equal(again.code, 'KMS_ALREADY_EXISTS');
    assert.match(again.message, /already has a replica/);
  });
});

// Key administration users reach for around a ceremony: UpdateAlias, UpdateKeyDescription,
// ListKeyPolicies and the automatic-rotation switches, with their refusals for imported keys.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateAliasCommand,
  type CreateKeyCommandInput,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  GetKeyRotationStatusCommand,
  ListAliasesCommand,
  ListKeyPoliciesCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
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

void describe('UpdateAlias', () => {
  void test('repoints an alias to another key of the same spec and usage', async () => {
    const a = await key();
    const b = await key();
    await h.kms.send(new CreateAliasCommand({ AliasName: 'alias/payments', TargetKeyId: a.id }));
    h.advance(60_000);
    await h.kms.send(new UpdateAliasCommand({ AliasName: 'alias/payments', TargetKeyId: b.arn }));
    const d = await h.kms.send(new DescribeKeyCommand({ KeyId: 'alias/payments' }));
    assert.equal(d.KeyMetadata?.KeyId, b.id);
    const listed = (await h.kms.send(new ListAliasesCommand({ KeyId: b.id }))).Aliases?.[0];
    assert.equal(listed?.AliasName, 'alias/payments');
    assert.ok((listed?.LastUpdatedDate?.getTime() ?? 0) - (listed?.CreationDate?.getTime() ?? 0) >= 60_000);
  });

  void test('refuses a missing alias, a key of another kind, a key pending deletion, an alias target', async () => {
    const a = await key();
    await rejectsWith(
      h.kms.send(new UpdateAliasCommand({ AliasName: 'alias/never-made', TargetKeyId: a.id })),
      'NotFoundException',
      'Alias arn:aws:kms:us-east-1:111122223333:alias/never-made is not found.',
    );
    await h.kms.send(new CreateAliasCommand({ AliasName: 'alias/typed', TargetKeyId: a.id }));
    const hmac = await key({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    await rejectsWith(
      h.kms.send(new UpdateAliasCommand({ AliasName: 'alias/typed', TargetKeyId: hmac.id })),
      'ValidationException',
      /key spec and key usage must match/,
    );
    const doomed = await key();
    await h.kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.id, PendingWindowInDays: 7 }));
    await rejectsWith(
      h.kms.send(new UpdateAliasCommand({ AliasName: 'alias/typed', TargetKeyId: doomed.id })),
      'KMSInvalidStateException',
      `${doomed.arn} is pending deletion.`,
    );
    await rejectsWith(
      h.kms.send(new UpdateAliasCommand({ AliasName: 'alias/typed', TargetKeyId: 'alias/typed' })),
      'NotFoundException',
      "Invalid keyId 'alias/typed'",
    );
    await rejectsWith(
      h.kms.send(new UpdateAliasCommand({ AliasName: 'typed', TargetKeyId: a.id })),
      'ValidationException',
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
    assert.equal(
      (await h.kms.send(new DescribeKeyCommand({ KeyId: 'alias/typed' }))).KeyMetadata?.KeyId,
      a.id,
    );
  });
});

void describe('UpdateKeyDescription and ListKeyPolicies', () => {
  void test('a new description shows in DescribeKey; limits and key state are enforced', async () => {
    const a = await key({ Description: 'old_description' });
    await h.kms.send(new UpdateKeyDescriptionCommand({ KeyId: a.arn, Description: 'new_description' }));
    assert.equal(
      (await h.kms.send(new DescribeKeyCommand({ KeyId: a.id }))).KeyMetadata?.Description,
      'new_description',
    );
    await h.kms.send(new UpdateKeyDescriptionCommand({ KeyId: a.id, Description: '' }));
    assert.equal((await h.kms.send(new DescribeKeyCommand({ KeyId: a.id }))).KeyMetadata?.Description, '');
    await rejectsWith(
      h.kms.send(new UpdateKeyDescriptionCommand({ KeyId: a.id, Description: 'x'.repeat(8193) })),
      'ValidationException',
      /at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192/,
    );
    await h.kms.send(new ScheduleKeyDeletionCommand({ KeyId: a.id, PendingWindowInDays: 7 }));
    await rejectsWith(
      h.kms.send(new UpdateKeyDescriptionCommand({ KeyId: a.id, Description: 'late' })),
      'KMSInvalidStateException',
      `${a.arn} is pending deletion.`,
    );
  });

  void test('ListKeyPolicies names the one policy a key has', async () => {
    const a = await key();
    const r = await h.kms.send(new ListKeyPoliciesCommand({ KeyId: a.id }));
    assert.deepEqual(r.PolicyNames, ['default']);
    assert.equal(r.Truncated, false);
    assert.equal(r.NextMarker, undefined);
    await rejectsWith(
      h.kms.send(new ListKeyPoliciesCommand({ KeyId: '0b7a3c5e-0000-4000-8000-000000000000' })),
      'NotFoundException',
    );
  });
});

void describe('automatic key rotation status', () => {
  void test('enable, read and disable on a symmetric AWS_KMS key', async () => {
    const a = await key();
    const off = await h.kms.send(new GetKeyRotationStatusCommand({ KeyId: a.id }));
    assert.equal(off.KeyRotationEnabled, false);
    assert.equal(off.RotationPeriodInDays, undefined);
    assert.equal(off.KeyId, a.arn);
    const before = h.now().getTime();
    await h.kms.send(new EnableKeyRotationCommand({ KeyId: a.id, RotationPeriodInDays: 90 }));
    const on = await h.kms.send(new GetKeyRotationStatusCommand({ KeyId: a.arn }));
    assert.equal(on.KeyRotationEnabled, true);
    assert.equal(on.RotationPeriodInDays, 90);
    const next = on.NextRotationDate?.getTime() ?? 0;
    assert.ok(next >= before + 90 * 86_400_000 - 1000 && next <= h.now().getTime() + 90 * 86_400_000 + 1000);
    await h.kms.send(new EnableKeyRotationCommand({ KeyId: a.id }));
    assert.equal(
      (await h.kms.send(new GetKeyRotationStatusCommand({ KeyId: a.id }))).RotationPeriodInDays,
      365,
    );
    await h.kms.send(new DisableKeyRotationCommand({ KeyId: a.id }));
    const again = await h.kms.send(new GetKeyRotationStatusCommand({ KeyId: a.id }));
    assert.equal(again.KeyRotationEnabled, false);
    assert.equal(again.NextRotationDate, undefined);
    for (const [days, limit] of [
      [89, 'greater than or equal to 90'],
      [2561, 'less than or equal to 2560'],
    ] as const) {
      await rejectsWith(
        h.kms.send(new EnableKeyRotationCommand({ KeyId: a.id, RotationPeriodInDays: days })),
        'ValidationException',
        `1 validation error detected: Value '${days}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value ${limit}`,
      );
    }
  });

  void test('imported keys cannot rotate automatically: all three operations are refused naming the origin', async () => {
    const ext = await key({ Origin: 'EXTERNAL' });
    for (const cmd of [
      new EnableKeyRotationCommand({ KeyId: ext.id }),
      new DisableKeyRotationCommand({ KeyId: ext.id }),
      new GetKeyRotationStatusCommand({ KeyId: ext.id }),
    ]) {
      await rejectsWith(
        h.kms.send(cmd),
        'UnsupportedOperationException',
        `${ext.arn} origin is EXTERNAL which is not valid for this operation.`,
      );
    }
    await importWithWrapModule(h.kms, ext.id, 'SYMMETRIC_DEFAULT', randomMaterial(), 'RSAES_OAEP_SHA_256');
    await rejectsWith(
      h.kms.send(new EnableKeyRotationCommand({ KeyId: ext.id })),
      'UnsupportedOperationException',
      `${ext.arn} origin is EXTERNAL which is not valid for this operation.`,
    );
    await rejectsWith(
      h.kms.send(new GetKeyRotationStatusCommand({ KeyId: ext.id })),
      'UnsupportedOperationException',
      `${ext.arn} origin is EXTERNAL which is not valid for this operation.`,
    );
  });

  void test('asymmetric and HMAC keys are refused without a message; a disabled key is DisabledException first', async () => {
    const rsa = await key({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    const r = await fetch(h.emulator.url + '/', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'TrentService.EnableKeyRotation',
      },
      body: JSON.stringify({ KeyId: rsa.id }),
    });
    assert.equal(r.status, 400);
    assert.deepEqual(await r.json(), { __type: 'UnsupportedOperationException' });
    const hmac = await key({ KeySpec: 'HMAC_512', KeyUsage: 'GENERATE_VERIFY_MAC' });
    await rejectsWith(
      h.kms.send(new EnableKeyRotationCommand({ KeyId: hmac.id })),
      'UnsupportedOperationException',
    );
    assert.equal(
      (await h.kms.send(new GetKeyRotationStatusCommand({ KeyId: hmac.id }))).KeyRotationEnabled,
      false,
    );
    await h.kms.send(new DisableKeyCommand({ KeyId: rsa.id }));
    await rejectsWith(
      h.kms.send(new EnableKeyRotationCommand({ KeyId: rsa.id })),
      'DisabledException',
      `${rsa.arn} is disabled.`,
    );
  });
});

// Key lifecycle, aliases, tags and policies through @aws-sdk/client-kms against the emulator over HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
} from '@aws-sdk/client-kms';
import { type Harness, rejectsWith, startHarness } from './harness/emulator.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const ARN = /^arn:aws:kms:us-east-1:111122223333:key\/[0-9a-f-]{36}$/;

void describe('CreateKey', () => {
  void test('Origin EXTERNAL gives a disabled key pending import, without ExpirationModel', async () => {
    const { KeyMetadata: md } = await h.kms.send(
      new CreateKeyCommand({ Origin: 'EXTERNAL', Description: 'byok' }),
    );
    assert.ok(md);
    assert.match(md.Arn ?? '', ARN);
    assert.equal(md.Enabled, false);
    assert.equal(md.KeyState, 'PendingImport');
    assert.equal(md.Origin, 'EXTERNAL');
    assert.equal(md.KeySpec, 'SYMMETRIC_DEFAULT');
    assert.equal(md.KeyUsage, 'ENCRYPT_DECRYPT');
    assert.equal(md.KeyManager, 'CUSTOMER');
    assert.equal(md.ExpirationModel, undefined);
    assert.equal(md.MultiRegion, false);
    assert.deepEqual(md.EncryptionAlgorithms, ['SYMMETRIC_DEFAULT']);
    assert.ok(md.CreationDate instanceof Date);
  });

  void test('AWS_KMS origin gives an enabled key that encrypts', async () => {
    const { KeyMetadata: md } = await h.kms.send(new CreateKeyCommand({}));
    assert.equal(md?.KeyState, 'Enabled');
    assert.equal(md?.Origin, 'AWS_KMS');
    const e = await h.kms.send(new EncryptCommand({ KeyId: md?.KeyId, Plaintext: Buffer.from('x') }));
    assert.ok(e.CiphertextBlob && e.CiphertextBlob.length > 0);
  });

  void test('multi-Region keys have mrk- ids and a primary configuration', async () => {
    const { KeyMetadata: md } = await h.kms.send(
      new CreateKeyCommand({ Origin: 'EXTERNAL', MultiRegion: true }),
    );
    assert.match(md?.KeyId ?? '', /^mrk-[0-9a-f]{32}$/);
    assert.equal(md?.MultiRegion, true);
    assert.equal(md?.MultiRegionConfiguration?.MultiRegionKeyType, 'PRIMARY');
    assert.equal(md?.MultiRegionConfiguration?.PrimaryKey?.Region, 'us-east-1');
    const d = await h.kms.send(new DescribeKeyCommand({ KeyId: md?.Arn }));
    assert.equal(d.KeyMetadata?.KeyId, md?.KeyId);
  });

  void test('HMAC and asymmetric specs need KeyUsage and carry their algorithm lists', async () => {
    await rejectsWith(
      h.kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', Origin: 'EXTERNAL' })),
      'ValidationException',
      'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.',
    );
    const hm = await h.kms.send(
      new CreateKeyCommand({ KeySpec: 'HMAC_384', KeyUsage: 'GENERATE_VERIFY_MAC', Origin: 'EXTERNAL' }),
    );
    assert.deepEqual(hm.KeyMetadata?.MacAlgorithms, ['HMAC_SHA_384']);
    const ec = await h.kms.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P384', KeyUsage: 'SIGN_VERIFY', Origin: 'EXTERNAL' }),
    );
    assert.deepEqual(ec.KeyMetadata?.SigningAlgorithms, ['ECDSA_SHA_384']);
    const rsa = await h.kms.send(
      new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT', Origin: 'EXTERNAL' }),
    );
    assert.deepEqual(rsa.KeyMetadata?.EncryptionAlgorithms, ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
  });

  void test('usage that does not fit the spec, unknown enums and custom key stores are refused', async () => {
    await rejectsWith(
      h.kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'ENCRYPT_DECRYPT' })),
      'ValidationException',
    );
    await rejectsWith(
      h.kms.send(new CreateKeyCommand({ KeySpec: 'NOPE' as 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' })),
      'ValidationException',
      /at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set/,
    );
    await rejectsWith(
      h.kms.send(new CreateKeyCommand({ Origin: 'AWS_CLOUDHSM' })),
      'UnsupportedOperationException',
    );
    await rejectsWith(
      h.kms.send(new CreateKeyCommand({ Policy: 'not json' })),
      'MalformedPolicyDocumentException',
    );
    await rejectsWith(
      h.kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'aws:x', TagValue: 'y' }] })),
      'TagException',
    );
  });
});

void describe('DescribeKey and ListKeys', () => {
  void test('resolves key id, key ARN, alias name and alias ARN', async () => {
    const { KeyMetadata: md } = await h.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    await h.kms.send(new CreateAliasCommand({ AliasName: 'alias/describe-me', TargetKeyId: md?.KeyId }));
    for (const id of [
      md?.KeyId,
      md?.Arn,
      'alias/describe-me',
      'arn:aws:kms:us-east-1:111122223333:alias/describe-me',
    ]) {
      const d = await h.kms.send(new DescribeKeyCommand({ KeyId: id }));
      assert.equal(d.KeyMetadata?.KeyId, md?.KeyId, String(id));
    }
  });

  void test('unknown and malformed ids give NotFoundException with AWS messages', async () => {
    await rejectsWith(
      h.kms.send(new DescribeKeyCommand({ KeyId: 'fake-key-id' })),
      'NotFoundException',
      "Invalid keyId 'fake-key-id'",
    );
    const missing = '0b7a3c5e-0000-4000-8000-000000000000';
    await rejectsWith(
      h.kms.send(new DescribeKeyCommand({ KeyId: missing })),
      'NotFoundException',
      `Key 'arn:aws:kms:us-east-1:111122223333:key/${missing}' does not exist`,
    );
    await rejectsWith(
      h.kms.send(new DescribeKeyCommand({ KeyId: 'alias/none' })),
      'NotFoundException',
      /alias\/none is not found/,
    );
  });

  void test('ListKeys pages with Limit and Marker', async () => {
    const all = await h.kms.send(new ListKeysCommand({}));
    assert.ok((all.Keys?.length ?? 0) >= 3);
    const first = await h.kms.send(new ListKeysCommand({ Limit: 2 }));
    assert.equal(first.Keys?.length, 2);
    assert.equal(first.Truncated, true);
    const second = await h.kms.send(new ListKeysCommand({ Limit: 2, Marker: first.NextMarker }));
    assert.notEqual(second.Keys?.[0]?.KeyId, first.Keys?.[0]?.KeyId);
    assert.match(first.Keys?.[0]?.KeyArn ?? '', /^arn:aws:kms:/);
    await rejectsWith(h.kms.send(new ListKeysCommand({ Marker: 'bogus' })), 'InvalidMarkerException');
  });
});

void describe('Enable, disable and deletion', () => {
  void test('a key pending import cannot be enabled or disabled', async () => {
    const { KeyMetadata: md } = await h.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    await rejectsWith(
      h.kms.send(new EnableKeyCommand({ KeyId: md?.KeyId })),
      'KMSInvalidStateException',
      `${md?.Arn} is pending import.`,
    );
    await rejectsWith(h.kms.send(new DisableKeyCommand({ KeyId: md?.KeyId })), 'KMSInvalidStateException');
  });

  void test('disable then enable; disabled keys refuse Encrypt with DisabledException', async () => {
    const { KeyMetadata: md } = await h.kms.send(new CreateKeyCommand({}));
    await h.kms.send(new DisableKeyCommand({ KeyId: md?.KeyId }));
    assert.equal(
      (await h.kms.send(new DescribeKeyCommand({ KeyId: md?.KeyId }))).KeyMetadata?.KeyState,
      'Disabled',
    );
    await rejectsWith(
      h.kms.send(new EncryptCommand({ KeyId: md?.KeyId, Plaintext: Buffer.from('x') })),
      'DisabledException',
      `${md?.Arn} is disabled.`,
    );
    await h.kms.send(new EnableKeyCommand({ KeyId: md?.KeyId }));
    assert.equal(
      (await h.kms.send(new DescribeKeyCommand({ KeyId: md?.KeyId }))).KeyMetadata?.KeyState,
      'Enabled',
    );
  });

  void test('ScheduleKeyDeletion: 7–30 days, PendingDeletion, cancel leaves it disabled, window end deletes it', async () => {
    const { KeyMetadata: md } = await h.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    await rejectsWith(
      h.kms.send(new ScheduleKeyDeletionCommand({ KeyId: md?.KeyId, PendingWindowInDays: 6 })),
      'ValidationException',
      /greater than or equal to 7/,
    );
    await rejectsWith(
      h.kms.send(new ScheduleKeyDeletionCommand({ KeyId: md?.KeyId, PendingWindowInDays: 31 })),
      'ValidationException',
    );
    const s = await h.kms.send(new ScheduleKeyDeletionCommand({ KeyId: md?.KeyId, PendingWindowInDays: 7 }));
    assert.equal(s.KeyState, 'PendingDeletion');
    assert.equal(s.PendingWindowInDays, 7);
    assert.equal(s.KeyId, md?.Arn);
    assert.ok(s.DeletionDate instanceof Date);
    const d = await h.kms.send(new DescribeKeyCommand({ KeyId: md?.KeyId }));
    assert.equal(d.KeyMetadata?.KeyState, 'PendingDeletion');
    assert.equal(d.KeyMetadata?.PendingDeletionWindowInDays, 7);
    await rejectsWith(
      h.kms.send(new ScheduleKeyDeletionCommand({ KeyId: md?.KeyId })),
      'KMSInvalidStateException',
      `${md?.Arn} is pending deletion.`,
    );
    const c = await h.kms.send(new CancelKeyDeletionCommand({ KeyId: md?.KeyId }));
    assert.equal(c.KeyId, md?.Arn);
    await rejectsWith(
      h.kms.send(new CancelKeyDeletionCommand({ KeyId: md?.KeyId })),
      'KMSInvalidStateException',
    );

    const other = await h.kms.send(new CreateKeyCommand({}));
    await h.kms.send(
      new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: other.KeyMetadata?.KeyId }),
    );
    await h.kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: other.KeyMetadata?.KeyId, PendingWindowInDays: 7 }),
    );
    h.advance(7 * 86_400_000 + 1000);
    await rejectsWith(
      h.kms.send(new DescribeKeyCommand({ KeyId: other.KeyMetadata?.KeyId })),
      'NotFoundException',
    );
    const aliases = await h.kms.send(new ListAliasesCommand({}));
    assert.ok(!aliases.Aliases?.some((a) => a.AliasName === 'alias/doomed'));
  });
});

void describe('Aliases', () => {
  void test('create, list (all and per key), duplicate, bad names, delete', async () => {
    const { KeyMetadata: md } = await h.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    await h.kms.send(
      new CreateAliasCommand({ AliasName: 'alias/kms_key_with_externalmaterial', TargetKeyId: md?.KeyId }),
    );
    const forKey = await h.kms.send(new ListAliasesCommand({ KeyId: md?.KeyId }));
    assert.equal(forKey.Aliases?.length, 1);
    const a = forKey.Aliases?.[0];
    assert.equal(a?.AliasName, 'alias/kms_key_with_externalmaterial');
    assert.equal(a?.AliasArn, 'arn:aws:kms:us-east-1:111122223333:alias/kms_key_with_externalmaterial');
    assert.equal(a?.TargetKeyId, md?.KeyId);
    assert.ok(a?.CreationDate instanceof Date);
    await rejectsWith(
      h.kms.send(
        new CreateAliasCommand({ AliasName: 'alias/kms_key_with_externalmaterial', TargetKeyId: md?.KeyId }),
      ),
      'AlreadyExistsException',
    );
    await rejectsWith(
      h.kms.send(new CreateAliasCommand({ AliasName: 'no-prefix', TargetKeyId: md?.KeyId })),
      'ValidationException',
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
    await rejectsWith(
      h.kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: md?.KeyId })),
      'NotAuthorizedException',
    );
    await rejectsWith(
      h.kms.send(
        new CreateAliasCommand({ AliasName: 'alias/x', TargetKeyId: '0b7a3c5e-0000-4000-8000-000000000000' }),
      ),
      'NotFoundException',
    );
    await h.kms.send(new DeleteAliasCommand({ AliasName: 'alias/kms_key_with_externalmaterial' }));
    await rejectsWith(
      h.kms.send(new DeleteAliasCommand({ AliasName: 'alias/kms_key_with_externalmaterial' })),
      'NotFoundException',
    );
  });
});

void describe('Tags and key policy', () => {
  void test('TagResource adds and overwrites; ListResourceTags lists; reserved prefix refused', async () => {
    const { KeyMetadata: md } = await h.kms.send(
      new CreateKeyCommand({ Origin: 'EXTERNAL', Tags: [{ TagKey: 'team', TagValue: 'a' }] }),
    );
    await h.kms.send(
      new TagResourceCommand({
        KeyId: md?.KeyId,
        Tags: [
          { TagKey: 'team', TagValue: 'b' },
          { TagKey: 'ceremony', TagValue: 'c1' },
        ],
      }),
    );
    const t = await h.kms.send(new ListResourceTagsCommand({ KeyId: md?.KeyId }));
    assert.deepEqual(t.Tags, [
      { TagKey: 'team', TagValue: 'b' },
      { TagKey: 'ceremony', TagValue: 'c1' },
    ]);
    await rejectsWith(
      h.kms.send(new TagResourceCommand({ KeyId: md?.KeyId, Tags: [{ TagKey: 'aws:x', TagValue: '1' }] })),
      'TagException',
    );
    await rejectsWith(
      h.kms.send(
        new TagResourceCommand({
          KeyId: '0b7a3c5e-0000-4000-8000-000000000000',
          Tags: [{ TagKey: 'a', TagValue: '1' }],
        }),
      ),
      'NotFoundException',
    );
  });

  void test('default policy trusts the account root; PutKeyPolicy replaces it (cross-account grant)', async () => {
    const { KeyMetadata: md } = await h.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    const p = await h.kms.send(new GetKeyPolicyCommand({ KeyId: md?.KeyId, PolicyName: 'default' }));
    assert.equal(p.PolicyName, 'default');
    const doc = JSON.parse(p.Policy ?? '{}') as { Statement: { Principal: { AWS: string } }[] };
    assert.equal(doc.Statement[0]?.Principal.AWS, 'arn:aws:iam::111122223333:root');
    const grant = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Owner',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'Partner',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::444455556666:root' },
          Action: ['kms:Decrypt'],
          Resource: '*',
        },
      ],
    });
    await h.kms.send(new PutKeyPolicyCommand({ KeyId: md?.KeyId, PolicyName: 'default', Policy: grant }));
    assert.equal((await h.kms.send(new GetKeyPolicyCommand({ KeyId: md?.KeyId }))).Policy, grant);
    await rejectsWith(
      h.kms.send(new PutKeyPolicyCommand({ KeyId: md?.KeyId, Policy: '{oops' })),
      'MalformedPolicyDocumentException',
    );
    await rejectsWith(
      h.kms.send(new GetKeyPolicyCommand({ KeyId: md?.KeyId, PolicyName: 'other' })),
      'ValidationException',
    );
  });
});

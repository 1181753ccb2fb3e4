// Callers of other accounts, as the emulator tells them apart (access key id KEYRITE<12 digits>):
// they reach the home account's keys only by ARN, only for the operations AWS offers across accounts,
// and only as far as the key policy or a grant allows — with AWS's AccessDeniedException otherwise.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
  ListKeysCommand,
  PutKeyPolicyCommand,
  ReEncryptCommand,
  ScheduleKeyDeletionCommand,
  CreateAliasCommand,
} from '@aws-sdk/client-kms';
import { type Harness, rejectsWith, startHarness } from './harness/emulator.js';

let h: Harness;
const clients: KMSClient[] = [];
function as(account: string): KMSClient {
  const c = new KMSClient({
    region: 'us-east-1',
    endpoint: h.emulator.url,
    credentials: { accessKeyId: `KEYRITE${account}`, secretAccessKey: 'any' },
    maxAttempts: 1,
  });
  clients.push(c);
  return c;
}
let other: KMSClient;
let third: KMSClient;
before(async () => {
  h = await startHarness();
  other = as('444455556666');
  third = as('999988887777');
});
after(async () => {
  for (const c of clients) c.destroy();
  await h.close();
});

const denied = (account: string, action: string, arn: string, why?: string) =>
  `User: arn:aws:iam::${account}:user/keyrite-emulator is not authorized to perform: kms:${action} on resource: ${arn} ${
    why ?? `because no resource-based policy allows the kms:${action} action`
  }`;

function policyWith(...statements: object[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: 'kms:*',
        Resource: '*',
      },
      ...statements,
    ],
  });
}

void test('the home account is unchanged; another account gets nothing under the default policy', async () => {
  const k = await h.createKey();
  await h.kms.send(new CreateAliasCommand({ AliasName: 'alias/accounts-home', TargetKeyId: k.id }));
  // Home credentials: bare key id and alias work as always.
  await h.kms.send(new DescribeKeyCommand({ KeyId: k.id }));
  await h.kms.send(new DescribeKeyCommand({ KeyId: 'alias/accounts-home' }));
  // Another account: its own account holds no such key or alias.
  await rejectsWith(
    other.send(new DescribeKeyCommand({ KeyId: k.id })),
    'NotFoundException',
    `Key 'arn:aws:kms:us-east-1:444455556666:key/${k.id}' does not exist`,
  );
  await rejectsWith(
    other.send(new DescribeKeyCommand({ KeyId: 'alias/accounts-home' })),
    'NotFoundException',
    'Alias arn:aws:kms:us-east-1:444455556666:alias/accounts-home is not found.',
  );
  // By ARN (key or alias) it reaches the key, and the default policy allows only the home account.
  await rejectsWith(
    other.send(new DescribeKeyCommand({ KeyId: k.arn })),
    'AccessDeniedException',
    denied('444455556666', 'DescribeKey', k.arn),
  );
  await rejectsWith(
    other.send(new DescribeKeyCommand({ KeyId: 'arn:aws:kms:us-east-1:111122223333:alias/accounts-home' })),
    'AccessDeniedException',
    denied('444455556666', 'DescribeKey', k.arn),
  );
  // Its own account is empty, and the emulator keeps no keys for it.
  const listed = await other.send(new ListKeysCommand({}));
  assert.deepEqual(listed.Keys, []);
  await rejectsWith(
    other.send(new CreateKeyCommand({})),
    'UnsupportedOperationException',
    /KEYRITE444455556666/,
  );
});

void test('a key policy statement for the account allows exactly its actions, wildcards included', async () => {
  const k = await h.createKey();
  await h.kms.send(
    new PutKeyPolicyCommand({
      KeyId: k.id,
      Policy: policyWith({
        Sid: 'KeyriteGrant444455556666',
        Effect: 'Allow',
        Principal: { AWS: '444455556666' },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:Describe*'],
        Resource: '*',
      }),
    }),
  );
  const d = await other.send(new DescribeKeyCommand({ KeyId: k.arn }));
  assert.equal(d.KeyMetadata?.Arn, k.arn);
  const ct = await other.send(new EncryptCommand({ KeyId: k.arn, Plaintext: Buffer.from('to the SaaS') }));
  assert.equal(ct.KeyId, k.arn);
  // Decrypt without a KeyId: the ciphertext names the key, and the policy still decides.
  const pt = await other.send(new DecryptCommand({ CiphertextBlob: ct.CiphertextBlob }));
  assert.equal(Buffer.from(pt.Plaintext ?? []).toString(), 'to the SaaS');
  await rejectsWith(
    other.send(new GenerateDataKeyCommand({ KeyId: k.arn, KeySpec: 'AES_256' })),
    'AccessDeniedException',
    denied('444455556666', 'GenerateDataKey', k.arn),
  );
  await rejectsWith(
    other.send(new ReEncryptCommand({ CiphertextBlob: ct.CiphertextBlob, DestinationKeyId: k.arn })),
    'AccessDeniedException',
    denied('444455556666', 'ReEncryptTo', k.arn),
  );
  await rejectsWith(
    other.send(new ScheduleKeyDeletionCommand({ KeyId: k.arn, PendingWindowInDays: 7 })),
    'AccessDeniedException',
    denied('444455556666', 'ScheduleKeyDeletion', k.arn),
  );
  await rejectsWith(
    third.send(new DecryptCommand({ CiphertextBlob: ct.CiphertextBlob })),
    'AccessDeniedException',
    denied('999988887777', 'Decrypt', k.arn),
  );
});

void test('an explicit Deny wins, a conditional Allow does not allow, and kms:* cannot reach admin operations', async () => {
  const k = await h.createKey();
  await h.kms.send(
    new PutKeyPolicyCommand({
      KeyId: k.id,
      Policy: policyWith(
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::444455556666:root' },
          Action: 'kms:*',
          Resource: '*',
        },
        { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' },
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::999988887777:root' },
          Action: 'kms:Encrypt',
          Resource: '*',
          Condition: { StringEquals: { 'kms:CallerAccount': '999988887777' } },
        },
      ),
    }),
  );
  const ct = await other.send(new EncryptCommand({ KeyId: k.arn, Plaintext: Buffer.from('x') }));
  await rejectsWith(
    other.send(new DecryptCommand({ CiphertextBlob: ct.CiphertextBlob, KeyId: k.arn })),
    'AccessDeniedException',
    denied('444455556666', 'Decrypt', k.arn, 'with an explicit deny in a resource-based policy'),
  );
  await rejectsWith(
    other.send(new ScheduleKeyDeletionCommand({ KeyId: k.arn, PendingWindowInDays: 7 })),
    'AccessDeniedException',
    denied(
      '444455556666',
      'ScheduleKeyDeletion',
      k.arn,
      'because kms:ScheduleKeyDeletion cannot be used on a KMS key in another AWS account',
    ),
  );
  await rejectsWith(
    third.send(new EncryptCommand({ KeyId: k.arn, Plaintext: Buffer.from('x') })),
    'AccessDeniedException',
    denied('999988887777', 'Encrypt', k.arn),
  );
  // The home account is not subject to any of it.
  await h.kms.send(new DecryptCommand({ CiphertextBlob: ct.CiphertextBlob }));
});

void test('a grant for the account root allows its operations and nothing else', async () => {
  const k = await h.createKey();
  await h.kms.send(
    new CreateGrantCommand({
      KeyId: k.id,
      GranteePrincipal: 'arn:aws:iam::555566667777:root',
      Operations: ['Encrypt', 'DescribeKey'],
    }),
  );
  const grantee = as('555566667777');
  await grantee.send(new DescribeKeyCommand({ KeyId: k.arn }));
  const ct = await grantee.send(new EncryptCommand({ KeyId: k.arn, Plaintext: Buffer.from('g') }));
  await rejectsWith(
    grantee.send(new DecryptCommand({ CiphertextBlob: ct.CiphertextBlob })),
    'AccessDeniedException',
    denied('555566667777', 'Decrypt', k.arn),
  );
  await rejectsWith(
    other.send(new EncryptCommand({ KeyId: k.arn, Plaintext: Buffer.from('g') })),
    'AccessDeniedException',
    denied('444455556666', 'Encrypt', k.arn),
  );
});

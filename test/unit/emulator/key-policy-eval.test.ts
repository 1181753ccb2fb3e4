// The key-policy evaluation the emulator applies to callers of another account: principals, IAM
// wildcards, explicit Deny, NotAction/NotResource, and conditions failing closed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callerArn, callerOf } from '../../../src-main/emulator/callers.js';
import { evaluateKeyPolicy } from '../../../src-main/emulator/key-policy-eval.js';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const caller = { accountId: '444455556666', arn: callerArn('us-east-1', '444455556666') };

function policy(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}
const allow = (principal: unknown, action: unknown, extra: object = {}) => ({
  Effect: 'Allow',
  Principal: principal,
  Action: action,
  Resource: '*',
  ...extra,
});

void test('the access key id names the account: KEYRITE + 12 digits, anything else is the home account', () => {
  const auth = (akid: string) =>
    `AWS4-HMAC-SHA256 Credential=${akid}/20261202/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=00`;
  assert.deepEqual(callerOf(auth('KEYRITE444455556666'), '111122223333', 'us-east-1'), caller);
  assert.equal(callerOf(auth('AKIAKEYRITETEST00000'), '111122223333', 'us-east-1').accountId, '111122223333');
  assert.equal(callerOf(auth('KEYRITE44445555666'), '111122223333', 'us-east-1').accountId, '111122223333');
  assert.equal(callerOf(undefined, '111122223333', 'us-east-1').accountId, '111122223333');
  assert.equal(
    callerOf(auth('KEYRITE444455556666'), '111122223333', 'cn-north-1').arn,
    'arn:aws-cn:iam::444455556666:user/keyrite-emulator',
  );
});

void test('a principal is the account root ARN, the bare account id, the caller itself or *', () => {
  for (const p of [
    { AWS: 'arn:aws:iam::444455556666:root' },
    { AWS: ['arn:aws:iam::999988887777:root', '444455556666'] },
    { AWS: caller.arn },
    { AWS: '*' },
    '*',
  ]) {
    assert.equal(
      evaluateKeyPolicy(policy(allow(p, 'kms:Sign')), caller, 'kms:Sign', KEY),
      'allow',
      JSON.stringify(p),
    );
  }
  for (const p of [
    { AWS: 'arn:aws:iam::111122223333:root' },
    { AWS: 'arn:aws:iam::444455556666:role/other' },
    { Service: 'kms.amazonaws.com' },
    '444455556666',
  ]) {
    assert.equal(
      evaluateKeyPolicy(policy(allow(p, 'kms:Sign')), caller, 'kms:Sign', KEY),
      'none',
      JSON.stringify(p),
    );
  }
});

void test('actions match with IAM wildcards, case-insensitively; NotAction inverts', () => {
  const p = { AWS: '444455556666' };
  const decide = (action: unknown, asked: string, extra: object = {}) =>
    evaluateKeyPolicy(policy(allow(p, action, extra)), caller, asked, KEY);
  assert.equal(decide('kms:*', 'kms:ScheduleKeyDeletion'), 'allow');
  assert.equal(decide('kms:Sign*', 'kms:Sign'), 'allow');
  assert.equal(decide('KMS:sign', 'kms:Sign'), 'allow');
  assert.equal(decide('kms:?erify', 'kms:Verify'), 'allow');
  assert.equal(decide(['kms:Encrypt', 'kms:ReEncrypt*'], 'kms:ReEncryptFrom'), 'allow');
  assert.equal(decide('kms:Sign*', 'kms:Verify'), 'none');
  assert.equal(decide('kms:Sign', 'kms:SignX'), 'none', 'no implicit prefix match');
  assert.equal(decide('kms.Sign', 'kms:Sign'), 'none', 'the dot is literal, not a regex');
  const notAction = { Effect: 'Allow', Principal: p, NotAction: 'kms:Decrypt', Resource: '*' };
  assert.equal(evaluateKeyPolicy(policy(notAction), caller, 'kms:Sign', KEY), 'allow');
  assert.equal(evaluateKeyPolicy(policy(notAction), caller, 'kms:Decrypt', KEY), 'none');
});

void test('the resource must be * or match the key ARN', () => {
  const p = { AWS: '444455556666' };
  const withResource = (Resource: unknown) =>
    evaluateKeyPolicy(
      policy({ Effect: 'Allow', Principal: p, Action: 'kms:Sign', Resource }),
      caller,
      'kms:Sign',
      KEY,
    );
  assert.equal(withResource(KEY), 'allow');
  assert.equal(withResource('arn:aws:kms:us-east-1:111122223333:key/*'), 'allow');
  assert.equal(withResource('arn:aws:kms:eu-west-1:111122223333:key/*'), 'none');
  assert.equal(withResource(undefined), 'none');
});

void test('an explicit Deny wins; conditions are not evaluated and fail closed', () => {
  const p = { AWS: 'arn:aws:iam::444455556666:root' };
  const deny = { Effect: 'Deny', Principal: '*', Action: 'kms:Sign', Resource: '*' };
  assert.equal(evaluateKeyPolicy(policy(allow(p, 'kms:*'), deny), caller, 'kms:Sign', KEY), 'deny');
  assert.equal(evaluateKeyPolicy(policy(allow(p, 'kms:*'), deny), caller, 'kms:Verify', KEY), 'allow');
  const condition = { Condition: { StringEquals: { 'kms:CallerAccount': '444455556666' } } };
  assert.equal(evaluateKeyPolicy(policy(allow(p, 'kms:Sign', condition)), caller, 'kms:Sign', KEY), 'none');
  assert.equal(
    evaluateKeyPolicy(policy(allow(p, 'kms:*'), { ...deny, ...condition }), caller, 'kms:Sign', KEY),
    'deny',
  );
  assert.equal(evaluateKeyPolicy('not json', caller, 'kms:Sign', KEY), 'none');
  assert.equal(
    evaluateKeyPolicy(JSON.stringify({ Statement: allow(p, 'kms:Sign') }), caller, 'kms:Sign', KEY),
    'allow',
    'a single statement object, as IAM accepts',
  );
});

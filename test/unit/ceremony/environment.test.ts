import assert from 'node:assert/strict';
import { test } from 'node:test';
import { environmentBanner, environmentLabel } from '../../../src-shared/ceremony/environment.js';
import { environmentOfIdentity } from '../../../src-main/audit/recorded-environment.js';

const aws = { account: '111122223333', region: 'eu-west-1' };

void test('no endpoint override is the cloud itself', () => {
  const e = environmentOfIdentity({
    ...aws,
    callerArn: 'arn:aws:sts::111122223333:assumed-role/KeyAdmin/alice',
  });
  assert.equal(e.kind, 'cloud');
  assert.match(environmentBanner(e), /^AWS KMS — account 111122223333, eu-west-1 — REAL KEYS/);
});

void test('an identity only the emulator gives is a rehearsal, with or without a recorded endpoint', () => {
  const caller = 'arn:aws:iam::111122223333:user/keyrite-emulator';
  const emu = environmentOfIdentity({ ...aws, callerArn: caller, endpoint: 'http://127.0.0.1:4599' });
  assert.equal(emu.kind, 'emulator');
  assert.match(
    environmentBanner(emu),
    /^REHEARSAL — Keyrite emulator of AWS KMS at http:\/\/127\.0\.0\.1:4599.*NOT AWS/,
  );
  // A log written before the endpoint was recorded: still never called AWS.
  assert.equal(environmentOfIdentity({ ...aws, callerArn: caller }).kind, 'emulator');
});

void test('any other override is named as such', () => {
  const other = environmentOfIdentity({
    ...aws,
    endpoint: 'https://vpce-0abc.kms.eu-west-1.vpce.amazonaws.com',
    callerArn: 'arn:aws:sts::111122223333:assumed-role/KeyAdmin/alice',
  });
  assert.equal(other.kind, 'endpoint');
  assert.match(environmentBanner(other), /^OTHER ENDPOINT — https:\/\/vpce-0abc/);
  assert.match(environmentLabel(other), /other endpoint https:\/\/vpce-0abc.*account 111122223333/);
});

void test('a Huawei Cloud project is named as a project of Huawei Cloud KMS', () => {
  const e = environmentOfIdentity({
    projectId: '0123456789abcdef0123456789abcdef',
    principal: 'access key ABCD… (Huawei KMS has no caller-identity call)',
    region: 'cn-north-4',
  });
  assert.equal(e.kind, 'cloud');
  assert.match(
    environmentBanner(e),
    /^Huawei Cloud KMS — project 0123456789abcdef0123456789abcdef, cn-north-4/,
  );
});

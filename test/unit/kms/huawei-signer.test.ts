import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import type { ICredential } from '@huaweicloud/huaweicloud-sdk-core/auth/ICredential.js';
import { sdkDate, signRequest } from '../../../src-shared/kms/huawei-signer.js';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';

// Keyrite's SDK-HMAC-SHA256 signer against the maintained Huawei Cloud SDK's own AKSKSigner: for the
// requests Keyrite sends (POST JSON to /v1.0/{project}/kms/{operation}, optional security token),
// both must produce the same Authorization header, byte for byte.
function sdkSign(o: {
  url: string;
  body: Record<string, unknown>;
  date: string;
  ak: string;
  sk: string;
  project: string;
  token?: string;
}): string {
  const headers: Record<string, string> = {
    'content-type': 'application/json;charset=UTF-8',
    'X-Project-Id': o.project,
    'X-Sdk-Date': o.date,
  };
  if (o.token) headers['X-Security-Token'] = o.token;
  const credential: ICredential = {
    getAk: () => o.ak,
    getSk: () => o.sk,
    processAuthRequest: () => Promise.reject(new Error('unused')),
    processAuthParams: () => Promise.reject(new Error('unused')),
  };
  const signed = AKSKSigner.sign(
    { endpoint: o.url, method: 'POST', headers, data: o.body, queryParams: {} } as never,
    credential,
  ) as Record<string, string>;
  return signed.Authorization as string;
}

function keyriteSign(o: {
  url: string;
  body: Record<string, unknown>;
  now: Date;
  ak: string;
  sk: string;
  project: string;
  token?: string;
}): Record<string, string> {
  const creds = {
    accessKey: o.ak,
    secretKey: SecretBuffer.adopt(Buffer.from(o.sk)),
    source: 'test',
    ...(o.token ? { securityToken: o.token } : {}),
  };
  try {
    return signRequest(
      {
        method: 'POST',
        url: new URL(o.url),
        headers: { 'Content-Type': 'application/json;charset=UTF-8', 'X-Project-Id': o.project },
        body: Buffer.from(JSON.stringify(o.body)),
      },
      creds,
      o.now,
    );
  } finally {
    creds.secretKey.dispose();
  }
}

void test('the signature of a get-parameters-for-import call equals the Huawei SDK signer’s', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  const o = {
    url: 'https://kms.ap-southeast-1.myhuaweicloud.com/v1.0/0123456789abcdef0123456789abcdef/kms/get-parameters-for-import',
    body: {
      key_id: '43f1ffd7-18fb-4568-9575-602e009b7ee8',
      wrapping_algorithm: 'RSAES_OAEP_SHA_256',
      sequence: '919c82d4-8046-4722-9094-35c3c6524cff',
    },
    ak: 'QTWAOYTTINDUT2QVKYUC',
    sk: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc',
    project: '0123456789abcdef0123456789abcdef',
  };
  const ours = keyriteSign({ ...o, now });
  assert.equal(ours['X-Sdk-Date'], '20261124T100000Z');
  assert.equal(ours.Host, 'kms.ap-southeast-1.myhuaweicloud.com');
  assert.equal(ours.Authorization, sdkSign({ ...o, date: sdkDate(now) }));
  assert.match(
    ours.Authorization ?? '',
    /^SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=[0-9a-f]{64}$/,
  );
});

void test('property: any project, region, operation, body, time, key and security token sign alike', () => {
  const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
  const text = fc.string({ maxLength: 40 });
  fc.assert(
    fc.property(
      hex32,
      fc.constantFrom('ap-southeast-1', 'cn-north-4', 'eu-west-101'),
      fc.constantFrom(
        'create-key',
        'describe-key',
        'import-key-material',
        'encrypt-data',
        '43f1ffd7-18fb-4568-9575-602e009b7ee8/tags/action',
      ),
      fc.dictionary(fc.stringMatching(/^[a-z_]{1,12}$/), fc.oneof(text, fc.integer())),
      fc.date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2099-12-31T23:59:59Z'),
        noInvalidDate: true,
      }),
      fc.stringMatching(/^[A-Z0-9]{20}$/),
      fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !s.includes('\u0000')),
      fc.option(fc.stringMatching(/^[A-Za-z0-9+/=]{20,80}$/), { nil: undefined }),
      (project, region, op, body, when, ak, sk, token) => {
        const now = new Date(Math.floor(when.getTime() / 1000) * 1000);
        const url = `https://kms.${region}.myhuaweicloud.com/v1.0/${project}/kms/${op}`;
        const o = { url, body, ak, sk, project, ...(token ? { token } : {}) };
        assert.equal(keyriteSign({ ...o, now }).Authorization, sdkSign({ ...o, date: sdkDate(now) }));
      },
    ),
    { numRuns: 300 },
  );
});

void test('a different secret key, body or time gives a different signature', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  const base = {
    url: 'https://kms.cn-north-4.myhuaweicloud.com/v1.0/0123456789abcdef0123456789abcdef/kms/create-key',
    body: { key_alias: 'a' },
    ak: 'AK0000000000000000AA',
    sk: 'secret-1',
    project: '0123456789abcdef0123456789abcdef',
  };
  const a = keyriteSign({ ...base, now }).Authorization;
  assert.notEqual(keyriteSign({ ...base, sk: 'secret-2', now }).Authorization, a);
  assert.notEqual(keyriteSign({ ...base, body: { key_alias: 'b' }, now }).Authorization, a);
  assert.notEqual(keyriteSign({ ...base, now: new Date(now.getTime() + 1000) }).Authorization, a);
});

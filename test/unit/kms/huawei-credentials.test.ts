import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadHuaweiCredentials } from '../../../src-main/kms/huawei/credentials.js';
import { KeyriteError } from '../../../src-shared/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-hcloud-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** A KooCLI configuration as `hcloud configure init` / `configure set` write it (~/.hcloud/config.json). */
function config(doc: unknown): string {
  const p = path.join(dir, `config-${n++}.json`);
  writeFileSync(p, JSON.stringify(doc, null, 2));
  return p;
}
const profile = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  mode: 'AKSK',
  accessKeyId: `AK${name.toUpperCase().padEnd(18, '0')}`,
  secretAccessKey: `sk-of-${name}`,
  securityToken: '',
  region: 'ap-southeast-1',
  projectId: '0123456789abcdef0123456789abcdef',
  ...extra,
});
function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof KeyriteError);
    assert.ok(e.hint.length > 10);
    assert.ok(!e.message.includes('sk-of-'), 'no secret key in an error');
    return e.code;
  }
  throw new Error('expected a refusal');
}

void test('the SDK environment variables come first, security token and project id included', () => {
  const c = loadHuaweiCredentials({
    env: {
      HUAWEICLOUD_SDK_AK: 'AKENVIRONMENT0000000',
      HUAWEICLOUD_SDK_SK: 'env-secret',
      HUAWEICLOUD_SDK_SECURITY_TOKEN: 'tok',
      HUAWEICLOUD_SDK_PROJECT_ID: 'p',
    },
    configPath: config({ current: 'default', profiles: [profile('default')] }),
  });
  assert.equal(c.accessKey, 'AKENVIRONMENT0000000');
  assert.equal(
    c.secretKey.use((b) => b.toString()),
    'env-secret',
  );
  assert.equal(c.securityToken, 'tok');
  assert.equal(c.source, 'environment (HUAWEICLOUD_SDK_AK)');
  assert.equal(
    code(() => loadHuaweiCredentials({ env: { HUAWEICLOUD_SDK_AK: 'AKENVIRONMENT0000000' } })),
    'HUAWEI_CREDENTIALS_MISSING',
  );
});

void test('a KooCLI profile: the current one, or the one named; its region and project id travel along', () => {
  const file = config({
    current: 'ops',
    profiles: [profile('default'), profile('ops', { region: 'cn-north-4' })],
  });
  const cur = loadHuaweiCredentials({ env: {}, configPath: file });
  assert.equal(cur.source, 'KooCLI profile ops');
  assert.equal(cur.region, 'cn-north-4');
  assert.equal(cur.projectId, '0123456789abcdef0123456789abcdef');
  const named = loadHuaweiCredentials({
    env: { HUAWEICLOUD_SDK_AK: 'x' },
    profile: 'default',
    configPath: file,
  });
  assert.equal(
    named.secretKey.use((b) => b.toString()),
    'sk-of-default',
  );
});

void test('profiles Keyrite cannot use are refused, each with its reason', () => {
  assert.equal(
    code(() => loadHuaweiCredentials({ env: {}, configPath: path.join(dir, 'missing.json') })),
    'HUAWEI_CREDENTIALS_MISSING',
  );
  assert.equal(
    code(() =>
      loadHuaweiCredentials({
        env: {},
        profile: 'nope',
        configPath: config({ profiles: [profile('default')] }),
      }),
    ),
    'HUAWEI_CREDENTIALS_MISSING',
  );
  // KooCLI 7 encrypts keys by default; the ciphertext must never be sent as a key.
  assert.equal(
    code(() =>
      loadHuaweiCredentials({
        env: {},
        configPath: config({ current: 'default', authEncrypt: 'true', profiles: [profile('default')] }),
      }),
    ),
    'HUAWEI_CREDENTIALS_ENCRYPTED',
  );
  assert.equal(
    code(() =>
      loadHuaweiCredentials({
        env: {},
        configPath: config({ current: 'default', profiles: [profile('default', { mode: 'ecsAgency' })] }),
      }),
    ),
    'HUAWEI_CREDENTIALS_INVALID',
  );
  assert.equal(
    code(() =>
      loadHuaweiCredentials({
        env: {},
        configPath: config({ current: 'default', profiles: [profile('default', { accessKeyId: '' })] }),
      }),
    ),
    'HUAWEI_CREDENTIALS_MISSING',
  );
  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, '{ not json');
  assert.equal(
    code(() => loadHuaweiCredentials({ env: {}, configPath: bad })),
    'HUAWEI_CREDENTIALS_INVALID',
  );
});

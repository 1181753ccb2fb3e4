// A Huawei Cloud KMS ceremony as its people run it, through the launcher: the shipped example plan is
// checked and rehearsed exactly as shipped (the embedded emulator's Huawei dialect is the peer), the
// log verifies, and the log, hand-over sheet and report name the cloud, region, project and key.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { spawn } from 'node:child_process';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { loadHuaweiCredentials } from '../../../src-main/kms/huawei/credentials.js';
import { createHuaweiKms } from '../../../src-main/kms/huawei/huawei-kms.js';
import { validatePlan } from '../../../src-shared/ceremony/plan.js';
import {
  assertOneReasonOneHint,
  isolatedEnv,
  keyrite,
  keyriteSync,
  LAUNCHER,
  ROOT,
} from './harness/launcher.js';

const SHIPPED = path.join(ROOT, 'test', 'fixtures', 'plans', 'huawei-symmetric.yaml');
const PROJECT = '0123456789abcdef0123456789abcdef';
const URN = new RegExp(`^kms:ap-southeast-1:[0-9a-f]{32}:KeyId:([0-9a-f-]{36})$`);
const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-huawei-ceremony-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const shipped = (): Record<string, unknown> =>
  parseYaml(readFileSync(SHIPPED, 'utf8')) as Record<string, unknown>;
function variant(name: string, change: (doc: Record<string, unknown>) => void): string {
  const doc = shipped();
  change(doc);
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}
const target = (doc: Record<string, unknown>) => doc['target'] as Record<string, unknown>;

void test('the shipped Huawei plan passes plan check, which names the project and the AES_256 key', () => {
  const r = keyriteSync(['plan', 'check', SHIPPED], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^result +acceptable offline$/m);
  assert.match(
    r.stdout,
    new RegExp(`Huawei Cloud project ${PROJECT}, ap-southeast-1: new AES_256 key keyrite-payments-key`),
  );
  assert.match(r.stdout, /Huawei: that the credentials are accepted in target.projectId/);
});

void test('the plan digest covers the Huawei target: another project or region is another plan', () => {
  const base = validatePlan(shipped()).digest;
  const other = shipped();
  target(other)['projectId'] = 'ffffffffffffffffffffffffffffffff';
  const region = shipped();
  target(region)['region'] = 'cn-north-4';
  assert.notEqual(validatePlan(other).digest, base);
  assert.notEqual(validatePlan(region).digest, base);
});

for (const [name, change, reason] of [
  [
    'grant',
    (d: Record<string, unknown>) => (d['grant'] = { accountId: '444455556666' }),
    /Huawei Cloud KMS keys have no key policy/,
  ],
  [
    'algorithm',
    (d: Record<string, unknown>) =>
      (d['wrapping'] = { algorithm: 'RSA_AES_KEY_WRAP_SHA_256', keySpec: 'RSA_2048' }),
    /does not offer the wrapping algorithm RSA_AES_KEY_WRAP_SHA_256/,
  ],
  [
    'wrapping-key',
    (d: Record<string, unknown>) =>
      (d['wrapping'] = { algorithm: 'RSAES_OAEP_SHA_256', keySpec: 'RSA_4096' }),
    /RSA_2048 wrapping keys only/,
  ],
  [
    'key-spec',
    (d: Record<string, unknown>) =>
      ((target(d)['key'] as { create: Record<string, unknown> }).create['keySpec'] = 'HMAC_256'),
    /target\.key\.create\.keySpec: Huawei Cloud KMS has HMAC keys but cannot import material into them/,
  ],
  [
    // Huawei imports these, Keyrite does not: the refusal says so and why, not "not a key spec".
    'asymmetric-key-spec',
    (d: Record<string, unknown>) =>
      ((target(d)['key'] as { create: Record<string, unknown> }).create['keySpec'] = 'RSA_3072'),
    /target\.key\.create\.keySpec: Huawei Cloud KMS can import RSA_3072 keys, but Keyrite does not: Huawei takes asymmetric material in import-key-material's encrypted_privatekey field, whose format .* neither Huawei's API reference nor its SDK models describe/,
  ],
  [
    'sm4-key-spec',
    (d: Record<string, unknown>) =>
      ((target(d)['key'] as { create: Record<string, unknown> }).create['keySpec'] = 'SM4'),
    /Huawei Cloud KMS can import SM4 keys, but Keyrite does not: it is a Chinese national \(SM\) algorithm that neither Node nor Electron's BoringSSL implements[\s\S]*use keySpec AES_256/,
  ],
  [
    'account-not-project',
    (d: Record<string, unknown>) => {
      delete target(d)['projectId'];
      target(d)['accountId'] = '111122223333';
    },
    /target/,
  ],
  [
    'tag-with-colon',
    (d: Record<string, unknown>) =>
      ((target(d)['key'] as { create: Record<string, unknown> }).create['tags'] = { 'team:name': 'x' }),
    /tag/,
  ],
] as const) {
  void test(`plan check refuses a Huawei plan with a wrong ${name}, saying why`, () => {
    const r = keyriteSync(['plan', 'check', variant(`${name}.json`, change)], { cwd: dir });
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stdout + r.stderr, reason);
  });
}

void test('keyrite rehearse --plan <the shipped Huawei plan>: the whole ceremony, a verified log, a hand-over naming the key', async () => {
  const out = path.join(dir, 'rehearsal');
  // Test-only scrypt cost, so enrolling three custodians does not dominate the run.
  const env = isolatedEnv(dir, { KEYRITE_TEST: '1', KEYRITE_TEST_SCRYPT_LOG2N: '10' });
  const r = await keyrite(['rehearse', '--plan', SHIPPED, '--out', out], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  const urn = /^key URN: +(\S+)$/m.exec(r.stdout)?.[1] ?? '';
  const keyId = URN.exec(urn)?.[1];
  assert.ok(keyId, `a Huawei key URN, got: ${r.stdout}`);
  assert.match(r.stdout, /^key state: +Enabled$/m);
  for (const step of [
    'enroll',
    'preflight',
    'create-key',
    'import-parameters',
    'generate-material',
    'backup-shares',
    'verify-shares',
    'wrap',
    'import',
    'verify',
    'handover',
    'close',
  ])
    assert.match(r.stdout, new RegExp(`^✓ ${step}( |$)`, 'm'), step);

  const verified = keyriteSync(['audit', 'verify', path.join(out, 'audit.db')], { cwd: dir });
  assert.equal(verified.code, 0, verified.stderr);
  assert.match(verified.stdout, /^audit log intact/m);

  const handover = readFileSync(path.join(out, 'handover.txt'), 'utf8');
  assert.match(handover, /^cloud: +Huawei Cloud KMS$/m);
  assert.match(handover, new RegExp(`^project: +${PROJECT}$`, 'm'));
  assert.match(handover, /^region: +ap-southeast-1$/m);
  assert.match(handover, new RegExp(`^key URN: +${urn}$`, 'm'));
  assert.match(handover, new RegExp(`^key id: +${keyId}$`, 'm'));
  assert.match(handover, /^key spec: +AES_256$/m);
  assert.match(handover, /^KCV: +[0-9A-F]{6} /m);

  const records = loadLog(path.join(out, 'audit.db')).records;
  const identity = records.find((x) => x.type === 'kms.identity')?.payload ?? {};
  assert.equal(identity['projectId'], PROJECT);
  assert.equal(identity['callerArn'], undefined, 'Huawei has no caller ARN, and the log does not invent one');
  assert.match(String(identity['principal']), /no caller-identity call/);
  const intents = records
    .filter((x) => x.type === 'intent' && String(x.payload['action']).startsWith('kms.'))
    .map((x) => String(x.payload['action']));
  assert.deepEqual(intents, ['kms.create-key', 'kms.get-parameters-for-import', 'kms.import-key-material']);
  // What custodians confirmed and what the steps recorded name the key as Huawei does (AES_256), as the
  // plan and the review say it — never AWS's SYMMETRIC_DEFAULT.
  const created = records.find((x) => x.type === 'step.completed' && x.payload['stepId'] === 'create-key');
  assert.equal((created?.payload['facts'] as Record<string, unknown> | undefined)?.['keySpec'], 'AES_256');
  const challenges = records.filter((x) => x.type === 'step.challenge');
  assert.ok(challenges.length > 0, 'guarded steps were confirmed');
  for (const c of challenges)
    assert.equal((c.payload['facts'] as Record<string, unknown>)['keySpec'], 'AES_256', 'confirmed facts');
  assert.deepEqual(
    records
      .filter((x) => JSON.stringify(x.payload).includes('SYMMETRIC_DEFAULT'))
      .map((x) => `${x.type} ${JSON.stringify(x.payload)}`),
    [],
    'no record calls the Huawei key SYMMETRIC_DEFAULT',
  );
  const verify = records.find((x) => x.type === 'kms.verified')?.payload ?? {};
  assert.equal(verify['keyArn'], urn);
  assert.match(String(verify['check']), /Encrypt\/Decrypt round trip/);

  const report = readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.match(report, /Huawei Cloud KMS/);
  assert.match(
    report,
    // The banner and the summary say it was the emulator, never Huawei Cloud.
    /REHEARSAL — Keyrite emulator of Huawei Cloud KMS at http:\/\/127\.0\.0\.1:\d+, project [0-9a-f]{32}, ap-southeast-1 — NOT Huawei Cloud: no real key is made/,
  );
  assert.match(
    report,
    /rehearsal: Keyrite emulator of Huawei Cloud KMS \(http:\/\/127\.0\.0\.1:\d+\), not Huawei Cloud/,
  );
});

void test('keyrite rehearse --air-gapped --plan <the shipped Huawei plan>: both stations, the key Enabled in the Huawei emulator, both logs join', async () => {
  const out = path.join(dir, 'air-gapped');
  const env = isolatedEnv(dir, { KEYRITE_TEST: '1', KEYRITE_TEST_SCRYPT_LOG2N: '10' });
  const r = await keyrite(['rehearse', '--air-gapped', '--plan', SHIPPED, '--out', out], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  const urn = /^key URN: +(\S+)$/m.exec(r.stdout)?.[1] ?? '';
  assert.ok(URN.exec(urn), `a Huawei key URN, got: ${r.stdout}`);
  assert.match(r.stdout, /^key state: +Enabled$/m);
  assert.match(r.stdout, /^check value: [0-9A-F]{6} /m);
  const joined = keyriteSync(
    [
      'audit',
      'verify',
      path.join(out, 'online', 'audit.db'),
      '--join',
      path.join(out, 'offline', 'audit.db'),
    ],
    { cwd: dir },
  );
  assert.equal(joined.code, 0, joined.stdout + joined.stderr);
  // The offline half called no KMS at all; the online half called Huawei's.
  const offline = loadLog(path.join(out, 'offline', 'audit.db')).records;
  assert.ok(!offline.some((x) => x.type === 'intent' && String(x.payload['action']).startsWith('kms.')));
  const online = loadLog(path.join(out, 'online', 'audit.db')).records;
  assert.equal(online.find((x) => x.type === 'kms.identity')?.payload['projectId'], PROJECT);
  // Across the gap too, the key is Huawei's AES_256: the request names it so, and nothing the offline
  // room read or either log recorded calls it AWS's SYMMETRIC_DEFAULT.
  const media = path.join(out, 'media');
  const request = readdirSync(media).find((n) => /-request-\d+$/.test(n)) ?? '';
  const target = (
    JSON.parse(readFileSync(path.join(media, request, 'request.json'), 'utf8')) as {
      target: Record<string, string>;
    }
  ).target;
  assert.equal(target['keySpec'], 'AES_256');
  const carried = readdirSync(media).flatMap((b) =>
    readdirSync(path.join(media, b)).map((f) => path.join(media, b, f)),
  );
  assert.ok(carried.length > 0);
  const saying = (bytes: Buffer | string) => bytes.includes('SYMMETRIC_DEFAULT');
  assert.deepEqual(
    carried.filter((f) => saying(readFileSync(f))),
    [],
    'no file on the medium',
  );
  assert.deepEqual(
    [...offline, ...online].filter((x) => saying(JSON.stringify(x.payload))).map((x) => x.type),
    [],
    'no record in either log',
  );
});

void test('credentials for another Huawei project are refused before any call', async () => {
  const r = await keyrite(
    [
      'rehearse',
      '--plan',
      SHIPPED,
      '--out',
      path.join(dir, 'wrong-project'),
      '--endpoint',
      'http://127.0.0.1:9',
    ],
    {
      cwd: dir,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: dir,
        HUAWEICLOUD_SDK_AK: 'KEYRITEHUAWEIEMULATOR0',
        HUAWEICLOUD_SDK_SK: 'keyrite-huawei-emulator-secret-key',
        HUAWEICLOUD_SDK_PROJECT_ID: 'ffffffffffffffffffffffffffffffff',
      },
    },
  );
  assertOneReasonOneHint(
    r,
    /are for project ffffffffffffffffffffffffffffffff, the plan targets 0123456789abcdef0123456789abcdef/,
  );
});

void test('keyrite rehearse --endpoint <the Huawei URL keyrite emulator printed>, with the printed HUAWEICLOUD_SDK_* variables: the ceremony runs against that emulator', async () => {
  const env = isolatedEnv(dir, { KEYRITE_TEST: '1', KEYRITE_TEST_SCRYPT_LOG2N: '10' });
  const emulator = spawn(
    process.execPath,
    [
      LAUNCHER,
      'emulator',
      '--huawei-port',
      '0',
      '--huawei-region',
      'ap-southeast-1',
      '--huawei-project',
      PROJECT,
    ],
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => emulator.on('exit', resolve));
  try {
    const banner = await new Promise<string>((resolve, reject) => {
      let out = '';
      emulator.stdout?.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (/HUAWEICLOUD_SDK_PROJECT_ID=\S+\n/.test(out)) resolve(out);
      });
      void exited.then((code) => reject(new Error(`keyrite emulator exited (${code}): ${out}`)));
    });
    const url = /huawei listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    assert.ok(url, banner);
    // The printed `NAME=value` words, as a person pastes them into their shell.
    const line = banner.split('\n').find((l) => l.includes('HUAWEICLOUD_SDK_AK=')) ?? '';
    const printed = Object.fromEntries(
      line
        .trim()
        .split(/\s+/)
        .map((w) => w.split('=') as [string, string]),
    );
    assert.equal(printed['HUAWEICLOUD_SDK_PROJECT_ID'], PROJECT);
    const out = path.join(dir, 'against-emulator');
    const r = await keyrite(['rehearse', '--plan', SHIPPED, '--out', out, '--endpoint', url], {
      cwd: dir,
      env: { ...env, ...printed },
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`Keyrite emulator of Huawei Cloud KMS at ${url}`));
    const keyId = URN.exec(/^key URN: +(\S+)$/m.exec(r.stdout)?.[1] ?? '')?.[1];
    assert.ok(keyId, r.stdout);

    // The key lives in the running emulator (not in an embedded one the rehearsal started and stopped).
    const kms = createHuaweiKms({
      region: 'ap-southeast-1',
      projectId: PROJECT,
      endpoint: url,
      credentials: loadHuaweiCredentials({ env: printed }),
      maxAttempts: 1,
    });
    try {
      const key = await kms.describeKey(keyId);
      assert.equal(key.keyAlias, 'keyrite-payments-key');
      assert.equal(key.keyState, 'Enabled');
      assert.equal(key.origin, 'external');
    } finally {
      kms.close();
    }
    const identity = loadLog(path.join(out, 'audit.db')).records.find((x) => x.type === 'kms.identity');
    assert.equal(identity?.payload['endpoint'], url);
  } finally {
    emulator.kill('SIGTERM');
    await exited;
  }
});

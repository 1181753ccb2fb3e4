// Every example plan Keyrite ships rehearses as shipped, one after another against one long-running
// `keyrite emulator` (as a team rehearses before the real day): byte-for-byte copies of the plan files,
// prepared only as each plan's own comment tells its reader to (create the key, place the material
// file, bring the share files). And the built-in plan rehearses again and again against that emulator.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createPublicKey } from 'node:crypto';
import { parse, stringify } from 'yaml';
import { isolatedEnv, keyrite, LAUNCHER, ROOT } from './harness/launcher.js';

const PLANS = path.join(ROOT, 'test', 'fixtures', 'plans');
const WRAP_FIXTURES = path.join(ROOT, 'test', 'fixtures', 'wrap');
const AWS = '/usr/bin/aws';
let dir: string;
let env: NodeJS.ProcessEnv;
let emulator: ChildProcess;
let url: string;
// The same custodians (custodian-1…3) hold the shares of the first ceremony and reimport from them;
// the fourth line is the witness's (plans with no witness leave it unread).
const passphrases = [
  'amber kettle forty lanterns 1 custodian-1',
  'quiet harbor slate 72 comet custodian-2',
  'velvet orchard 5 tundra pike custodian-3',
  'copper meadow 9 lantern quay witness-1',
].join('\n');

before(async () => {
  assert.ok(existsSync(AWS), `this test prepares plans with the AWS CLI v2 at ${AWS}: install it`);
  assert.equal(spawnSync('openssl', ['version']).status, 0, 'this test needs openssl');
  dir = mkdtempSync(path.join(tmpdir(), 'keyrite-shipped-'));
  env = isolatedEnv(dir, { KEYRITE_TEST: '1', KEYRITE_TEST_SCRYPT_LOG2N: '10' });
  writeFileSync(path.join(dir, 'custodians.txt'), passphrases + '\n', { mode: 0o600 });
  emulator = spawn(process.execPath, [LAUNCHER, 'emulator', '--port', '0'], { cwd: dir, env });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    emulator.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    emulator.on('exit', (code) => reject(new Error(`keyrite emulator exited (${code}): ${out}`)));
  });
});

after(() => {
  emulator.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

function aws(...args: string[]): string {
  const r = spawnSync(AWS, [...args, '--endpoint-url', url, '--region', 'us-east-1', '--output', 'text'], {
    env,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `aws ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A byte-for-byte copy of a shipped plan in its own folder (relative paths resolve beside it). */
function copyPlan(name: string, folderName = name.replace(/\.yaml$/, '')): { folder: string; plan: string } {
  const folder = path.join(dir, folderName);
  mkdirSync(folder);
  const plan = path.join(folder, name);
  copyFileSync(path.join(PLANS, name), plan);
  return { folder, plan };
}

/** Plans whose comment says to rehearse them with the embedded emulator (no --endpoint). */
const EMBEDDED = new Set(['huawei-symmetric.yaml']);

async function rehearse(plan: string, out: string) {
  const endpoint = EMBEDDED.has(path.basename(plan)) ? [] : ['--endpoint', url];
  const r = await keyrite(
    ['rehearse', '--plan', plan, '--out', out, ...endpoint, '--passphrase-file', 'custodians.txt'],
    { cwd: dir, env },
  );
  assert.equal(r.code, 0, `${path.basename(plan)}:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /key state: +Enabled/);
  return r;
}

/** What a plan's comment asks the administrator to prepare, done exactly so. */
const PREPARE: Record<string, (folder: string) => void> = {
  'rsa-existing-key.yaml': (folder) => {
    const keyId = aws(
      'kms',
      'create-key',
      '--origin',
      'EXTERNAL',
      '--key-spec',
      'RSA_2048',
      '--key-usage',
      'SIGN_VERIFY',
      '--query',
      'KeyMetadata.KeyId',
    );
    aws('kms', 'create-alias', '--alias-name', 'alias/keyrite-rsa-import', '--target-key-id', keyId);
    // The material file exactly as the plan's comment makes it (openssl's genpkey alone writes PKCS#1).
    const line = /^#\s+(openssl genpkey .*)$/m.exec(
      readFileSync(path.join(folder, 'rsa-existing-key.yaml'), 'utf8'),
    );
    assert.ok(line, 'the plan says how to make its material file');
    const gen = spawnSync('sh', ['-c', line[1] as string], { cwd: folder });
    assert.equal(gen.status, 0, String(gen.stderr));
  },
  // The rehearsal key's material is deleted (expired, say) and rebuilt from two custodians' shares.
  'reimport-from-shares.yaml': (folder) => {
    const keyId = aws(
      'kms',
      'describe-key',
      '--key-id',
      'alias/keyrite-rehearsal',
      '--query',
      'KeyMetadata.KeyId',
    );
    aws('kms', 'delete-imported-key-material', '--key-id', keyId);
    mkdirSync(path.join(folder, 'shares'));
    for (const holder of ['custodian-1', 'custodian-3'])
      copyFileSync(
        path.join(dir, 'out-rehearsal-symmetric', 'shares', `${holder}.share.json`),
        path.join(folder, 'shares', `${holder}.share.json`),
      );
  },
};

/**
 * The outputs plan's comment: the import job as `gcloud kms import-jobs describe` prints it and the KEK as
 * `az keyvault key show` prints it, beside the plan (our test keys stand in for Google's and Azure's).
 */
// Its comment: "at most 365 days ahead: adjust before use". The shipped date is used while it is
// acceptable; after that the administrator's adjustment is made, as the comment asks.
PREPARE['hmac-split-knowledge.yaml'] = (folder) => {
  const file = path.join(folder, 'hmac-split-knowledge.yaml');
  const text = readFileSync(file, 'utf8');
  const shipped = /validTo: '([^']+)'/.exec(text)?.[1] ?? '';
  assert.ok(shipped, 'the shipped plan states a validTo');
  const left = Date.parse(shipped) - Date.now();
  if (left > 86_400_000 && left < 364 * 86_400_000) return;
  const adjusted = new Date(Date.now() + 180 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  writeFileSync(file, text.replace(shipped, adjusted));
};

PREPARE['outputs-gcp-azure.yaml'] = (folder) => {
  const now = Date.now();
  writeFileSync(
    path.join(folder, 'gcp-import-job.yaml'),
    stringify({
      createTime: new Date(now - 3_600_000).toISOString(),
      expireTime: new Date(now + 71 * 3_600_000).toISOString(),
      importMethod: 'RSA_OAEP_3072_SHA256_AES_256',
      name: 'projects/contoso-payments/locations/europe-west1/keyRings/payments/importJobs/keyrite-job',
      protectionLevel: 'HSM',
      publicKey: { pem: readFileSync(path.join(WRAP_FIXTURES, 'wrapping-rsa-3072.pub.pem'), 'utf8') },
      state: 'ACTIVE',
    }),
  );
  const jwk = createPublicKey(readFileSync(path.join(WRAP_FIXTURES, 'wrapping-rsa-4096.pub.pem'))).export({
    format: 'jwk',
  });
  writeFileSync(
    path.join(folder, 'azure-kek.json'),
    JSON.stringify({
      attributes: { enabled: true },
      key: {
        kid: 'https://contoso-hsm.managedhsm.azure.net/keys/keyrite-kek/0123456789abcdef0123456789abcdef',
        kty: 'RSA-HSM',
        keyOps: ['import'],
        n: jwk.n,
        e: jwk.e,
      },
    }),
  );
};

// The symmetric rehearsal comes first: its key and shares are what the reimport plan starts from.
const ORDER = [
  'rehearsal-symmetric.yaml',
  'ecc-sign-grant.yaml',
  'hmac-split-knowledge.yaml',
  'rsa-existing-key.yaml',
  'reimport-from-shares.yaml',
  // Rotates the rehearsal key, Enabled again with its material back, to new material.
  'rotate-symmetric.yaml',
  // Its comment: "Rehearse it as shipped: keyrite rehearse --plan huawei-symmetric.yaml --out DIR".
  'huawei-symmetric.yaml',
  // Its comment says which two files to put beside it; the outputs appear in the rehearsal's outputs/.
  'outputs-gcp-azure.yaml',
  // Its own alias; a primary in us-east-1 and replicas in eu-west-1 and ap-southeast-2.
  'multi-region-symmetric.yaml',
];

void test('every shipped example plan rehearses as shipped, one after another against one emulator', async () => {
  const shipped = readdirSync(PLANS)
    .filter((n) => n.endsWith('.yaml'))
    .sort();
  assert.deepEqual(shipped, [...ORDER].sort(), 'a new example plan must be rehearsed here too');
  for (const name of ORDER) {
    const { folder, plan } = copyPlan(name);
    PREPARE[name]?.(folder);
    await rehearse(plan, path.join(dir, `out-${name.replace(/\.yaml$/, '')}`));
  }
  assert.deepEqual(readdirSync(path.join(dir, 'out-outputs-gcp-azure', 'outputs')).sort(), [
    'azure-2-payments-key.byok',
    'gcp-1-payments.bin',
  ]);
  // The reimported key is the rehearsal key again, with its material back.
  const state = aws(
    'kms',
    'describe-key',
    '--key-id',
    'alias/keyrite-rehearsal',
    '--query',
    'KeyMetadata.KeyState',
  );
  assert.equal(state, 'Enabled');
});

void test('the built-in plan rehearses again and again against one long-running emulator', async () => {
  const aliases = new Set<string>();
  for (const n of [1, 2, 3]) {
    const r = await keyrite(['rehearse', '--out', `again-${n}`, '--endpoint', url], { cwd: dir, env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const alias = /alias (alias\/keyrite-rehearsal-\d+)/.exec(r.stdout)?.[1];
    assert.ok(alias, r.stdout);
    aliases.add(alias);
  }
  assert.equal(aliases.size, 3, 'each rehearsal has its own alias');
});

void test('a refused plan leaves no directory behind: checked offline, then against KMS before anyone enrolls', async () => {
  const withStation = { ...env, KEYRITE_STATION_PASSPHRASE: 'refusal bench station passphrase 42 quill' };
  // Offline: material expiring in the past.
  const expired = path.join(dir, 'expired.json');
  writeFileSync(
    expired,
    JSON.stringify({
      ...(parse(readFileSync(path.join(PLANS, 'rehearsal-symmetric.yaml'), 'utf8')) as object),
      expiration: { model: 'KEY_MATERIAL_EXPIRES', validTo: '2020-01-01T00:00:00Z' },
    }),
  );
  const r1 = await keyrite(['rehearse', '--plan', expired, '--out', 'refused-1', '--endpoint', url], {
    cwd: dir,
    env: withStation,
  });
  assert.equal(r1.code, 1, r1.stderr);
  assert.match(r1.stderr, /validTo 2020-01-01T00:00:00Z is not in the future/);
  assert.ok(!existsSync(path.join(dir, 'refused-1')), 'no directory after an offline refusal');
  // Against KMS: the shipped rehearsal plan's alias was taken by the first test's rehearsal.
  const { plan } = copyPlan('rehearsal-symmetric.yaml', 'taken-alias');
  const r2 = await keyrite(['rehearse', '--plan', plan, '--out', 'refused-2', '--endpoint', url], {
    cwd: dir,
    env: withStation,
  });
  assert.equal(r2.code, 1, r2.stderr);
  assert.match(r2.stderr, /alias alias\/keyrite-rehearsal already names key/);
  assert.doesNotMatch(r2.stdout, /enrolled/, 'refused before anyone enrolled');
  assert.ok(
    !existsSync(path.join(dir, 'refused-2')),
    'no directory (nor station key) after a refusal by KMS',
  );
});

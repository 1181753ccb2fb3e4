// Item 6 of issue 13, proven as a user would: the shipped `ecc-sign-grant` plan rehearsed against
// `keyrite emulator`, then the granted account — AWS CLI v2 signing as account 444455556666 with the
// emulator's documented access key `KEYRITE444455556666` — signs and verifies with the key ARN, and
// OpenSSL checks the signature under the public key. A third account, and actions outside the grant,
// get AccessDeniedException. An encryption key's grant lets the account encrypt and decrypt, not sign.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { isolatedEnv, keyrite, LAUNCHER, ROOT } from '../integration/cli/harness/launcher.js';

const AWS = '/usr/bin/aws';
const PLANS = path.join(ROOT, 'test', 'fixtures', 'plans');
const GRANTEE = '444455556666';
let dir: string;
let env: NodeJS.ProcessEnv;
let emulator: ChildProcess;
let url: string;

before(async () => {
  assert.ok(existsSync(AWS), `this test runs AWS CLI v2 at ${AWS}: install it (Debian package awscli)`);
  assert.equal(spawnSync('openssl', ['version']).status, 0, 'this test needs openssl');
  dir = mkdtempSync(path.join(tmpdir(), 'keyrite-xacct-'));
  env = isolatedEnv(dir, { KEYRITE_TEST: '1', KEYRITE_TEST_SCRYPT_LOG2N: '10' });
  writeFileSync(
    path.join(dir, 'custodians.txt'),
    // One line per custodian in plan order, then the witness's (witnesses enroll a key of their own).
    [
      'amber kettle forty lanterns 1',
      'quiet harbor slate 72 comet',
      'velvet orchard 5 tundra pike',
      'copper meadow 9 lantern quay witness-1',
    ].join('\n') + '\n',
    { mode: 0o600 },
  );
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
  emulator?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface AwsRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** AWS CLI v2 against the emulator as `account` (the home account's ordinary credentials when absent). */
function aws(account: string | undefined, ...args: string[]): AwsRun {
  const credentials = account ? { AWS_ACCESS_KEY_ID: `KEYRITE${account}` } : {};
  const r = spawnSync(AWS, [...args, '--endpoint-url', url, '--region', 'us-east-1', '--output', 'text'], {
    cwd: dir,
    env: { ...env, ...credentials },
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

function awsOk(account: string | undefined, ...args: string[]): string {
  const r = aws(account, ...args);
  assert.equal(r.code, 0, `aws ${args.join(' ')} as ${account ?? 'home'}: ${r.stderr}`);
  return r.stdout;
}

/** The AWS CLI's report of AWS's AccessDeniedException for `action` on `arn`, with its exit code 254. */
function assertDenied(r: AwsRun, account: string, action: string, arn: string): void {
  assert.equal(r.code, 254, r.stderr);
  assert.equal(
    r.stderr,
    `An error occurred (AccessDeniedException) when calling the ${action} operation: User: arn:aws:iam::${account}:user/keyrite-emulator is not authorized to perform: kms:${action} on resource: ${arn} because no resource-based policy allows the kms:${action} action`,
  );
}

async function rehearse(plan: string, out: string): Promise<void> {
  const r = await keyrite(
    ['rehearse', '--plan', plan, '--out', out, '--endpoint', url, '--passphrase-file', 'custodians.txt'],
    { cwd: dir, env },
  );
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^✓ grant$/m);
}

void test('the shipped ecc-sign-grant plan: the granted account signs and verifies by key ARN, nothing more', async () => {
  const plan = path.join(dir, 'ecc-sign-grant.yaml');
  copyFileSync(path.join(PLANS, 'ecc-sign-grant.yaml'), plan);
  await rehearse(plan, 'out-ecc');
  const arn = awsOk(
    undefined,
    'kms',
    'describe-key',
    '--key-id',
    'alias/keyrite-ecc',
    '--query',
    'KeyMetadata.Arn',
  );

  // The emulator knows the caller as account 444455556666, as STS would report it.
  assert.equal(awsOk(GRANTEE, 'sts', 'get-caller-identity', '--query', 'Account'), GRANTEE);

  writeFileSync(path.join(dir, 'message.txt'), 'payment batch 2026-12-02 #1841\n');
  const signature = awsOk(
    GRANTEE,
    'kms',
    'sign',
    '--key-id',
    arn,
    '--message',
    'fileb://message.txt',
    '--message-type',
    'RAW',
    '--signing-algorithm',
    'ECDSA_SHA_256',
    '--query',
    'Signature',
  );
  writeFileSync(path.join(dir, 'signature.der'), Buffer.from(signature, 'base64'));
  const valid = awsOk(
    GRANTEE,
    'kms',
    'verify',
    '--key-id',
    arn,
    '--message',
    'fileb://message.txt',
    '--message-type',
    'RAW',
    '--signing-algorithm',
    'ECDSA_SHA_256',
    '--signature',
    'fileb://signature.der',
    '--query',
    'SignatureValid',
  );
  assert.equal(valid, 'True');
  // An independent check: OpenSSL verifies the signature under the public key the account fetched.
  const pub = awsOk(GRANTEE, 'kms', 'get-public-key', '--key-id', arn, '--query', 'PublicKey');
  writeFileSync(path.join(dir, 'public.der'), Buffer.from(pub, 'base64'));
  const ossl = spawnSync(
    'openssl',
    [
      'dgst',
      '-sha256',
      '-verify',
      'public.der',
      '-keyform',
      'DER',
      '-signature',
      'signature.der',
      'message.txt',
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  assert.equal(ossl.status, 0, ossl.stderr);
  assert.match(ossl.stdout, /Verified OK/);

  // A bare alias or key id means the caller's own account, where there is no such key.
  const byAlias = aws(GRANTEE, 'kms', 'describe-key', '--key-id', 'alias/keyrite-ecc');
  assert.equal(byAlias.code, 254);
  assert.match(
    byAlias.stderr,
    /NotFoundException.*Alias arn:aws:kms:us-east-1:444455556666:alias\/keyrite-ecc is not found\./,
  );

  // Outside the grant: administration and other usages.
  assertDenied(
    aws(GRANTEE, 'kms', 'schedule-key-deletion', '--key-id', arn, '--pending-window-in-days', '7'),
    GRANTEE,
    'ScheduleKeyDeletion',
    arn,
  );
  writeFileSync(path.join(dir, 'blob.bin'), Buffer.alloc(64, 7));
  assertDenied(
    aws(
      GRANTEE,
      'kms',
      'decrypt',
      '--key-id',
      arn,
      '--ciphertext-blob',
      'fileb://blob.bin',
      '--encryption-algorithm',
      'RSAES_OAEP_SHA_256',
    ),
    GRANTEE,
    'Decrypt',
    arn,
  );
  // A third account is not granted anything.
  const signAs = (account: string) =>
    aws(
      account,
      'kms',
      'sign',
      '--key-id',
      arn,
      '--message',
      'fileb://message.txt',
      '--message-type',
      'RAW',
      '--signing-algorithm',
      'ECDSA_SHA_256',
    );
  assertDenied(signAs('999988887777'), '999988887777', 'Sign', arn);

  // The grant is what makes it work: with the old encryption defaults in its statement, signing is refused.
  const policy = JSON.parse(
    awsOk(undefined, 'kms', 'get-key-policy', '--key-id', arn, '--policy-name', 'default'),
  ) as {
    Statement: { Sid?: string; Action: string[] }[];
  };
  const statement = policy.Statement.find((s) => s.Sid === `KeyriteGrant${GRANTEE}`);
  assert.deepEqual(statement?.Action, ['kms:Sign', 'kms:Verify', 'kms:GetPublicKey', 'kms:DescribeKey']);
  statement.Action = [
    'kms:Encrypt',
    'kms:Decrypt',
    'kms:ReEncrypt*',
    'kms:GenerateDataKey*',
    'kms:DescribeKey',
  ];
  writeFileSync(path.join(dir, 'old-policy.json'), JSON.stringify(policy));
  awsOk(
    undefined,
    'kms',
    'put-key-policy',
    '--key-id',
    arn,
    '--policy-name',
    'default',
    '--policy',
    'file://old-policy.json',
  );
  assertDenied(signAs(GRANTEE), GRANTEE, 'Sign', arn);
});

void test('an encryption key plan with a grant: the account encrypts and decrypts by key ARN, and cannot sign', async () => {
  const doc = parse(readFileSync(path.join(PLANS, 'rehearsal-symmetric.yaml'), 'utf8')) as {
    target: { key: { create: { alias: string } } };
    guardedSteps: string[];
  };
  doc.target.key.create.alias = 'alias/keyrite-shared-data';
  const plan = path.join(dir, 'symmetric-grant.json');
  writeFileSync(
    plan,
    JSON.stringify({ ...doc, guardedSteps: [...doc.guardedSteps, 'grant'], grant: { accountId: GRANTEE } }),
  );
  await rehearse(plan, 'out-symmetric');
  const arn = awsOk(
    undefined,
    'kms',
    'describe-key',
    '--key-id',
    'alias/keyrite-shared-data',
    '--query',
    'KeyMetadata.Arn',
  );

  writeFileSync(path.join(dir, 'secret.txt'), 'SaaS tenant data key seed');
  const ct = awsOk(
    GRANTEE,
    'kms',
    'encrypt',
    '--key-id',
    arn,
    '--plaintext',
    'fileb://secret.txt',
    '--query',
    'CiphertextBlob',
  );
  writeFileSync(path.join(dir, 'secret.enc'), Buffer.from(ct, 'base64'));
  // Decrypt names no key: the ciphertext does, and the key policy decides.
  const pt = awsOk(
    GRANTEE,
    'kms',
    'decrypt',
    '--ciphertext-blob',
    'fileb://secret.enc',
    '--query',
    'Plaintext',
  );
  assert.equal(Buffer.from(pt, 'base64').toString('utf8'), 'SaaS tenant data key seed');
  const dk = awsOk(
    GRANTEE,
    'kms',
    'generate-data-key',
    '--key-id',
    arn,
    '--key-spec',
    'AES_256',
    '--query',
    'KeyId',
  );
  assert.equal(dk, arn);
  assertDenied(
    aws(
      GRANTEE,
      'kms',
      'sign',
      '--key-id',
      arn,
      '--message',
      'fileb://secret.txt',
      '--message-type',
      'RAW',
      '--signing-algorithm',
      'ECDSA_SHA_256',
    ),
    GRANTEE,
    'Sign',
    arn,
  );
  assertDenied(
    aws('999988887777', 'kms', 'decrypt', '--ciphertext-blob', 'fileb://secret.enc'),
    '999988887777',
    'Decrypt',
    arn,
  );
});

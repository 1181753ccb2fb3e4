// The manual import flow as a person runs it with Keyrite: `keyrite params fetch` (through the gateway,
// against the emulator), `keyrite wrap`, then the `aws kms import-key-material` command wrap printed,
// run verbatim with AWS CLI v2. The imported material is proven by KMS's own GenerateMac.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../src-main/emulator/index.js';
import {
  assertOneReasonOneHint,
  isolatedEnv,
  keyrite,
  type Run,
} from '../integration/cli/harness/launcher.js';

const execFileP = promisify(execFile);
const AWS = '/usr/bin/aws';

let emulator: RunningEmulator;
let dir: string;
let env: NodeJS.ProcessEnv;
let n = 0;

before(async () => {
  if (!existsSync(AWS))
    throw new Error(`interop tests need ${AWS}: install AWS CLI v2 (Debian package awscli)`);
  emulator = await startEmulator();
  dir = mkdtempSync(path.join(tmpdir(), 'keyrite-manual-'));
  env = isolatedEnv(dir, { AWS_DEFAULT_REGION: 'us-east-1' });
});

after(async () => {
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh working directory per scenario, as a person would use one folder per import. */
function workdir(): string {
  const d = path.join(dir, `w${n++}`);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d);
  return d;
}

async function aws(args: string[], cwd: string): Promise<string> {
  const { stdout } = await execFileP(AWS, ['--endpoint-url', emulator.url, ...args], { cwd, env });
  return stdout.trim();
}

const run = (args: string[], cwd: string): Promise<Run> => keyrite(args, { cwd, env });

/** The lines from "aws kms import-key-material" to the end of the command (lines ending in "\"). */
function printedCommand(stdout: string): string {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('aws kms import-key-material'));
  assert.ok(start >= 0, `wrap printed no import command:\n${stdout}`);
  const out: string[] = [];
  for (let i = start; i < lines.length; i++) {
    const l = lines[i] ?? '';
    out.push(l);
    if (!l.endsWith('\\')) break;
  }
  return out.join('\n');
}

/** Runs the printed command as a person pastes it into bash, with `aws` being AWS CLI v2. */
async function runPrinted(command: string, cwd: string): Promise<{ code: number; stderr: string }> {
  try {
    await execFileP('/bin/bash', ['-c', `aws() { ${AWS} "$@"; }\n${command}`], { cwd, env });
    return { code: 0, stderr: '' };
  } catch (e) {
    const err = e as { code?: number; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stderr: err.stderr ?? '' };
  }
}

async function hmacKey(): Promise<string> {
  return aws(
    [
      'kms',
      'create-key',
      '--origin',
      'EXTERNAL',
      '--key-spec',
      'HMAC_256',
      '--key-usage',
      'GENERATE_VERIFY_MAC',
      '--query',
      'KeyMetadata.KeyId',
      '--output',
      'text',
    ],
    dir,
  );
}

/** KMS's MAC over a message equals the local HMAC under the material: the right bytes were imported. */
async function assertKmsHoldsMaterial(keyId: string, material: Buffer, cwd: string): Promise<void> {
  writeFileSync(path.join(cwd, 'message.bin'), 'keyrite manual flow');
  const mac = await aws(
    [
      'kms',
      'generate-mac',
      '--key-id',
      keyId,
      '--mac-algorithm',
      'HMAC_SHA_256',
      '--message',
      'fileb://message.bin',
      '--query',
      'Mac',
      '--output',
      'text',
    ],
    cwd,
  );
  const local = createHmac('sha256', material).update('keyrite manual flow').digest('base64');
  assert.equal(mac, local, 'KMS computes the MAC with the material that was wrapped');
}

void describe('params fetch → wrap → the printed aws command', () => {
  void test('self-describing parameters: wrap takes their algorithm, refuses another, and the printed command imports', async () => {
    const cwd = workdir();
    const keyId = await hmacKey();
    const material = randomBytes(32);
    writeFileSync(path.join(cwd, 'hmac.key'), material);

    const fetched = await run(
      [
        'params',
        'fetch',
        '--key-id',
        keyId,
        '--algorithm',
        'RSAES_OAEP_SHA_256',
        '--key-spec',
        'RSA_3072',
        '--endpoint',
        emulator.url,
        '--out',
        'params.json',
      ],
      cwd,
    );
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.equal(fetched.stderr, '', 'no warnings on a clean fetch');
    assert.match(fetched.stdout, /key spec +HMAC_256 \(origin EXTERNAL, state PendingImport\)/);
    const doc = JSON.parse(readFileSync(path.join(cwd, 'params.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(doc['Format'], 'keyrite-import-parameters/v1');
    assert.equal(doc['WrappingAlgorithm'], 'RSAES_OAEP_SHA_256');
    assert.equal(doc['WrappingKeySpec'], 'RSA_3072');
    assert.equal(doc['KeySpec'], 'HMAC_256');

    const inspected = await run(['params', 'inspect', 'params.json'], cwd);
    assert.equal(inspected.code, 0, inspected.stderr);
    assert.match(inspected.stdout, /written by keyrite params fetch/);
    assert.match(inspected.stdout, /algorithm +RSAES_OAEP_SHA_256/);

    // The support article's mistake, now refused before anything is written.
    const sha1 = await run(
      [
        'wrap',
        '--wrapping-key',
        'params.json',
        '--algorithm',
        'RSAES_OAEP_SHA_1',
        '--material',
        'hmac.key',
        '--out',
        'EncryptedKeyMaterial.bin',
      ],
      cwd,
    );
    assertOneReasonOneHint(sha1, /fetched for RSAES_OAEP_SHA_256, not RSAES_OAEP_SHA_1/);
    assert.deepEqual(readdirSync(cwd).sort(), ['hmac.key', 'params.json'], 'a refused wrap writes nothing');

    const wrapped = await run(
      [
        'wrap',
        '--wrapping-key',
        'params.json',
        '--material',
        'hmac.key',
        '--out',
        'EncryptedKeyMaterial.bin',
      ],
      cwd,
    );
    assert.equal(wrapped.code, 0, wrapped.stderr);
    assert.match(wrapped.stdout, /algorithm +RSAES_OAEP_SHA_256 \(named by the import parameters\)/);
    assert.match(wrapped.stdout, /material +HMAC_256, 32 bytes/, 'the key spec comes from the parameters');
    const token = readFileSync(path.join(cwd, 'ImportToken.bin'));
    assert.deepEqual(token, Buffer.from(String(doc['ImportToken']), 'base64'), 'the token as raw bytes');

    const command = printedCommand(wrapped.stdout);
    assert.match(command, /--endpoint-url http:\/\/127\.0\.0\.1:\d+/);
    assert.doesNotMatch(wrapped.stdout, /replace /, 'nothing left to fill in');
    const imported = await runPrinted(command, cwd);
    assert.equal(imported.code, 0, `the printed command failed:\n${command}\n${imported.stderr}`);
    assert.equal(
      await aws(
        ['kms', 'describe-key', '--key-id', keyId, '--query', 'KeyMetadata.KeyState', '--output', 'text'],
        cwd,
      ),
      'Enabled',
    );
    await assertKmsHoldsMaterial(keyId, material, cwd);
  });

  void test('the AWS CLI JSON names no algorithm: wrap needs it stated and acknowledged, then the printed command imports', async () => {
    const cwd = workdir();
    const keyId = await hmacKey();
    const material = randomBytes(32);
    writeFileSync(path.join(cwd, 'hmac.key'), material);
    writeFileSync(
      path.join(cwd, 'cli-params.json'),
      await aws(
        [
          'kms',
          'get-parameters-for-import',
          '--key-id',
          keyId,
          '--wrapping-algorithm',
          'RSAES_OAEP_SHA_256',
          '--wrapping-key-spec',
          'RSA_2048',
          '--output',
          'json',
        ],
        cwd,
      ),
    );
    const base = [
      'wrap',
      '--wrapping-key',
      'cli-params.json',
      '--material',
      'hmac.key',
      '--key-spec',
      'HMAC_256',
    ];
    const unstated = await run([...base, '--out', 'w.bin'], cwd);
    assertOneReasonOneHint(unstated, /do not say which wrapping algorithm they were fetched for/);
    const unacknowledged = await run([...base, '--algorithm', 'RSAES_OAEP_SHA_1', '--out', 'w.bin'], cwd);
    assertOneReasonOneHint(unacknowledged, /cannot check RSAES_OAEP_SHA_1 against them/);
    assert.match(unacknowledged.stderr, /--unchecked-algorithm/);
    assert.deepEqual(readdirSync(cwd).sort(), ['cli-params.json', 'hmac.key']);

    // Acknowledged but wrong: Keyrite cannot know, and KMS refuses exactly as the support article says.
    const wrong = await run(
      [
        ...base,
        '--algorithm',
        'RSAES_OAEP_SHA_1',
        '--unchecked-algorithm',
        '--out',
        'wrong.bin',
        '--token-out',
        'wrong-token.bin',
      ],
      cwd,
    );
    assert.equal(wrong.code, 0, wrong.stderr);
    assert.match(wrong.stdout, /RSAES_OAEP_SHA_1 \(as you stated; the parameters cannot confirm it\)/);
    const refused = await runPrinted(
      printedCommand(wrong.stdout).replace(/^aws /, `aws --endpoint-url ${emulator.url} `),
      cwd,
    );
    assert.equal(refused.code, 254);
    assert.match(refused.stderr, /InvalidCiphertextException/);

    const right = await run(
      [...base, '--algorithm', 'RSAES_OAEP_SHA_256', '--unchecked-algorithm', '--out', 'w.bin'],
      cwd,
    );
    assert.equal(right.code, 0, right.stderr);
    const command = printedCommand(right.stdout);
    assert.match(command, /--region us-east-1/, 'the region comes from the key ARN in the CLI JSON');
    assert.doesNotMatch(command, /--endpoint-url/, 'the CLI JSON does not say where it came from');
    const imported = await runPrinted(command.replace(/^aws /, `aws --endpoint-url ${emulator.url} `), cwd);
    assert.equal(imported.code, 0, imported.stderr);
    await assertKmsHoldsMaterial(keyId, material, cwd);
  });
});

void describe('params fetch refuses what could not be used, before writing anything', () => {
  const fetch = (
    cwd: string,
    keyId: string,
    { algorithm = 'RSAES_OAEP_SHA_256', keySpec = 'RSA_2048' } = {},
  ): Promise<Run> =>
    run(
      ['params', 'fetch', '--key-id', keyId, '--endpoint', emulator.url, '--out', 'p.json'].concat([
        '--algorithm',
        algorithm,
        '--key-spec',
        keySpec,
      ]),
      cwd,
    );

  void test('a key KMS generated the material for', async () => {
    const cwd = workdir();
    const keyId = await aws(['kms', 'create-key', '--query', 'KeyMetadata.KeyId', '--output', 'text'], cwd);
    assertOneReasonOneHint(
      await fetch(cwd, keyId),
      /origin AWS_KMS: KMS imports key material only into keys created with origin EXTERNAL/,
    );
    assert.deepEqual(readdirSync(cwd), []);
  });

  void test('an algorithm AWS does not accept for the key spec', async () => {
    const cwd = workdir();
    const keyId = await hmacKey();
    const r = await fetch(cwd, keyId, { algorithm: 'RSA_AES_KEY_WRAP_SHA_256' });
    assertOneReasonOneHint(r, /HMAC_256 material cannot be wrapped with RSA_AES_KEY_WRAP_SHA_256/);
    assert.deepEqual(readdirSync(cwd), []);
  });

  void test('a misspelt algorithm or wrapping key spec names the allowed values and the nearest', async () => {
    const cwd = workdir();
    const keyId = await hmacKey();
    const alg = await fetch(cwd, keyId, { algorithm: 'RSAES_OAEP_SHA256' });
    assertOneReasonOneHint(
      alg,
      /`RSAES_OAEP_SHA256` is not a wrapping algorithm; did you mean `RSAES_OAEP_SHA_256`\?/,
    );
    assert.match(alg.stderr, /hint: use one of RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1, /);
    const spec = await fetch(cwd, keyId, { keySpec: 'RSA_2049' });
    assertOneReasonOneHint(spec, /`RSA_2049` is not a wrapping key spec; did you mean `RSA_2048`\?/);
  });

  void test('a key that does not exist, and an output that exists', async () => {
    const cwd = workdir();
    assertOneReasonOneHint(
      await fetch(cwd, '11111111-2222-3333-4444-555555555555'),
      /NotFound|not found|does not exist/i,
    );
    writeFileSync(path.join(cwd, 'p.json'), 'keep');
    assertOneReasonOneHint(await fetch(cwd, await hmacKey()), /p\.json already exists/);
    assert.equal(readFileSync(path.join(cwd, 'p.json'), 'utf8'), 'keep');
  });

  void test('no region anywhere', async () => {
    const cwd = workdir();
    const r = await keyrite(
      [
        'params',
        'fetch',
        '--key-id',
        'some-key',
        '--algorithm',
        'RSAES_OAEP_SHA_256',
        '--key-spec',
        'RSA_2048',
        '--out',
        'p.json',
      ],
      {
        cwd,
        env: isolatedEnv(cwd),
      },
    );
    assertOneReasonOneHint(r, /no region/);
  });
});

// HMAC key material is not only the hash's length: AWS KMS imports HMAC_224 28–64 bytes, HMAC_256
// 32–64, HMAC_384 48–128, HMAC_512 64–128 (Developer Guide, "Requirements for imported key material").
// Proven three ways against the emulator: OpenSSL wraps and AWS CLI v2 imports at each end of each range
// (and one byte past it fails as AWS fails); Keyrite's own params fetch → wrap → printed command takes
// 64-byte HMAC_256 material; and a whole ceremony imports 64-byte material from a file. Each time KMS's
// GenerateMac is compared with `openssl mac` under the same bytes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliHarness, OPENSSL, startCliHarness } from './harness/awscli.js';
import { isolatedEnv, keyrite } from '../integration/cli/harness/launcher.js';

const RANGES = {
  HMAC_224: { min: 28, max: 64, mac: 'HMAC_SHA_224', digest: 'SHA224' },
  HMAC_256: { min: 32, max: 64, mac: 'HMAC_SHA_256', digest: 'SHA256' },
  HMAC_384: { min: 48, max: 128, mac: 'HMAC_SHA_384', digest: 'SHA384' },
  HMAC_512: { min: 64, max: 128, mac: 'HMAC_SHA_512', digest: 'SHA512' },
} as const;
type Spec = keyof typeof RANGES;

let cli: CliHarness;
let n = 0;

before(async () => {
  cli = await startCliHarness();
});

after(async () => {
  await cli?.close();
});

/** A folder of its own per scenario under the harness directory. */
function workdir(): string {
  const d = path.join(cli.dir, `h${n++}`);
  mkdirSync(d);
  return d;
}

async function createHmacKey(spec: Spec): Promise<string> {
  return cli.ok(
    `aws kms create-key --origin EXTERNAL --key-spec ${spec} --key-usage GENERATE_VERIFY_MAC --query KeyMetadata.KeyId --output text`,
  );
}

/** OpenSSL wraps `material.bin` in `cwd` (RSAES_OAEP_SHA_256) and AWS CLI v2 imports it. */
function importWithOpenssl(cwd: string, keyId: string) {
  return cli.sh(`
cd "${cwd}"
aws kms get-parameters-for-import --key-id ${keyId} --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 > params.json
split_params params.json PublicKey.bin ImportToken.bin
${OPENSSL} pkeyutl -in material.bin -out wrapped.bin -inkey PublicKey.bin -keyform DER -pubin -encrypt \\
  -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256
aws kms import-key-material --key-id ${keyId} --encrypted-key-material fileb://wrapped.bin \\
  --import-token fileb://ImportToken.bin --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE
`);
}

/** KMS's MAC (AWS CLI v2) and OpenSSL's MAC under `material.bin`, both as lower-case hex. */
async function macs(cwd: string, keyId: string, spec: Spec): Promise<{ kms: string; openssl: string }> {
  const { mac, digest } = RANGES[spec];
  const kms = await cli.ok(`
cd "${cwd}"
printf 'keyrite hmac length' > message.bin
aws kms generate-mac --key-id ${keyId} --mac-algorithm ${mac} --message fileb://message.bin --query Mac --output text`);
  const openssl = await cli.ok(`
cd "${cwd}"
${OPENSSL} mac -digest ${digest} -macopt hexkey:$(od -An -v -tx1 material.bin | tr -d ' \\n') -in message.bin HMAC`);
  return { kms: Buffer.from(kms, 'base64').toString('hex'), openssl: openssl.toLowerCase() };
}

void describe('HMAC material lengths AWS accepts', () => {
  // The long ends (the short ends are each hash's length, imported everywhere else); every end of every
  // range is also checked through the SDK in test/integration/emulator/wrap-roundtrip.test.ts.
  for (const spec of ['HMAC_256', 'HMAC_512'] as const) {
    const { min, max } = RANGES[spec];
    void test(`${spec}: OpenSSL-wrapped material of ${max} bytes imports with AWS CLI v2 and KMS MACs as openssl does; ${max + 1} bytes is refused`, async () => {
      const cwd = workdir();
      writeFileSync(path.join(cwd, 'material.bin'), randomBytes(max));
      const keyId = await createHmacKey(spec);
      const r = await importWithOpenssl(cwd, keyId);
      assert.equal(r.code, 0, r.stderr);
      const { kms, openssl } = await macs(cwd, keyId, spec);
      assert.equal(kms, openssl, `${spec} with ${max} bytes: KMS computes the MAC with those bytes`);

      const over = workdir();
      writeFileSync(path.join(over, 'material.bin'), randomBytes(max + 1));
      const refused = await importWithOpenssl(over, await createHmacKey(spec));
      assert.notEqual(refused.code, 0, `${max + 1} bytes must be refused`);
      assert.match(refused.stderr, /IncorrectKeyMaterialException/);
      assert.match(refused.stderr, new RegExp(`expected ${min} to ${max} bytes, got ${max + 1}`));
    });
  }
});

void describe('Keyrite with 64-byte HMAC_256 material', () => {
  void test('params fetch → wrap → the printed aws command imports it; one byte more is refused before anything is written', async () => {
    const cwd = workdir();
    const env = isolatedEnv(cwd, { AWS_DEFAULT_REGION: 'us-east-1' });
    writeFileSync(path.join(cwd, 'material.bin'), randomBytes(64));
    const keyId = await createHmacKey('HMAC_256');
    const fetched = await keyrite(
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
        cli.emulator.url,
        '--region',
        'us-east-1',
        '--out',
        'params.json',
      ],
      { cwd, env },
    );
    assert.equal(fetched.code, 0, fetched.stderr);

    writeFileSync(path.join(cwd, 'long.bin'), randomBytes(65));
    const refused = await keyrite(
      ['wrap', '--wrapping-key', 'params.json', '--material', 'long.bin', '--out', 'refused.bin'],
      { cwd, env },
    );
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(
      refused.stderr,
      /HMAC_256 key material must be 32 to 64 bytes, but the material is 65 bytes/,
    );
    assert.match(refused.stderr, /65 bytes fit HMAC_384, HMAC_512/);

    const wrapped = await keyrite(
      [
        'wrap',
        '--wrapping-key',
        'params.json',
        '--material',
        'material.bin',
        '--out',
        'EncryptedKeyMaterial.bin',
      ],
      { cwd, env },
    );
    assert.equal(wrapped.code, 0, wrapped.stderr);
    assert.match(wrapped.stdout, /material +HMAC_256, 64 bytes/);
    const lines = wrapped.stdout.split('\n');
    const start = lines.findIndex((l) => l.startsWith('aws kms import-key-material'));
    assert.ok(start >= 0, wrapped.stdout);
    let end = start;
    while ((lines[end] ?? '').endsWith('\\')) end++;
    const imported = await cli.sh(`cd "${cwd}"\n${lines.slice(start, end + 1).join('\n')}`);
    assert.equal(imported.code, 0, imported.stderr);
    const { kms, openssl } = await macs(cwd, keyId, 'HMAC_256');
    assert.equal(kms, openssl);
  });

  void test('a ceremony imports 64-byte HMAC_256 material from a file; KMS MACs as openssl does under the file', async () => {
    const cwd = workdir();
    const env = isolatedEnv(cwd, { AWS_DEFAULT_REGION: 'us-east-1' });
    writeFileSync(path.join(cwd, 'material.bin'), randomBytes(64));
    writeFileSync(
      path.join(cwd, 'plan.yaml'),
      `version: 1
name: 'HMAC_256 with 64 bytes of material from a file'
target:
  provider: aws
  region: us-east-1
  accountId: '111122223333'
  key:
    create: { alias: alias/keyrite-hmac-64, keySpec: HMAC_256, keyUsage: GENERATE_VERIFY_MAC }
wrapping: { algorithm: RSAES_OAEP_SHA_256, keySpec: RSA_3072 }
expiration: { model: KEY_MATERIAL_DOES_NOT_EXPIRE }
material: { mode: existing-file, file: material.bin }
backup: { shares: false }
participants:
  administrator: { id: admin, name: Admin }
  custodians:
    - { id: custodian-1, name: Custodian 1 }
    - { id: custodian-2, name: Custodian 2 }
  witnesses: []
quorum: { m: 2 }
guardedSteps: [generate-material, import]
`,
    );
    const r = await keyrite(
      [
        'rehearse',
        '--plan',
        'plan.yaml',
        '--endpoint',
        cli.emulator.url,
        '--out',
        path.join(cwd, 'ceremony'),
      ],
      { cwd, env: { ...env, KEYRITE_TEST: '1', KEYRITE_TEST_SCRYPT_LOG2N: '10' } },
    );
    assert.equal(r.code, 0, r.stderr);
    const arn = /key ARN: +(\S+)/.exec(r.stdout)?.[1];
    assert.ok(arn, r.stdout);
    assert.match(readFileSync(path.join(cwd, 'ceremony', 'report.html'), 'utf8'), /HMAC_256/);
    const { kms, openssl } = await macs(cwd, arn, 'HMAC_256');
    assert.equal(kms, openssl, 'the key made by the ceremony holds the 64 bytes of the file');
  });
});

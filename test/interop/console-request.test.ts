// The offline station with the AWS console or CLI as its online half: AWS CLI v2 makes the key and
// fetches the import parameters from the emulator (its JSON, and a console-style ImportParameters.zip
// built from them), `keyrite ceremony run --station offline --console-request` wraps, and the
// `aws kms import-key-material` it prints is run as printed. The key must be Enabled, hold exactly the
// material (an emulator ciphertext opens under it) and have the printed KCV (openssl's AES-CMAC).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { zipSync } from 'fflate';
import { defaultRehearsalPlan } from '../../src-main/ceremony/default-plan.js';
import { openSymmetric, parseSymmetric } from '../../src-main/emulator/ciphertext.js';
import { verifyDatabase } from '../../src-main/audit/verify-database.js';
import { openLogReadOnly } from '../../src-main/audit/opened-log.js';
import { isolatedEnv, keyrite } from '../integration/cli/harness/launcher.js';
import { STATION_PASSPHRASE, passphrasesFor } from '../integration/ceremony/harness/ceremony.js';
import { type CliHarness, startCliHarness } from './harness/awscli.js';

let h: CliHarness;
void before(async () => {
  h = await startCliHarness();
});
void after(() => h.close());

const env = () =>
  isolatedEnv(h.dir, {
    KEYRITE_TEST: '1',
    KEYRITE_TEST_SCRYPT_LOG2N: '10',
    KEYRITE_STATION_PASSPHRASE: STATION_PASSPHRASE,
  });

/** A key made in the "console" (AWS CLI), and a split plan naming it, with material the test knows. */
async function consoleKey(name: string): Promise<{ keyId: string; planFile: string; material: Buffer }> {
  const keyId = await h.ok(
    'aws kms create-key --origin EXTERNAL --key-spec SYMMETRIC_DEFAULT --query KeyMetadata.KeyId --output text',
  );
  const dir = path.join(h.dir, name);
  mkdirSync(dir);
  const material = randomBytes(32);
  writeFileSync(path.join(dir, 'material.bin'), material, { mode: 0o600 });
  const plan = defaultRehearsalPlan() as Record<string, unknown> & { target: Record<string, unknown> };
  plan['stations'] = 'split';
  plan.target['key'] = { existing: { keyId, keySpec: 'SYMMETRIC_DEFAULT' } };
  plan['material'] = { mode: 'existing-file', file: 'material.bin' };
  const planFile = path.join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  writeFileSync(path.join(dir, 'pass.txt'), passphrasesFor(4));
  mkdirSync(path.join(dir, 'usb'));
  return { keyId, planFile, material };
}

async function fetchParams(keyId: string, file: string): Promise<Record<string, string | number>> {
  await h.ok(
    `aws kms get-parameters-for-import --key-id ${keyId} --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 --output json > ${file}`,
  );
  return JSON.parse(readFileSync(path.join(h.dir, file), 'utf8')) as Record<string, string | number>;
}

function offline(name: string, request: string, extra: string[] = []) {
  const dir = path.join(h.dir, name);
  return keyrite(
    [
      'ceremony',
      'run',
      '--plan',
      path.join(dir, 'plan.json'),
      '--station',
      'offline',
      '--out',
      path.join(dir, 'offline'),
      '--media',
      path.join(dir, 'usb'),
      '--console-request',
      request,
      '--yes',
      '--passphrase-file',
      path.join(dir, 'pass.txt'),
      ...extra,
    ],
    { cwd: dir, env: env() },
  );
}

/** Runs the printed command exactly as printed, in the printed folder (`aws` is the CLI at the emulator). */
async function uploadAsPrinted(out: string): Promise<string> {
  const dir = /wrote the response for the AWS console or CLI (\S+)/.exec(out)?.[1];
  assert.ok(dir, out);
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.trim() === 'aws kms import-key-material \\');
  assert.ok(start > 0, out);
  const command = [];
  for (let i = start; ; i++) {
    command.push(lines[i]!.trim());
    if (!lines[i]!.endsWith('\\')) break;
  }
  await h.ok(`cd ${dir}\n${command.join('\n')}`);
  return dir;
}

async function assertImported(keyId: string, material: Buffer, kcv: string): Promise<void> {
  assert.equal(
    await h.ok(`aws kms describe-key --key-id ${keyId} --query KeyMetadata.KeyState --output text`),
    'Enabled',
  );
  const ct = await h.ok(
    `printf 'console interop' > pt.bin && aws kms encrypt --key-id ${keyId} --plaintext fileb://pt.bin --query CiphertextBlob --output text`,
  );
  assert.equal(
    await h.ok(
      `echo ${ct} | base64 -d > ct.bin && aws kms decrypt --ciphertext-blob fileb://ct.bin --query Plaintext --output text | base64 -d`,
    ),
    'console interop',
  );
  // The emulator's ciphertext opens under the material the test gave: KMS holds exactly it.
  const parsed = parseSymmetric(Buffer.from(ct, 'base64'));
  assert.ok(parsed);
  assert.equal(openSymmetric(parsed, material, undefined)?.toString(), 'console interop');
  // openssl's AES-CMAC of one zero block, first 3 bytes: the KCV the station printed.
  const mac = await h.ok(
    `head -c 16 /dev/zero | openssl mac -cipher AES-256-CBC -macopt hexkey:${material.toString('hex')} CMAC`,
  );
  assert.equal(mac.slice(0, 6).toUpperCase(), kcv);
}

void test('CLI JSON as the request: a refused expired request is recorded, the right one wraps, the printed command imports', async () => {
  const { keyId, material } = await consoleKey('json');
  const params = await fetchParams(keyId, 'json/params.json');
  const requestFile = path.join(h.dir, 'json', 'params.json');
  const usb = path.join(h.dir, 'json', 'usb');
  const offDir = path.join(h.dir, 'json', 'offline');

  // Expired parameters: refused with a code, recorded in the station's log, nothing on the medium.
  const expiredFile = path.join(h.dir, 'json', 'expired.json');
  writeFileSync(expiredFile, JSON.stringify({ ...params, ParametersValidTo: '2023-11-14T22:13:20+00:00' }));
  const refused = await offline('json', expiredFile);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /these import parameters expired at 2023-11-14T22:13:20/);
  assert.deepEqual(readdirSync(usb), []);
  const refusals = openLogReadOnly(path.join(offDir, 'audit.db')).records.filter(
    (x) => x.type === 'bundle.refused',
  );
  assert.equal(refusals.length, 1);
  assert.equal((refusals[0]!.payload as { code: string }).code, 'PARAMS_EXPIRED');
  assert.equal(
    (refusals[0]!.payload as { bundleDigest?: string }).bundleDigest,
    await h.ok('openssl dgst -sha256 -r json/expired.json | cut -d" " -f1'),
  );

  // The right request, with --resume: the station says it is unsigned and shows the fingerprint.
  const run = await offline('json', requestFile, ['--resume']);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.match(run.stdout, /NO station signature/);
  assert.match(run.stdout, /\(CLI JSON\)/);
  assert.match(run.stdout, /the plan's: the request does not name it/);
  const fp = /wrapping key: +RSA_2048, SHA-256 ([0-9a-f]{64})/.exec(run.stdout)?.[1];
  assert.equal(
    fp,
    await h.ok(
      `node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync("json/params.json")).PublicKey)' | base64 -d | openssl dgst -sha256 -r | cut -d" " -f1`,
    ),
  );
  assert.match(run.stdout, /upload as printed/);
  const dir = await uploadAsPrinted(run.stdout);
  assert.deepEqual(readdirSync(dir).sort(), ['EncryptedKeyMaterial.bin', 'ImportToken.bin', 'README.txt']);
  const readme = readFileSync(path.join(dir, 'README.txt'), 'utf8');
  assert.match(readme, /no station signature/);
  const readmeKcv = /check value \(KCV\): ([0-9A-F]{6})/.exec(readme)?.[1];
  assert.ok(readmeKcv);
  await assertImported(keyId, material, readmeKcv);

  // The log holds the request's digest and every response file's; it verifies.
  assert.ok(verifyDatabase(path.join(offDir, 'audit.db')).result.ok);
  const done = openLogReadOnly(path.join(offDir, 'audit.db'));
  {
    const req = done.records.find((x) => x.type === 'bundle.console-request')?.payload as
      { requestDigest: string; signed: boolean } | undefined;
    assert.equal(req?.requestDigest, await h.ok('openssl dgst -sha256 -r json/params.json | cut -d" " -f1'));
    assert.equal(req?.signed, false);
    const resp = done.records.find((x) => x.type === 'bundle.console-response')?.payload as
      { files: { name: string; digest: string }[] } | undefined;
    assert.ok(resp);
    for (const f of resp.files)
      assert.equal(f.digest, await h.ok(`openssl dgst -sha256 -r ${path.join(dir, f.name)} | cut -d" " -f1`));
    assert.ok(!done.records.some((x) => x.type === 'intent' && JSON.stringify(x.payload).includes('"kms.')));
  }
});

void test('the console’s ImportParameters.zip as the request: wrapped, imported with the printed command', async () => {
  const { keyId, material } = await consoleKey('zip');
  const p = await fetchParams(keyId, 'zip/params.json');
  const ts = '1202093000';
  const validTo = new Date(String(p['ParametersValidTo'])).toISOString();
  const zip = zipSync({
    [`wrappingKey_${keyId}_${ts}`]: Buffer.from(String(p['PublicKey']), 'base64'),
    [`importToken_${keyId}_${ts}`]: Buffer.from(String(p['ImportToken']), 'base64'),
    [`README_${keyId}_${ts}.txt`]: Buffer.from(
      `Wrapping algorithm: RSAES_OAEP_SHA_256\nWrapping key spec: RSA_2048\nThe wrapping key and import token expire at: ${validTo}\n`,
    ),
  });
  const zipFile = path.join(h.dir, 'zip', 'ImportParameters.zip');
  writeFileSync(zipFile, zip);
  const run = await offline('zip', zipFile);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.match(run.stdout, /\(console zip\)/);
  assert.match(run.stdout, /RSAES_OAEP_SHA_256 \(named by the request\)/);
  const dir = await uploadAsPrinted(run.stdout);
  const kcv = /check value \(KCV\): ([0-9A-F]{6})/.exec(
    readFileSync(path.join(dir, 'README.txt'), 'utf8'),
  )?.[1];
  assert.ok(kcv);
  await assertImported(keyId, material, kcv);
  assert.ok(existsSync(path.join(h.dir, 'zip', 'offline', 'audit.db')));
});

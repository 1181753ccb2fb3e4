import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { FIXTURES, fixture } from '../unit/wrap/harness/helpers.js';
import { openssl, requireOpenssl } from '../unit/wrap/harness/openssl-oracle.js';

// `keyrite wrap --for gcp|azure` as a person types it: the real launcher (built by `npm test`), files
// on disk, the printed upload command run through bash, the output unwrapped by openssl.
requireOpenssl();
const LAUNCHER = path.resolve(__dirname, '../../src-main/cli/keyrite.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'keyrite cloud wrap-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);

function keyrite(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [LAUNCHER, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs the printed command in bash with the cloud CLI replaced by a function that lists its words. */
function argvOf(command: string, program: 'gcloud' | 'az'): string[] {
  const r = spawnSync('/bin/bash', ['-c', `${program}() { printf '%s\\n' "$@"; }; ${command}`], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trimEnd().split('\n');
}

function uploadLine(out: string): string {
  const lines = out.split('\n');
  const i = lines.indexOf('upload with');
  assert.ok(i >= 0, out);
  return (lines[i + 1] ?? '').trim();
}

function unwrapRsaAes(wrapped: Buffer, bits: number, hash: 'sha1' | 'sha256'): Buffer {
  const keyPem = path.join(FIXTURES, `wrapping-rsa-${bits}.key.pem`);
  const k = bits / 8;
  writeFileSync(at('rsa-part'), wrapped.subarray(0, k));
  writeFileSync(at('kw-part'), wrapped.subarray(k));
  const aes = openssl([
    'pkeyutl',
    '-decrypt',
    '-inkey',
    keyPem,
    '-in',
    at('rsa-part'),
    '-pkeyopt',
    'rsa_padding_mode:oaep',
    '-pkeyopt',
    `rsa_oaep_md:${hash}`,
    '-pkeyopt',
    `rsa_mgf1_md:${hash}`,
  ]);
  return openssl([
    'enc',
    '-d',
    '-id-aes256-wrap-pad',
    '-K',
    aes.toString('hex'),
    '-iv',
    'A65959A6',
    '-in',
    at('kw-part'),
  ]);
}

const ecMaterial = path.join(FIXTURES, 'material-ec-p256.p8.der');
const jobFile = (expireTime: string, name: string) => {
  const p = at(name);
  writeFileSync(
    p,
    toYaml({
      expireTime,
      importMethod: 'RSA_OAEP_4096_SHA256_AES_256',
      name: 'projects/keyrite-test/locations/global/keyRings/ceremony/importJobs/job-7',
      protectionLevel: 'SOFTWARE',
      publicKey: { pem: fixture('wrapping-rsa-4096.pub.pem').toString('utf8') },
      state: 'ACTIVE',
    }),
  );
  return p;
};

void test('wrap --for gcp: writes the wrapped key file, prints the check value and a gcloud command bash passes intact', () => {
  const job = jobFile(new Date(Date.now() + 86_400_000).toISOString(), 'job.yaml');
  const out = at('wrapped key.bin');
  const r = keyrite([
    'wrap',
    '--for',
    'gcp',
    '--import-job',
    job,
    '--algorithm',
    'ec-sign-p256-sha256',
    '--key',
    'payments signer',
    '--material',
    ecMaterial,
    '--out',
    out,
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /PUBLIC_KEY_SHA256 [0-9a-f]{64}/);
  assert.equal(statSync(out).mode & 0o777, 0o600);
  const argv = argvOf(uploadLine(r.out), 'gcloud');
  assert.deepEqual(argv, [
    'kms',
    'keys',
    'versions',
    'import',
    '--project=keyrite-test',
    '--location=global',
    '--keyring=ceremony',
    '--key=payments signer',
    '--import-job=job-7',
    '--algorithm=ec-sign-p256-sha256',
    `--wrapped-key-file=${out}`,
  ]);
  assert.ok(unwrapRsaAes(readFileSync(out), 4096, 'sha256').equals(readFileSync(ecMaterial)));
});

void test('wrap --for gcp: an expired import job is refused before any file is written', () => {
  const job = jobFile(new Date(Date.now() - 1000).toISOString(), 'expired.yaml');
  const out = at('never.bin');
  const r = keyrite([
    'wrap',
    '--for',
    'gcp',
    '--import-job',
    job,
    '--algorithm',
    'ec-sign-p256-sha256',
    '--key',
    'k',
    '--material',
    ecMaterial,
    '--out',
    out,
  ]);
  assert.equal(r.code, 1);
  assert.match(r.err, /import job expired/);
  assert.match(r.err, /hint: create a new import job/);
  assert.equal(existsSync(out), false);
});

void test('wrap --for azure: writes the .byok JSON and an az command that bash passes intact', () => {
  const kid = 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK/0123456789abcdef0123456789abcdef';
  const jwk = createPublicKey(fixture('wrapping-rsa-2048.pub.pem')).export({ format: 'jwk' });
  const kek = at('kek.json');
  writeFileSync(
    kek,
    JSON.stringify({
      attributes: { enabled: true },
      key: { kid, kty: 'RSA-HSM', keyOps: ['import'], n: jwk.n, e: jwk.e },
    }),
  );
  const out = at('payments.byok');
  const r = keyrite([
    'wrap',
    '--for',
    'azure',
    '--kek',
    kek,
    '--name',
    'payments-ec',
    '--material',
    ecMaterial,
    '--out',
    out,
  ]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(argvOf(uploadLine(r.out), 'az'), [
    'keyvault',
    'key',
    'import',
    '--vault-name=contoso-byok',
    '--name=payments-ec',
    `--byok-file=${out}`,
    '--kty=EC',
    '--curve=P-256',
  ]);
  const byok = JSON.parse(readFileSync(out, 'utf8')) as { header: { kid: string }; ciphertext: string };
  assert.equal(byok.header.kid, kid);
  assert.ok(
    unwrapRsaAes(Buffer.from(byok.ciphertext, 'base64url'), 2048, 'sha1').equals(readFileSync(ecMaterial)),
  );
});

void test('wrap --for: an unknown cloud and flags of the other cloud are usage errors', () => {
  const r = keyrite(['wrap', '--for', 'oracle', '--material', ecMaterial, '--out', at('x')]);
  assert.equal(r.code, 1);
  assert.match(r.err, /--for aws \(the default\), --for gcp or --for azure/);
  const k = keyrite(['wrap', '--for', 'azure', '--import-job', 'x', '--out', at('y')]);
  assert.equal(k.code, 1);
  assert.match(k.err, /--import-job is for --for gcp/);
});

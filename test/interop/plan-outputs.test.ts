// A plan's outputs for Google Cloud KMS and Azure Key Vault, as a team runs them: `keyrite rehearse`
// through the launcher with the material from a file the test made (material.mode existing-file, the
// same test-only way the cloud-wrap interop tests hold the material), then every file the ceremony wrote
// in outputs/ unwrapped by the openssl command line, byte for byte, and the log and hand-over checked.
import assert from 'node:assert/strict';
import { createPublicKey, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { loadLog } from '../../src-main/audit/load-log.js';
import { defaultRehearsalPlan } from '../../src-main/ceremony/default-plan.js';
import { sha256Hex } from '../../src-shared/digests.js';
import { FIXTURES, fixture } from '../unit/wrap/harness/helpers.js';
import { Scratchpad, openssl, requireOpenssl } from '../unit/wrap/harness/openssl-oracle.js';
import { secretForms } from '../e2e/harness/secret-forms.js';
import { isolatedEnv, keyrite, keyriteSync } from '../integration/cli/harness/launcher.js';

requireOpenssl();
const pad = new Scratchpad();
const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-plan-outputs-'));
after(() => {
  pad.remove();
  rmSync(dir, { recursive: true, force: true });
});
const env = isolatedEnv(dir, { KEYRITE_TEST: '1', KEYRITE_TEST_SCRYPT_LOG2N: '10' });
const HOUR = 3_600_000;
const HSM_KID = 'https://contoso-hsm.managedhsm.azure.net/keys/keyrite-kek/0123456789abcdef0123456789abcdef';
const keyPem = (bits: number): string => path.join(FIXTURES, `wrapping-rsa-${bits}.key.pem`);

/** `gcloud kms import-jobs describe` as it prints an ACTIVE job (YAML). */
function importJob(file: string, method: string, bits: number, expireTime: Date, job = 'job-1'): string {
  writeFileSync(
    path.join(dir, file),
    toYaml({
      createTime: new Date(expireTime.getTime() - 72 * HOUR).toISOString(),
      expireTime: expireTime.toISOString(),
      importMethod: method,
      name: `projects/keyrite-test/locations/europe-west1/keyRings/payments/importJobs/${job}`,
      protectionLevel: 'HSM',
      publicKey: { pem: fixture(`wrapping-rsa-${bits}.pub.pem`).toString('utf8') },
      state: 'ACTIVE',
    }),
  );
  return file;
}

/** `az keyvault key show` of an import-only KEK in a Managed HSM. */
function kek(file: string, bits: number): string {
  const jwk = createPublicKey(fixture(`wrapping-rsa-${bits}.pub.pem`)).export({ format: 'jwk' });
  writeFileSync(
    path.join(dir, file),
    JSON.stringify({
      attributes: { enabled: true },
      key: { kid: HSM_KID, kty: 'RSA-HSM', keyOps: ['import'], n: jwk.n, e: jwk.e },
    }),
  );
  return file;
}

/** The built-in plan with the material from material.bin, and no guardedSteps: outputs then guard wrap. */
function plan(name: string, outputs: unknown[], alias: string): string {
  const file = path.join(dir, name);
  const { guardedSteps: _, ...rest } = defaultRehearsalPlan(`alias/${alias}`);
  writeFileSync(
    file,
    JSON.stringify({
      ...rest,
      material: { mode: 'existing-file', file: 'material.bin' },
      backup: { shares: false },
      outputs,
    }),
  );
  return file;
}

function oaep(key: string, hash: 'sha1' | 'sha256', data: Buffer): Buffer {
  return openssl([
    'pkeyutl',
    '-decrypt',
    '-inkey',
    key,
    '-in',
    pad.file(data),
    '-pkeyopt',
    'rsa_padding_mode:oaep',
    '-pkeyopt',
    `rsa_oaep_md:${hash}`,
    '-pkeyopt',
    `rsa_mgf1_md:${hash}`,
  ]);
}

/** CKM_RSA_AES_KEY_WRAP undone by openssl: RSA-OAEP of the AES key, then RFC 5649 (-id-aes256-wrap-pad). */
function rsaAesUnwrap(wrapped: Buffer, key: string, bits: number, hash: 'sha1' | 'sha256'): Buffer {
  const aes = oaep(key, hash, wrapped.subarray(0, bits / 8));
  assert.equal(aes.length, 32);
  return openssl([
    'enc',
    '-d',
    '-id-aes256-wrap-pad',
    '-K',
    aes.toString('hex'),
    '-iv',
    'A65959A6',
    '-in',
    pad.file(wrapped.subarray(bits / 8)),
  ]);
}

void test('keyrite rehearse with outputs: every Google and Azure file unwraps with openssl to the exact material; the log and the hand-over say what was written', async () => {
  const material = randomBytes(32);
  writeFileSync(path.join(dir, 'material.bin'), material, { mode: 0o600 });
  const soon = new Date(Date.now() + 48 * HOUR);
  const file = plan(
    'outputs.json',
    [
      {
        cloud: 'gcp',
        importJob: importJob('job-aes.yaml', 'RSA_OAEP_3072_SHA256_AES_256', 3072, soon),
        algorithm: 'google-symmetric-encryption',
        key: 'payments',
      },
      {
        cloud: 'gcp',
        importJob: importJob('job-sha1.yaml', 'RSA_OAEP_4096_SHA1_AES_256', 4096, soon, 'job-2'),
        algorithm: 'aes-256-gcm',
        key: 'payments-gcm',
      },
      {
        // A bare PEM (the console's "Download wrapping key"): the plan says its method and name.
        cloud: 'gcp',
        importJob: path.join(FIXTURES, 'wrapping-rsa-3072.pub.pem'),
        importMethod: 'rsa-oaep-3072-sha256',
        importJobName: 'projects/keyrite-test/locations/global/keyRings/payments/importJobs/job-3',
        algorithm: 'google-symmetric-encryption',
        key: 'payments-raw',
      },
      { cloud: 'azure', kek: kek('kek.json', 2048), name: 'payments-key' },
    ],
    'keyrite-outputs',
  );
  const out = path.join(dir, 'out');
  const r = await keyrite(['rehearse', '--plan', file, '--out', out], { cwd: dir, env });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^✓ wrap( |$)/m);

  const names = readdirSync(path.join(out, 'outputs')).sort();
  assert.deepEqual(names, [
    'azure-4-payments-key.byok',
    'gcp-1-payments.bin',
    'gcp-2-payments-gcm.bin',
    'gcp-3-payments-raw.bin',
  ]);
  const bytes = (n: string) => readFileSync(path.join(out, 'outputs', n));
  assert.deepEqual(rsaAesUnwrap(bytes('gcp-1-payments.bin'), keyPem(3072), 3072, 'sha256'), material);
  assert.deepEqual(rsaAesUnwrap(bytes('gcp-2-payments-gcm.bin'), keyPem(4096), 4096, 'sha1'), material);
  assert.deepEqual(oaep(keyPem(3072), 'sha256', bytes('gcp-3-payments-raw.bin')), material);
  const byok = JSON.parse(bytes('azure-4-payments-key.byok').toString('utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(byok), ['schema_version', 'header', 'ciphertext', 'generator']);
  assert.deepEqual(byok['header'], { kid: HSM_KID, alg: 'dir', enc: 'CKM_RSA_AES_KEY_WRAP' });
  const ciphertext = Buffer.from(String(byok['ciphertext']), 'base64url');
  assert.deepEqual(rsaAesUnwrap(ciphertext, keyPem(2048), 2048, 'sha1'), material);

  // The log: each file with its digest and command, the wrap step under quorum, never the material.
  const records = loadLog(path.join(out, 'audit.db')).records;
  const written = records.filter((x) => x.type === 'wrap.output').map((x) => x.payload);
  assert.equal(written.length, 4);
  for (const w of written) {
    const f = String(w['file']);
    assert.equal(w['outputDigest'], sha256Hex(readFileSync(path.join(out, f))), `${f}: digest recorded`);
    assert.equal(w['bytes'], readFileSync(path.join(out, f)).length);
  }
  assert.equal(
    written[0]?.['command'],
    'gcloud kms keys versions import --project=keyrite-test --location=europe-west1 --keyring=payments --key=payments --import-job=job-1 --algorithm=google-symmetric-encryption --wrapped-key-file=outputs/gcp-1-payments.bin',
  );
  assert.equal(
    written[3]?.['command'],
    'az keyvault key import --hsm-name=contoso-hsm --name=payments-key --byok-file=outputs/azure-4-payments-key.byok --kty=oct',
  );
  const quorum = records.find((x) => x.type === 'step.quorum-met' && x.payload['stepId'] === 'wrap');
  assert.ok(quorum, 'the wrap step that writes the outputs met its quorum');
  const db = readFileSync(path.join(out, 'audit.db'));
  for (const form of secretForms(material))
    assert.ok(!db.includes(Buffer.from(form)), 'the material is not in the log in any encoding');

  const sheet = readFileSync(path.join(out, 'handover.txt'), 'utf8');
  for (const w of written)
    assert.ok(sheet.includes(`    ${String(w['command'])}\n`), `${String(w['file'])} on the sheet`);
  assert.match(
    sheet,
    /^ {2}Google Cloud KMS: outputs\/gcp-1-payments\.bin \(\d+ bytes, SHA-256 [0-9a-f]{64}\)$/m,
  );
  assert.match(sheet, /^ {2}Azure Key Vault: outputs\/azure-4-payments-key\.byok/m);

  const verified = keyriteSync(['audit', 'verify', path.join(out, 'audit.db')], { cwd: dir });
  assert.equal(verified.code, 0, verified.stderr);
});

void test('outputs a cloud would refuse are refused before anyone enrolls, and leave no directory', async () => {
  writeFileSync(path.join(dir, 'material.bin'), randomBytes(32), { mode: 0o600 });
  const expired = plan(
    'expired.json',
    [
      {
        cloud: 'gcp',
        importJob: importJob(
          'job-old.yaml',
          'RSA_OAEP_3072_SHA256_AES_256',
          3072,
          new Date(Date.now() - HOUR),
        ),
        algorithm: 'google-symmetric-encryption',
        key: 'payments',
      },
    ],
    'keyrite-expired',
  );
  const r = await keyrite(['rehearse', '--plan', expired, '--out', path.join(dir, 'refused')], {
    cwd: dir,
    env,
  });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /plan output 1 \(gcp\): this import job expired at .* \(import jobs last 3 days\)/);
  assert.doesNotMatch(r.stdout, /enrolled/);
  assert.ok(!existsSync(path.join(dir, 'refused')), 'no ceremony directory after the refusal');

  // Offline, by plan check: the algorithm is for another material, and AES into a vault (not an HSM).
  const wrong = plan(
    'wrong.json',
    [
      { cloud: 'gcp', importJob: 'job-aes.yaml', algorithm: 'hmac-sha256', key: 'mac' },
      {
        cloud: 'azure',
        kek: 'kek.pem',
        kid: 'https://contoso.vault.azure.net/keys/kek/0123456789abcdef0123456789abcdef',
        name: 'payments-key',
      },
    ],
    'keyrite-wrong',
  );
  const c = keyriteSync(['plan', 'check', wrong], { cwd: dir });
  assert.equal(c.code, 1, c.stdout + c.stderr);
  assert.match(
    c.stdout + c.stderr,
    /output 1 \(gcp\): Cloud KMS algorithm hmac-sha256 takes HMAC_256 material, this ceremony makes SYMMETRIC_DEFAULT/,
  );
  assert.match(c.stdout + c.stderr, /output 2 \(azure\): Key Vault imports AES keys only into a Managed HSM/);
});

void test('keyrite rehearse --air-gapped with outputs: the offline station writes them beside the response, the online hand-over shows them as logged offline, the logs join', async () => {
  const material = randomBytes(32);
  writeFileSync(path.join(dir, 'material.bin'), material, { mode: 0o600 });
  const soon = new Date(Date.now() + 48 * HOUR);
  const file = plan(
    'split-outputs.json',
    [
      {
        cloud: 'gcp',
        importJob: importJob('job-split.yaml', 'RSA_OAEP_3072_SHA256_AES_256', 3072, soon, 'job-s'),
        algorithm: 'google-symmetric-encryption',
        key: 'payments',
      },
      { cloud: 'azure', kek: kek('kek-split.json', 2048), name: 'payments-key' },
    ],
    'keyrite-split-outputs',
  );
  const out = path.join(dir, 'split');
  const r = await keyrite(['rehearse', '--air-gapped', '--plan', file, '--out', out], { cwd: dir, env });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const names = ['outputs/azure-2-payments-key.byok', 'outputs/gcp-1-payments.bin'];

  // The offline station wrote them (its own outputs/ and a new folder beside the response on the medium).
  const media = path.join(out, 'media');
  const responses = readdirSync(media).filter((n) => /-response-\d+$/.test(n));
  assert.equal(responses.length, 1, readdirSync(media).join(', '));
  const folder = responses[0]!.replace(/-response-(\d+)$/, '-outputs-$1');
  assert.ok(existsSync(path.join(media, folder)), `${folder} beside ${responses[0]}`);
  const offlineBytes = (n: string) => readFileSync(path.join(out, 'offline', n));
  const carried = (n: string) => readFileSync(path.join(media, folder, n));
  for (const n of names)
    assert.deepEqual(carried(n), offlineBytes(n), `${n}: the medium copy is the file logged`);
  assert.ok(!existsSync(path.join(out, 'online', 'outputs')), 'the online station never holds the files');
  // The files carried to the other clouds unwrap with openssl to the exact material.
  assert.deepEqual(rsaAesUnwrap(carried(names[1]!), keyPem(3072), 3072, 'sha256'), material);
  const byok = JSON.parse(carried(names[0]!).toString('utf8')) as Record<string, unknown>;
  assert.deepEqual(byok['header'], { kid: HSM_KID, alg: 'dir', enc: 'CKM_RSA_AES_KEY_WRAP' });
  const ciphertext = Buffer.from(String(byok['ciphertext']), 'base64url');
  assert.deepEqual(rsaAesUnwrap(ciphertext, keyPem(2048), 2048, 'sha1'), material);

  // The offline log records each file's digest; the response carries those records, never the bytes.
  const offline = loadLog(path.join(out, 'offline', 'audit.db')).records;
  const logged = offline.filter((x) => x.type === 'wrap.output').map((x) => x.payload);
  assert.deepEqual(logged.map((o) => o['file']).sort(), names);
  for (const o of logged)
    assert.equal(
      o['outputDigest'],
      sha256Hex(offlineBytes(String(o['file']))),
      `${String(o['file'])} digest`,
    );
  const response = JSON.parse(readFileSync(path.join(media, responses[0]!, 'response.json'), 'utf8')) as {
    outputs: unknown[];
  };
  assert.deepEqual(response.outputs, logged);
  const manifest = JSON.parse(readFileSync(path.join(media, responses[0]!, 'manifest.json'), 'utf8')) as {
    files: { name: string }[];
  };
  assert.ok(
    !manifest.files.some((f) => /\.(bin|byok)$/.test(f.name) && f.name !== 'EncryptedKeyMaterial.bin'),
  );

  // The online station shows them as logged on the offline station: log, hand-over sheet, join.
  const online = loadLog(path.join(out, 'online', 'audit.db')).records;
  const offlineStation = /^offline station: ([0-9a-f]{64})$/m.exec(r.stdout)?.[1];
  assert.ok(offlineStation, r.stdout);
  const relayed = online.filter((x) => x.type === 'wrap.output').map((x) => x.payload);
  assert.deepEqual(
    relayed,
    logged.map((o) => ({ ...o, offlineStationFingerprint: offlineStation, folder })),
  );
  const sheet = readFileSync(path.join(out, 'online', 'handover.txt'), 'utf8');
  assert.ok(sheet.includes(`other clouds (2; as logged on the offline station ${offlineStation}):\n`), sheet);
  assert.ok(sheet.includes(`in the folder ${folder};`), sheet);
  for (const o of logged) assert.ok(sheet.includes(`    ${String(o['command'])}\n`), `${String(o['file'])}`);
  for (const db of ['online', 'offline'].map((s) => readFileSync(path.join(out, s, 'audit.db'))))
    for (const form of secretForms(material))
      assert.ok(!db.includes(Buffer.from(form)), 'no material in a log');
  const join = keyriteSync(
    [
      'audit',
      'verify',
      path.join(out, 'online', 'audit.db'),
      '--join',
      path.join(out, 'offline', 'audit.db'),
    ],
    { cwd: dir },
  );
  assert.equal(join.code, 0, join.stdout + join.stderr);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import {
  assertGcpImportJobUsable,
  azImportCommand,
  gcloudImportCommand,
  parseAzureKek,
  parseAzureKid,
  parseGcpImportJob,
  parseGcpImportJobName,
  wrapForAzure,
  wrapForGcp,
} from '../../../src-shared/wrap/index.js';
import { observeScratch } from '../../../src-shared/wrap/scratch.js';
import { fixture, material, onlyKeyriteErrors, throwsCode } from './harness/helpers.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const PEM_3072 = fixture('wrapping-rsa-3072.pub.pem').toString('utf8');
const JOB_NAME = 'projects/keyrite-test/locations/europe-west1/keyRings/ceremony/importJobs/job-1';

/** `gcloud kms import-jobs describe` as gcloud prints it (field order and nanosecond times as gcloud's). */
function describe(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    createTime: '2026-11-24T10:00:00.123456789Z',
    expireEventTime: '2026-11-27T10:00:00.123456789Z',
    expireTime: '2026-11-27T10:00:00.123456789Z',
    generateTime: '2026-11-24T10:00:02.468013579Z',
    importMethod: 'RSA_OAEP_3072_SHA256_AES_256',
    name: JOB_NAME,
    protectionLevel: 'HSM',
    publicKey: { pem: PEM_3072 },
    state: 'ACTIVE',
    ...fields,
  };
}

void test('gcp: the describe output is read as YAML (default) and as --format=json, with the same facts', () => {
  for (const text of [toYaml(describe()), JSON.stringify(describe(), null, 2)]) {
    const job = parseGcpImportJob(Buffer.from(text));
    assert.equal(job.method, 'rsa-oaep-3072-sha256-aes-256');
    assert.deepEqual(job.name, {
      project: 'keyrite-test',
      location: 'europe-west1',
      keyRing: 'ceremony',
      importJob: 'job-1',
    });
    assert.equal(job.wrappingKey.bits, 3072);
    assert.equal(job.expireTime?.toISOString(), '2026-11-27T10:00:00.123Z');
    assertGcpImportJobUsable(job, NOW);
  }
  const bare = parseGcpImportJob(Buffer.from(PEM_3072));
  assert.equal(bare.method, undefined);
  assert.equal(bare.wrappingKey.bits, 3072);
});

void test('gcp: expired, inactive, pending and malformed import jobs are refused with a reason', () => {
  const at = (f: Record<string, unknown>) => parseGcpImportJob(Buffer.from(toYaml(describe(f))));
  throwsCode(
    () => assertGcpImportJobUsable(at({}), new Date('2026-11-27T10:00:01Z')),
    'GCP_IMPORT_JOB_EXPIRED',
  );
  throwsCode(() => assertGcpImportJobUsable(at({ state: 'EXPIRED' }), NOW), 'GCP_IMPORT_JOB_EXPIRED');
  const pending = describe({ state: 'PENDING_GENERATION' });
  delete pending.publicKey;
  assert.match(
    throwsCode(() => parseGcpImportJob(Buffer.from(toYaml(pending)))).message,
    /PENDING_GENERATION/,
  );
  throwsCode(() => at({ importMethod: 'RSA_OAEP_2048_SHA256_AES_256' }), 'GCP_IMPORT_JOB_INVALID');
  throwsCode(() => at({ name: 'projects/p/importJobs/j' }), 'GCP_IMPORT_JOB_INVALID');
  throwsCode(() => at({ expireTime: 'soon' }), 'GCP_IMPORT_JOB_INVALID');
  throwsCode(() => parseGcpImportJob(Buffer.from('state: ACTIVE\n')), 'GCP_IMPORT_JOB_INVALID');
  throwsCode(() => parseGcpImportJob(Buffer.alloc(0)), 'GCP_IMPORT_JOB_INVALID');
  throwsCode(() => parseGcpImportJobName('projects/a/locations/b/keyRings/c'), 'GCP_IMPORT_JOB_INVALID');
});

void test('gcp: every byte string and every mutation of a describe output fails only with a coded error', () => {
  const good = Buffer.from(toYaml(describe()));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) =>
      onlyKeyriteErrors(() => parseGcpImportJob(bytes)),
    ),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
      const b = Buffer.from(good);
      b[i] = (b[i] as number) ^ x;
      onlyKeyriteErrors(() => parseGcpImportJob(b));
    }),
    { numRuns: 300 },
  );
});

void test('gcp: refuses what Cloud KMS would refuse, before anything is written', () => {
  const job = parseGcpImportJob(Buffer.from(toYaml(describe())));
  const wrappingKey = job.wrappingKey;
  // Plain RSA-OAEP methods carry symmetric keys only.
  throwsCode(
    () =>
      wrapForGcp({
        material: material('ECC_NIST_P256'),
        algorithm: 'ec-sign-p256-sha256',
        method: 'rsa-oaep-3072-sha256',
        wrappingKey,
      }),
    'WRAP_INCOMPATIBLE',
  );
  // The import method's modulus must be the wrapping key's.
  throwsCode(
    () =>
      wrapForGcp({
        material: material('SYMMETRIC_DEFAULT'),
        algorithm: 'aes-256-gcm',
        method: 'rsa-oaep-4096-sha256-aes-256',
        wrappingKey,
      }),
    'WRAP_INCOMPATIBLE',
  );
  // The algorithm fixes the material: HMAC-SHA384 keys are 48 bytes, rsa-sign-pss-2048 takes RSA-2048.
  throwsCode(
    () =>
      wrapForGcp({
        material: material('HMAC_256'),
        algorithm: 'hmac-sha384',
        method: 'rsa-oaep-3072-sha256',
        wrappingKey,
      }),
    'MATERIAL_SIZE',
  );
  throwsCode(
    () =>
      wrapForGcp({
        material: material('RSA_3072'),
        algorithm: 'rsa-sign-pss-2048-sha256',
        method: 'rsa-oaep-3072-sha256-aes-256',
        wrappingKey,
      }),
    'MATERIAL_SPEC_MISMATCH',
  );
  const sha1 = wrapForGcp({
    material: material('SYMMETRIC_DEFAULT'),
    algorithm: 'google-symmetric-encryption',
    method: 'rsa-oaep-3072-sha1-aes-256',
    wrappingKey,
  });
  assert.match(sha1.warnings.join(), /SHA-1/);
});

void test('gcp and azure: every temporary (ephemeral AES key, padded copy, blocks) is zero afterwards', () => {
  const seen: Buffer[] = [];
  const stop = observeScratch((b) => seen.push(b));
  try {
    const job = parseGcpImportJob(Buffer.from(PEM_3072));
    wrapForGcp({
      material: material('RSA_2048'),
      algorithm: 'rsa-sign-pkcs1-2048-sha256',
      method: 'rsa-oaep-3072-sha256-aes-256',
      wrappingKey: job.wrappingKey,
    });
    const kek = parseAzureKek(
      Buffer.from(PEM_3072),
      'https://v-1.vault.azure.net/keys/kek/0123456789abcdef0123456789abcdef',
      NOW,
    );
    wrapForAzure(material('ECC_NIST_P384'), 'ECC_NIST_P384', kek);
  } finally {
    stop();
  }
  assert.ok(
    seen.filter((b) => b.length === 32).length >= 2,
    'both ephemeral AES keys passed through scratch',
  );
  for (const b of seen)
    assert.ok(
      b.every((x) => x === 0),
      `a ${b.length}-byte temporary was left holding data`,
    );
});

const VAULT_KID = 'https://contoso.vault.azure.net/keys/KEKforBYOK/0123456789abcdef0123456789abcdef';
const jwk = createPublicKey(PEM_3072).export({ format: 'jwk' });
const show = (key: Record<string, unknown>, attributes: Record<string, unknown> = { enabled: true }) =>
  Buffer.from(
    JSON.stringify({
      attributes,
      key: { kid: VAULT_KID, kty: 'RSA-HSM', keyOps: ['import'], n: jwk.n, e: jwk.e, ...key },
    }),
  );

void test('azure: the KEK is read from az key show JSON, a bare JWK (base64 or base64url) or PEM with --kid', () => {
  const a = parseAzureKek(show({}), undefined, NOW);
  assert.equal(a.kid.resource, 'contoso');
  assert.equal(a.kid.kind, 'vault');
  assert.equal(a.importOnly, true);
  const b64 = (s: unknown) => Buffer.from(String(s), 'base64url').toString('base64');
  const bare = Buffer.from(JSON.stringify({ kid: VAULT_KID, kty: 'RSA', n: b64(jwk.n), e: b64(jwk.e) }));
  const b = parseAzureKek(bare, undefined, NOW);
  const c = parseAzureKek(Buffer.from(PEM_3072), VAULT_KID, NOW);
  assert.equal(a.wrappingKey.fingerprintSha256, b.wrappingKey.fingerprintSha256);
  assert.equal(a.wrappingKey.fingerprintSha256, c.wrappingKey.fingerprintSha256);
  const hsm = parseAzureKid(
    'https://contoso-hsm.managedhsm.azure.net/keys/kek/fedcba9876543210fedcba9876543210',
  );
  assert.equal(hsm.kind, 'managedhsm');
  assert.equal(hsm.resource, 'contoso-hsm');
});

void test('azure: a KEK Key Vault would not accept is refused, each with its reason', () => {
  throwsCode(() => parseAzureKek(Buffer.from(PEM_3072), undefined, NOW), 'AZURE_KEK_INVALID');
  throwsCode(
    () => parseAzureKek(show({ keyOps: ['import', 'encrypt'] }), undefined, NOW),
    'AZURE_KEK_INVALID',
  );
  throwsCode(() => parseAzureKek(show({ kty: 'EC-HSM' }), undefined, NOW), 'AZURE_KEK_INVALID');
  throwsCode(
    () => parseAzureKek(show({ kid: 'https://example.com/keys/x' }), undefined, NOW),
    'AZURE_KEK_INVALID',
  );
  throwsCode(() => parseAzureKek(show({}, { enabled: false }), undefined, NOW), 'AZURE_KEK_INVALID');
  throwsCode(
    () => parseAzureKek(show({}, { enabled: true, expires: '2026-11-01T00:00:00+00:00' }), undefined, NOW),
    'AZURE_KEK_EXPIRED',
  );
  throwsCode(
    () => parseAzureKek(show({}), 'https://other.vault.azure.net/keys/kek', NOW),
    'AZURE_KEK_INVALID',
  );
  throwsCode(() => parseAzureKek(show({ n: 'not base64!' }), undefined, NOW), 'AZURE_KEK_INVALID');
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) =>
      onlyKeyriteErrors(() => parseAzureKek(bytes, VAULT_KID, NOW)),
    ),
    { numRuns: 300 },
  );
});

void test('azure: HMAC material and AES material for a vault (not a Managed HSM) are refused', () => {
  const kek = parseAzureKek(show({}), undefined, NOW);
  throwsCode(() => wrapForAzure(material('HMAC_256'), 'HMAC_256', kek), 'WRAP_INCOMPATIBLE');
  assert.match(
    throwsCode(() => wrapForAzure(material('SYMMETRIC_DEFAULT'), 'SYMMETRIC_DEFAULT', kek)).message,
    /Managed HSM/,
  );
});

void test('the printed gcloud and az commands name every flag, and quote what the shell would split', () => {
  const job = parseGcpImportJobName(JOB_NAME);
  assert.equal(
    gcloudImportCommand({
      job,
      key: 'payments',
      algorithm: 'ec-sign-p256-sha256',
      wrappedKeyFile: '/media/usb/wrapped key.bin',
    }),
    "gcloud kms keys versions import --project=keyrite-test --location=europe-west1 --keyring=ceremony --key=payments --import-job=job-1 --algorithm=ec-sign-p256-sha256 --wrapped-key-file='/media/usb/wrapped key.bin'",
  );
  const kek = parseAzureKek(show({}), undefined, NOW);
  assert.equal(
    azImportCommand({ kek, name: 'payments-ec', byokFile: "it's.byok", kty: 'EC', curve: 'P-256K' }),
    "az keyvault key import --vault-name=contoso --name=payments-ec --byok-file='it'\\''s.byok' --kty=EC --curve=P-256K",
  );
});

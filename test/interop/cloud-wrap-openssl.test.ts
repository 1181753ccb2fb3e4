import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import path from 'node:path';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import {
  GCP_ALGORITHMS,
  GCP_IMPORT_METHODS,
  type KeyMaterialSpec,
  gcpMethodParts,
  parseAzureKek,
  parseWrappingPublicKey,
  wrapForAzure,
  wrapForGcp,
} from '../../src-shared/wrap/index.js';
import { FIXTURES, fixture, materialBytes } from '../unit/wrap/harness/helpers.js';
import { Scratchpad, openssl, requireOpenssl } from '../unit/wrap/harness/openssl-oracle.js';

// What Google Cloud KMS and Azure Key Vault do with Keyrite's output, done by the openssl command
// line: RSA-OAEP decrypt (hash and MGF1 hash set explicitly), then RFC 5649 unwrap of the rest.
requireOpenssl();
const pad = new Scratchpad();
after(() => pad.remove());

function oaep(keyPem: string, hash: 'sha1' | 'sha256', data: Buffer): Buffer {
  return openssl([
    'pkeyutl',
    '-decrypt',
    '-inkey',
    keyPem,
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

function opensslRsaAesUnwrap(wrapped: Buffer, keyPem: string, bits: number, hash: 'sha1' | 'sha256'): Buffer {
  const k = bits / 8;
  const aesKey = oaep(keyPem, hash, wrapped.subarray(0, k));
  assert.equal(aesKey.length, 32, 'the ephemeral key is AES-256');
  return openssl([
    'enc',
    '-d',
    '-id-aes256-wrap-pad',
    '-K',
    aesKey.toString('hex'),
    '-iv',
    'A65959A6',
    '-in',
    pad.file(wrapped.subarray(k)),
  ]);
}

const keyPem = (bits: number): string => path.join(FIXTURES, `wrapping-rsa-${bits}.key.pem`);
const pubKey = (bits: number) => parseWrappingPublicKey(fixture(`wrapping-rsa-${bits}.pub.pem`));

/** One Cloud KMS algorithm per material Keyrite makes, so every material kind crosses every method. */
const GCP_CASES = [
  'google-symmetric-encryption',
  'hmac-sha224',
  'hmac-sha512',
  'rsa-sign-pss-2048-sha256',
  'rsa-decrypt-oaep-4096-sha256',
  'ec-sign-p256-sha256',
  'ec-sign-p384-sha384',
  'ec-sign-secp256k1-sha256',
] as const;

for (const method of GCP_IMPORT_METHODS) {
  const parts = gcpMethodParts(method);
  for (const algorithm of GCP_CASES) {
    const spec = GCP_ALGORITHMS[algorithm];
    const symmetric = spec === 'SYMMETRIC_DEFAULT' || spec.startsWith('HMAC_');
    if (!parts.aesKeyWrap && !symmetric) continue; // refused; covered by the unit tests
    void test(`gcp ${method} × ${algorithm}: openssl unwraps the wrapped key file to the exact material`, () => {
      const bytes = materialBytes(spec);
      const material = SecretBuffer.adopt(Buffer.from(bytes));
      const { wrapped } = wrapForGcp({ material, algorithm, method, wrappingKey: pubKey(parts.bits) });
      material.dispose();
      const back = parts.aesKeyWrap
        ? opensslRsaAesUnwrap(wrapped, keyPem(parts.bits), parts.bits, parts.hash)
        : oaep(keyPem(parts.bits), 'sha256', wrapped);
      assert.ok(back.equals(bytes));
      assert.equal(
        wrapped.length,
        parts.aesKeyWrap ? parts.bits / 8 + 8 * Math.ceil(bytes.length / 8) + 8 : parts.bits / 8,
      );
    });
  }
}

const AZURE_SPECS: KeyMaterialSpec[] = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'SYMMETRIC_DEFAULT',
];
const KIDS = {
  vault: 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK/0123456789abcdef0123456789abcdef',
  hsm: 'https://contoso-hsm.managedhsm.azure.net/keys/KEKforBYOK/fedcba9876543210fedcba9876543210',
};

for (const bits of [2048, 3072, 4096]) {
  for (const spec of AZURE_SPECS) {
    void test(`azure .byok RSA-${bits} KEK × ${spec}: documented schema, openssl unwraps the ciphertext`, () => {
      const kid = spec === 'SYMMETRIC_DEFAULT' ? KIDS.hsm : KIDS.vault;
      // The KEK as `az keyvault key show` prints it: a JWK with base64url n and e, keyOps ["import"].
      const jwk = createPublicKey(fixture(`wrapping-rsa-${bits}.pub.pem`)).export({ format: 'jwk' });
      const show = JSON.stringify({
        attributes: { enabled: true, exportable: false },
        key: { kid, kty: 'RSA-HSM', keyOps: ['import'], n: jwk.n, e: jwk.e },
      });
      const kek = parseAzureKek(Buffer.from(show), undefined, new Date());
      const bytes = materialBytes(spec);
      const material = SecretBuffer.adopt(Buffer.from(bytes));
      const r = wrapForAzure(material, spec, kek);
      material.dispose();
      const doc = JSON.parse(r.text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(doc), ['schema_version', 'header', 'ciphertext', 'generator']);
      assert.equal(doc.schema_version, '1.0.0');
      assert.deepEqual(doc.header, { kid, alg: 'dir', enc: 'CKM_RSA_AES_KEY_WRAP' });
      assert.equal(typeof doc.generator, 'string');
      assert.match(doc.ciphertext as string, /^[A-Za-z0-9_-]+$/, 'base64url without padding');
      const ciphertext = Buffer.from(doc.ciphertext as string, 'base64url');
      // The specification's only hash: RSA-OAEP with SHA-1 (and MGF1 SHA-1).
      assert.ok(opensslRsaAesUnwrap(ciphertext, keyPem(bits), bits, 'sha1').equals(bytes));
    });
  }
}

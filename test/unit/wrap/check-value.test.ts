import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { type KeyMaterialSpec, checkValue } from '../../../src-shared/wrap/index.js';
import { ecSpki } from '../../../src-shared/wrap/check-value.js';
import { readPkcs8 } from '../../../src-shared/wrap/pkcs8.js';
import { fixture, hex, material, throwsCode } from './harness/helpers.js';

// Known answers computed with OpenSSL 3.0 (`openssl mac … CMAC`, `openssl enc -aes-256-ecb`,
// `openssl mac -digest SHAn … HMAC` over 32 zero bytes, `openssl pkey -pubout -outform DER | sha256sum`).
const SEQ_KEY = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');

void test('AES-CMAC KCV: first 3 bytes of CMAC(key, zero block), uppercase hex', () => {
  const cv = checkValue(SecretBuffer.adopt(Buffer.from(SEQ_KEY)), 'SYMMETRIC_DEFAULT');
  assert.deepEqual({ kind: cv.kind, value: cv.value }, { kind: 'AES_CMAC', value: '377822' });
  assert.equal(checkValue(material('SYMMETRIC_DEFAULT'), 'SYMMETRIC_DEFAULT').value, '3A145D');
});

void test('legacy AES-ECB KCV on request', () => {
  const cv = checkValue(SecretBuffer.adopt(Buffer.from(SEQ_KEY)), 'SYMMETRIC_DEFAULT', { legacyEcb: true });
  assert.deepEqual({ kind: cv.kind, value: cv.value }, { kind: 'AES_ECB', value: 'F29000' });
});

void test('HMAC check value: HMAC with the key’s own hash over 32 zero bytes, first 3 bytes', () => {
  const expected: [KeyMaterialSpec, string, string][] = [
    ['HMAC_224', 'HMAC_SHA224', '75F1A9'],
    ['HMAC_256', 'HMAC_SHA256', 'D4ACB6'],
    ['HMAC_384', 'HMAC_SHA384', '1166FB'],
    ['HMAC_512', 'HMAC_SHA512', '7EEFD0'],
  ];
  for (const [spec, kind, value] of expected) {
    const cv = checkValue(material(spec), spec);
    assert.deepEqual({ kind: cv.kind, value: cv.value }, { kind, value }, spec);
    assert.match(cv.description, /32 zero bytes/);
  }
});

const FINGERPRINTS: [KeyMaterialSpec, string, string][] = [
  [
    'RSA_2048',
    'material-rsa-2048.p8.der',
    'c03da223831ef89b217a54e0974e0ce82887efe704f4b4c3ab86086c88ee2c2d',
  ],
  [
    'RSA_3072',
    'material-rsa-3072.p8.der',
    'ded70535af414914a373f57221fb4f484066934251ee449b2d298542c0a677e2',
  ],
  [
    'RSA_4096',
    'material-rsa-4096.p8.der',
    '81fd6b712d7a1f10785b89ec55d42afd90bfdfd5a43caf6725081c9d4b825830',
  ],
  [
    'ECC_NIST_P256',
    'material-ec-p256.p8.der',
    '0f7b599d4d12496c680088eab577b2d9e3439a89b65942faf56c0e43ac820580',
  ],
  [
    'ECC_NIST_P384',
    'material-ec-p384.p8.der',
    '477f8649f3049501fa32e76985db7d55bc772fd6c551e56b4b740b5797a96632',
  ],
  [
    'ECC_NIST_P521',
    'material-ec-p521.p8.der',
    'cc2136081ade27443dedf1f1cc0a5e38bef22dc609ccf6878b40128fb2f755b5',
  ],
  [
    'ECC_SECG_P256K1',
    'material-ec-secp256k1.p8.der',
    '9038c942adc0afea9a53759715dfc6e005e1a6a0d0b944562eaf06898ae11036',
  ],
  [
    'ECC_NIST_P256',
    'material-ec-p256-nopub.p8.der',
    '0f00dc8020c5fd915c5a98c0765d46a5f21548d41f7da0547390d9d708bc49ce',
  ],
];

void test('asymmetric material: SHA-256 of the public key’s DER SPKI, as openssl computes it', () => {
  for (const [spec, file, fp] of FINGERPRINTS) {
    const cv = checkValue(SecretBuffer.adopt(fixture(file)), spec);
    assert.deepEqual({ kind: cv.kind, value: cv.value }, { kind: 'PUBLIC_KEY_SHA256', value: fp }, file);
  }
});

void test('the embedded-public-key fallback (for BoringSSL, which lacks secp256k1) gives the same fingerprint', () => {
  for (const [, file, fp] of FINGERPRINTS.filter(([s, f]) => s.startsWith('ECC') && !f.includes('nopub'))) {
    const info = readPkcs8(fixture(file));
    assert.equal(info.kind, 'ecc');
    const spki = info.kind === 'ecc' && info.publicPoint ? ecSpki(info.spec, info.publicPoint) : null;
    assert.ok(spki);
    assert.equal(createHash('sha256').update(spki).digest('hex'), fp, file);
  }
});

void test('a private key whose embedded public key belongs to another key is refused', () => {
  // The embedded point is the last 65 bytes (04 || X || Y); put another valid P-256 point there.
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
    type: 'spki',
    format: 'der',
  });
  const b = fixture('material-ec-p256.p8.der');
  other.copy(b, b.length - 65, other.length - 65);
  throwsCode(() => checkValue(SecretBuffer.adopt(b), 'ECC_NIST_P256'), 'MATERIAL_INCONSISTENT');
  // A point that is not on the curve at all is refused as well, not silently used.
  const c = fixture('material-ec-p256.p8.der');
  c[c.length - 1] = (c[c.length - 1] as number) ^ 1;
  throwsCode(() => checkValue(SecretBuffer.adopt(c), 'ECC_NIST_P256'), 'MATERIAL_INCONSISTENT');
});

void test('check values refuse invalid material like wrap does', () => {
  throwsCode(() => checkValue(SecretBuffer.alloc(16), 'SYMMETRIC_DEFAULT'), 'MATERIAL_SIZE');
});

void test('property: KCVs are 6 uppercase hex digits and never contain the key', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (k) => {
      const keyHex = Buffer.from(k).toString('hex').toUpperCase();
      for (const legacyEcb of [false, true]) {
        const cv = checkValue(SecretBuffer.adopt(Buffer.from(k)), 'SYMMETRIC_DEFAULT', { legacyEcb });
        assert.match(cv.value, /^[0-9A-F]{6}$/);
        assert.notEqual(cv.value, keyHex.slice(0, 6), 'a KCV is not the start of the key');
      }
    }),
    { numRuns: 100 },
  );
});

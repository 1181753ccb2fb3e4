import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import {
  KEY_MATERIAL_SPECS,
  type KeyMaterialSpec,
  detectMaterialSpec,
  validateMaterial,
} from '../../../src-shared/wrap/index.js';
import { fixture, material, materialBytes, onlyKeyriteErrors, throwsCode } from './helpers.js';

void test('every spec accepts its own material', () => {
  for (const spec of KEY_MATERIAL_SPECS) {
    const m = material(spec);
    validateMaterial(m, spec);
    m.dispose();
  }
});

void test('an EC key without its optional public key is still valid material', () => {
  validateMaterial(SecretBuffer.adopt(fixture('material-ec-p256-nopub.p8.der')), 'ECC_NIST_P256');
});

void test('raw material of the wrong length is refused with both lengths in the message', () => {
  const cases: [KeyMaterialSpec, number][] = [
    ['SYMMETRIC_DEFAULT', 16],
    ['SYMMETRIC_DEFAULT', 33],
    ['HMAC_224', 32],
    ['HMAC_256', 28],
    ['HMAC_384', 64],
    ['HMAC_512', 48],
  ];
  for (const [spec, len] of cases) {
    const e = throwsCode(() => validateMaterial(SecretBuffer.alloc(len), spec), 'MATERIAL_SIZE');
    assert.match(e.message, new RegExp(`${len} bytes`));
  }
});

void test('hex text saved where binary was expected gets a hint saying so', () => {
  const e = throwsCode(
    () => validateMaterial(SecretBuffer.adopt(Buffer.from('ab'.repeat(32))), 'SYMMETRIC_DEFAULT'),
    'MATERIAL_SIZE',
  );
  assert.match(e.hint, /text/);
});

void test('asymmetric material must match the declared spec', () => {
  const mismatches: [KeyMaterialSpec, KeyMaterialSpec][] = [
    ['RSA_2048', 'RSA_3072'],
    ['RSA_4096', 'RSA_2048'],
    ['ECC_NIST_P256', 'ECC_SECG_P256K1'],
    ['ECC_SECG_P256K1', 'ECC_NIST_P256'],
    ['ECC_NIST_P521', 'ECC_NIST_P384'],
    ['RSA_2048', 'ECC_NIST_P256'],
  ];
  for (const [actual, declared] of mismatches) {
    const e = throwsCode(() => validateMaterial(material(actual), declared), 'MATERIAL_SPEC_MISMATCH');
    assert.match(e.hint, new RegExp(actual));
  }
});

void test('not-PKCS#8, PEM, Ed25519 and raw bytes are refused as asymmetric material', () => {
  throwsCode(
    () => validateMaterial(SecretBuffer.adopt(fixture('material-ed25519.p8.der')), 'ECC_NIST_P256'),
    'MATERIAL_FORMAT',
  );
  throwsCode(
    () => validateMaterial(SecretBuffer.adopt(fixture('wrapping-rsa-2048.key.pem')), 'RSA_2048'),
    'MATERIAL_FORMAT',
  );
  throwsCode(() => validateMaterial(SecretBuffer.alloc(32), 'ECC_NIST_P256'), 'MATERIAL_FORMAT');
  // An EC scalar of zero or at/above the group order is not a private key.
  const p8 = fixture('material-ec-p256.p8.der');
  const at = p8.indexOf(Buffer.from([0x04, 0x20]), 20) + 2;
  const zero = Buffer.from(p8);
  zero.fill(0, at, at + 32);
  throwsCode(() => validateMaterial(SecretBuffer.adopt(zero), 'ECC_NIST_P256'), 'MATERIAL_FORMAT');
  const big = Buffer.from(p8);
  big.fill(0xff, at, at + 32);
  throwsCode(() => validateMaterial(SecretBuffer.adopt(big), 'ECC_NIST_P256'), 'MATERIAL_FORMAT');
});

void test('error messages never contain the material', () => {
  const bytes = Buffer.from('SECRETSECRETSECRETSECRET1234567890abcdef');
  const e = throwsCode(() => validateMaterial(SecretBuffer.adopt(Buffer.from(bytes)), 'ECC_NIST_P256'));
  assert.doesNotMatch(`${e.message} ${e.hint}`, /SECRET|5345435245/);
});

void test('detectMaterialSpec names PKCS#8 keys and raw lengths', () => {
  for (const spec of ['RSA_3072', 'ECC_NIST_P384', 'ECC_SECG_P256K1', 'HMAC_224', 'HMAC_512'] as const) {
    assert.deepEqual(detectMaterialSpec(material(spec)), { spec, ambiguous: false });
  }
  assert.deepEqual(detectMaterialSpec(material('SYMMETRIC_DEFAULT')), {
    spec: 'SYMMETRIC_DEFAULT',
    ambiguous: true,
  });
  assert.equal(detectMaterialSpec(SecretBuffer.alloc(17)), null);
  // 48 bytes like HMAC_384, but a DER Ed25519 key: not guessed as HMAC.
  assert.equal(detectMaterialSpec(SecretBuffer.adopt(fixture('material-ed25519.p8.der'))), null);
});

void test('property: random, truncated and bit-flipped material only ever fails with a KeyriteError', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 300 }),
      fc.constantFrom(...KEY_MATERIAL_SPECS),
      (b, spec) => {
        onlyKeyriteErrors(() => validateMaterial(SecretBuffer.adopt(Buffer.from(b)), spec));
      },
    ),
    { numRuns: 400 },
  );
  for (const spec of ['RSA_2048', 'ECC_NIST_P256', 'ECC_NIST_P521', 'ECC_SECG_P256K1'] as const) {
    const good = materialBytes(spec);
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.nat(good.length * 8 - 1), (cut, bit) => {
        throwsCode(() => validateMaterial(SecretBuffer.adopt(Buffer.from(good.subarray(0, cut))), spec));
        const flipped = Buffer.from(good);
        flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
        onlyKeyriteErrors(() => validateMaterial(SecretBuffer.adopt(flipped), spec));
      }),
      { numRuns: 150 },
    );
  }
});

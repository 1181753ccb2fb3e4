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
import { fixture, material, materialBytes, onlyKeyriteErrors, throwsCode } from './harness/helpers.js';

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
    ['HMAC_224', 27],
    ['HMAC_224', 65],
    ['HMAC_256', 28],
    ['HMAC_256', 65],
    ['HMAC_384', 47],
    ['HMAC_384', 129],
    ['HMAC_512', 48],
    ['HMAC_512', 129],
  ];
  for (const [spec, len] of cases) {
    const e = throwsCode(() => validateMaterial(SecretBuffer.alloc(len), spec), 'MATERIAL_SIZE');
    assert.match(e.message, new RegExp(`${len} bytes`));
  }
});

void test('HMAC material may be any length AWS imports: from the hash length up to 64 or 128 bytes', () => {
  const ranges = {
    HMAC_224: [28, 64],
    HMAC_256: [32, 64],
    HMAC_384: [48, 128],
    HMAC_512: [64, 128],
  } as const;
  for (const [spec, [min, max]] of Object.entries(ranges) as [KeyMaterialSpec, readonly [number, number]][]) {
    for (let len = min; len <= max; len++)
      assert.equal(validateMaterial(SecretBuffer.adopt(Buffer.alloc(len, 1)), spec), null);
    const e = throwsCode(
      () => validateMaterial(SecretBuffer.adopt(Buffer.alloc(max + 1, 1)), spec),
      'MATERIAL_SIZE',
    );
    assert.equal(
      e.message,
      `${spec} key material must be ${min} to ${max} bytes, but the material is ${max + 1} bytes`,
    );
  }
  // 65 bytes is too long for HMAC_256 but right for HMAC_384 and HMAC_512: the hint names them.
  const e = throwsCode(
    () => validateMaterial(SecretBuffer.adopt(Buffer.alloc(65, 1)), 'HMAC_256'),
    'MATERIAL_SIZE',
  );
  assert.match(e.hint, /65 bytes fit HMAC_384, HMAC_512/);
  // Symmetric material stays exactly 32 bytes.
  assert.match(
    throwsCode(
      () => validateMaterial(SecretBuffer.adopt(Buffer.alloc(33, 1)), 'SYMMETRIC_DEFAULT'),
      'MATERIAL_SIZE',
    ).message,
    /must be exactly 32 bytes/,
  );
});

void test("Google Cloud's rule (the hash's length only) refuses longer HMAC material AWS would take", () => {
  validateMaterial(SecretBuffer.adopt(Buffer.alloc(32, 1)), 'HMAC_256', { hmacLength: 'digest' });
  const e = throwsCode(
    () => validateMaterial(SecretBuffer.adopt(Buffer.alloc(64, 1)), 'HMAC_256', { hmacLength: 'digest' }),
    'MATERIAL_SIZE',
  );
  assert.match(e.message, /must be exactly 32 bytes/);
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
  for (const spec of ['RSA_3072', 'ECC_NIST_P384', 'ECC_SECG_P256K1'] as const) {
    assert.deepEqual(detectMaterialSpec(material(spec)), { spec, ambiguous: false, alsoFits: [] });
  }
  // A hash's length is taken as that HMAC spec, but longer HMAC material of other specs fits too.
  assert.deepEqual(detectMaterialSpec(material('HMAC_224')), {
    spec: 'HMAC_224',
    ambiguous: false,
    alsoFits: [],
  });
  assert.deepEqual(detectMaterialSpec(material('HMAC_512')), {
    spec: 'HMAC_512',
    ambiguous: true,
    alsoFits: ['HMAC_224', 'HMAC_256', 'HMAC_384'],
  });
  assert.deepEqual(detectMaterialSpec(material('SYMMETRIC_DEFAULT')), {
    spec: 'SYMMETRIC_DEFAULT',
    ambiguous: true,
    alsoFits: ['HMAC_224', 'HMAC_256'],
  });
  assert.equal(detectMaterialSpec(SecretBuffer.alloc(17)), null);
  // 40 bytes is HMAC_224 or HMAC_256 material: not guessed.
  assert.equal(detectMaterialSpec(SecretBuffer.adopt(Buffer.alloc(40, 1))), null);
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

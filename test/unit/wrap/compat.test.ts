import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KEY_MATERIAL_SPECS,
  WRAPPING_ALGORITHMS,
  WRAPPING_KEY_SPECS,
  type KeyMaterialSpec,
  type WrappingAlgorithm,
  assertCompatible,
  assertFits,
  rsaMessageLimit,
  algorithmParts,
} from '../../../src-shared/wrap/index.js';
import { throwsCode } from './harness/helpers.js';

/**
 * AWS's table, written out independently of the implementation (API reference, GetParametersForImport
 * WrappingAlgorithm): RSA_AES_KEY_WRAP_* only for RSA and ECC material; RSAES_OAEP_* for all but RSA
 * material, and not P-521 under RSA_2048; RSAES_PKCS1_V1_5 for symmetric and HMAC material only.
 */
function allowed(alg: WrappingAlgorithm, spec: KeyMaterialSpec, wk: string): boolean {
  const rsaMaterial = spec.startsWith('RSA_');
  const eccMaterial = spec.startsWith('ECC_');
  if (alg.startsWith('RSA_AES_KEY_WRAP')) return rsaMaterial || eccMaterial;
  if (rsaMaterial) return false;
  if (alg === 'RSAES_PKCS1_V1_5') return !eccMaterial;
  return !(spec === 'ECC_NIST_P521' && wk === 'RSA_2048');
}

void test('the algorithm × material × wrapping key table matches AWS', () => {
  let refused = 0;
  for (const alg of WRAPPING_ALGORITHMS) {
    for (const spec of KEY_MATERIAL_SPECS) {
      for (const wk of WRAPPING_KEY_SPECS) {
        if (allowed(alg, spec, wk)) {
          assertCompatible(alg, spec, wk);
        } else {
          const e = throwsCode(() => assertCompatible(alg, spec, wk), 'WRAP_INCOMPATIBLE');
          assert.ok(e.hint.length > 0);
          refused++;
        }
      }
    }
  }
  assert.ok(refused > 20);
});

void test('RSA material is told to use RSA_AES_KEY_WRAP', () => {
  const e = throwsCode(
    () => assertCompatible('RSAES_OAEP_SHA_256', 'RSA_2048', 'RSA_4096'),
    'WRAP_INCOMPATIBLE',
  );
  assert.match(e.hint, /RSA_AES_KEY_WRAP_SHA_256/);
});

void test('symmetric and HMAC material with RSA_AES_KEY_WRAP are refused and told to use RSAES_OAEP_SHA_256', () => {
  const cases: [WrappingAlgorithm, KeyMaterialSpec][] = [
    ['RSA_AES_KEY_WRAP_SHA_256', 'SYMMETRIC_DEFAULT'],
    ['RSA_AES_KEY_WRAP_SHA_1', 'SYMMETRIC_DEFAULT'],
    ['RSA_AES_KEY_WRAP_SHA_256', 'HMAC_224'],
    ['RSA_AES_KEY_WRAP_SHA_1', 'HMAC_512'],
  ];
  for (const [alg, spec] of cases) {
    for (const wk of WRAPPING_KEY_SPECS) {
      const e = throwsCode(() => assertCompatible(alg, spec, wk), 'WRAP_INCOMPATIBLE');
      assert.match(e.message, new RegExp(`^${spec} material cannot be wrapped with ${alg}`));
      assert.match(e.message, /only for RSA and ECC private keys/);
      assert.match(e.hint, /RSAES_OAEP_SHA_256/);
      assert.match(e.hint, /new import parameters/);
      assert.doesNotMatch(e.message + e.hint, /\n/);
    }
  }
});

void test('P-521 under RSA_2048 with OAEP names the byte limit', () => {
  const e = throwsCode(
    () => assertCompatible('RSAES_OAEP_SHA_1', 'ECC_NIST_P521', 'RSA_2048'),
    'WRAP_INCOMPATIBLE',
  );
  assert.match(e.message, /at most 214 bytes/);
});

void test('OAEP and PKCS#1 message limits are k - 2h - 2 and k - 11', () => {
  assert.equal(rsaMessageLimit(2048, algorithmParts('RSAES_OAEP_SHA_256')), 190);
  assert.equal(rsaMessageLimit(2048, algorithmParts('RSAES_OAEP_SHA_1')), 214);
  assert.equal(rsaMessageLimit(3072, algorithmParts('RSAES_OAEP_SHA_256')), 318);
  assert.equal(rsaMessageLimit(4096, algorithmParts('RSAES_OAEP_SHA_256')), 446);
  assert.equal(rsaMessageLimit(2048, algorithmParts('RSAES_PKCS1_V1_5')), 245);
});

void test('material too long for the modulus is refused before encryption with both numbers', () => {
  const e = throwsCode(() => assertFits('RSAES_OAEP_SHA_256', 'RSA_2048', 191), 'WRAP_INCOMPATIBLE');
  assert.match(e.message, /191 bytes.*at most 190 bytes/);
  assertFits('RSAES_OAEP_SHA_256', 'RSA_2048', 190);
  assertFits('RSA_AES_KEY_WRAP_SHA_256', 'RSA_2048', 5000);
});

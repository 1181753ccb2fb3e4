// The one key-spec table (src-shared/wrap/specs.ts) against AWS's own words, and every reader of it
// (the ceremony's plan rules, the embedded emulator) against the table, so the twins cannot drift again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, getCurves } from 'node:crypto';
import {
  KEY_MATERIAL_SPECS,
  KEY_SPEC_TABLE,
  keySpecFacts,
  rawMaterialBytes,
} from '../../../src-shared/wrap/specs.js';
import { allowedKeyUsages, keyFamily } from '../../../src-shared/ceremony/key-usage.js';
import {
  allowedUsages,
  encryptionAlgorithms,
  materialClass,
  signingAlgorithms,
} from '../../../src-main/emulator/key-specs.js';

// CreateKey's KeyUsage, in AWS's words (API reference, CreateKeyRequest.KeyUsage): "symmetric
// encryption KMS keys … ENCRYPT_DECRYPT. HMAC KMS keys … GENERATE_VERIFY_MAC. RSA key pairs …
// ENCRYPT_DECRYPT or SIGN_VERIFY. NIST-recommended elliptic curve key pairs … SIGN_VERIFY or
// KEY_AGREEMENT. ECC_SECG_P256K1 key pairs … SIGN_VERIFY."
const AWS_USAGES: Record<string, string[]> = {
  SYMMETRIC_DEFAULT: ['ENCRYPT_DECRYPT'],
  HMAC_224: ['GENERATE_VERIFY_MAC'],
  HMAC_256: ['GENERATE_VERIFY_MAC'],
  HMAC_384: ['GENERATE_VERIFY_MAC'],
  HMAC_512: ['GENERATE_VERIFY_MAC'],
  RSA_2048: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  RSA_3072: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  RSA_4096: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  ECC_NIST_P256: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_NIST_P384: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_NIST_P521: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_SECG_P256K1: ['SIGN_VERIFY'],
};

void test('the table lists every importable spec once, with the usages AWS documents', () => {
  assert.deepEqual(Object.keys(KEY_SPEC_TABLE).sort(), [...KEY_MATERIAL_SPECS].sort());
  for (const spec of KEY_MATERIAL_SPECS)
    assert.deepEqual([...KEY_SPEC_TABLE[spec].usages].sort(), [...(AWS_USAGES[spec] ?? [])].sort(), spec);
});

void test('the emulator and the ceremony read families, usages and algorithms from the table', () => {
  for (const spec of KEY_MATERIAL_SPECS) {
    const f = keySpecFacts(spec);
    assert.equal(materialClass(spec), f.kind, spec);
    assert.equal(keyFamily(spec), f.kind, spec);
    assert.deepEqual(allowedUsages(spec), f.usages, spec);
    assert.deepEqual(signingAlgorithms(spec), f.signingAlgorithms, spec);
    assert.deepEqual(encryptionAlgorithms(spec), f.encryptionAlgorithms, spec);
    // A plan may ask only for usages KMS allows; KEY_AGREEMENT is the one it cannot verify yet.
    assert.deepEqual(
      allowedKeyUsages(spec),
      f.usages.filter((u) => u !== 'KEY_AGREEMENT'),
      spec,
    );
  }
});

void test('each HMAC spec has one MAC algorithm, and its hash gives a MAC of the spec’s size', () => {
  for (const spec of KEY_MATERIAL_SPECS) {
    const f = keySpecFacts(spec);
    if (f.kind !== 'hmac') continue;
    const bits = Number(spec.slice('HMAC_'.length));
    assert.equal(f.macAlgorithm, `HMAC_SHA_${bits}`);
    assert.equal(f.rawBytes, bits / 8);
    assert.equal(rawMaterialBytes(spec), bits / 8);
    assert.equal(createHmac(f.hash, Buffer.alloc(f.rawBytes)).digest().length, bits / 8);
  }
  assert.equal(rawMaterialBytes('SYMMETRIC_DEFAULT'), 32);
  assert.equal(rawMaterialBytes('RSA_2048'), null);
});

void test('each ECC spec names a curve node:crypto knows and the ECDSA algorithm of its hash', () => {
  for (const spec of KEY_MATERIAL_SPECS) {
    const f = keySpecFacts(spec);
    if (f.kind !== 'ecc') continue;
    // secp256k1 is missing from BoringSSL (Electron); Node's OpenSSL, where tests run, has all four.
    assert.ok(getCurves().includes(f.curve), `${spec}: ${f.curve}`);
    assert.deepEqual(f.signingAlgorithms, [f.ecdsaAlgorithm]);
    assert.equal(f.ecdsaAlgorithm, `ECDSA_SHA_${f.hash.slice(3)}`);
  }
});

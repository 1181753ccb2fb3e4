import assert from 'node:assert/strict';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../../../src-shared/errors.js';
import { SecretBuffer } from '../../../../src-shared/secret-buffer.js';
import {
  type KeyMaterialSpec,
  type WrappingKeySpec,
  type WrappingPublicKey,
  parseWrappingPublicKey,
} from '../../../../src-shared/wrap/index.js';

export const FIXTURES = path.resolve(__dirname, '../../../fixtures/wrap');

export function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

const BITS: Record<WrappingKeySpec, number> = { RSA_2048: 2048, RSA_3072: 3072, RSA_4096: 4096 };

export interface WrappingPair {
  spec: WrappingKeySpec;
  publicKey: WrappingPublicKey;
  privateKey: KeyObject;
  privatePemPath: string;
}

export function wrappingPair(spec: WrappingKeySpec): WrappingPair {
  const bits = BITS[spec];
  const privatePemPath = path.join(FIXTURES, `wrapping-rsa-${bits}.key.pem`);
  return {
    spec,
    publicKey: parseWrappingPublicKey(fixture(`wrapping-rsa-${bits}.pub.pem`)),
    privateKey: createPrivateKey(readFileSync(privatePemPath)),
    privatePemPath,
  };
}

const ASYM_FILES: Partial<Record<KeyMaterialSpec, string>> = {
  RSA_2048: 'material-rsa-2048.p8.der',
  RSA_3072: 'material-rsa-3072.p8.der',
  RSA_4096: 'material-rsa-4096.p8.der',
  ECC_NIST_P256: 'material-ec-p256.p8.der',
  ECC_NIST_P384: 'material-ec-p384.p8.der',
  ECC_NIST_P521: 'material-ec-p521.p8.der',
  ECC_SECG_P256K1: 'material-ec-secp256k1.p8.der',
};

const RAW_BYTES: Partial<Record<KeyMaterialSpec, number>> = {
  SYMMETRIC_DEFAULT: 32,
  HMAC_224: 28,
  HMAC_256: 32,
  HMAC_384: 48,
  HMAC_512: 64,
};

/** Test material for a spec: fixed asymmetric fixtures, deterministic non-zero raw bytes. */
export function materialBytes(spec: KeyMaterialSpec): Buffer {
  const file = ASYM_FILES[spec];
  if (file) return fixture(file);
  const n = RAW_BYTES[spec] ?? 0;
  return Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff));
}

export function material(spec: KeyMaterialSpec): SecretBuffer {
  return SecretBuffer.adopt(materialBytes(spec));
}

/** Asserts `fn` throws a KeyriteError (with `code` when given) and returns it. */
export function throwsCode(fn: () => unknown, code?: string): KeyriteError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof KeyriteError, `expected a KeyriteError, got ${String(caught)}`);
  if (code) assert.equal(caught.code, code, `${caught.code}: ${caught.message}`);
  return caught;
}

/** For fuzzing: the call either succeeds or fails with a KeyriteError; anything else fails the test. */
export function onlyKeyriteErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof KeyriteError)) throw e;
  }
}

export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

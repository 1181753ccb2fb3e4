import { Buffer } from 'node:buffer';
import { type KeyObject, constants, createPublicKey, privateDecrypt, publicEncrypt } from 'node:crypto';
import { KeyriteError } from '../errors.js';
import { SecretBuffer } from '../secret-buffer.js';
import { aesKeyUnwrapPad } from './aes-key-wrap.js';
import { assertCompatible, assertFits } from './compat.js';
import { validateMaterial } from './material.js';
import { EPHEMERAL_AES_BYTES, rsaAesKeyWrap, rsaOaepEncrypt } from './rsa-oaep.js';
import { scratch } from './scratch.js';
import {
  type AlgorithmParts,
  type KeyMaterialSpec,
  type WrappingAlgorithm,
  algorithmParts,
} from './specs.js';
import type { WrappingPublicKey } from './wrapping-key.js';

export const PKCS1_WARNING =
  'RSAES_PKCS1_V1_5: AWS KMS stopped accepting this wrapping algorithm for new imports in October 2023; prefer RSAES_OAEP_SHA_256';
export const SHA1_WARNING = 'SHA-1 wrapping works with KMS, but the SHA-256 variant is preferred';

export interface WrapOptions {
  material: SecretBuffer;
  spec: KeyMaterialSpec;
  algorithm: WrappingAlgorithm;
  wrappingKey: WrappingPublicKey;
}

/**
 * Encrypts key material for ImportKeyMaterial. Validates the material and the algorithm × spec table
 * first, so nothing is encrypted that KMS would refuse. Does not dispose `material` (the caller owns
 * it); every temporary made here is zeroed before returning, on every path.
 */
export function wrapKeyMaterial(opts: WrapOptions): { wrapped: Buffer; warnings: string[] } {
  const { material, spec, algorithm, wrappingKey } = opts;
  validateMaterial(material, spec);
  assertCompatible(algorithm, spec, wrappingKey.spec);
  assertFits(algorithm, wrappingKey.spec, material.length);
  const parts = algorithmParts(algorithm);
  const warnings: string[] = [];
  if (parts.rsa === 'pkcs1') warnings.push(PKCS1_WARNING);
  if (parts.hash === 'sha1') warnings.push(SHA1_WARNING);

  const hash = parts.hash ?? 'sha256';
  if (parts.aesKeyWrap) {
    // AWS's layout: the RSA-encrypted AES key first, then the RFC 5649 wrapped material.
    return { wrapped: rsaAesKeyWrap(wrappingKey, hash, material), warnings };
  }
  if (parts.rsa === 'oaep') {
    return { wrapped: material.use((m) => rsaOaepEncrypt(wrappingKey, hash, m)), warnings };
  }
  const publicKey = createPublicKey({ key: wrappingKey.spkiDer, format: 'der', type: 'spki' });
  return {
    wrapped: material.use((m) => publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, m)),
    warnings,
  };
}

export interface UnwrapOptions {
  wrapped: Uint8Array;
  algorithm: WrappingAlgorithm;
  privateKey: KeyObject;
}

/**
 * The inverse of wrapKeyMaterial, for the KMS emulator and for tests. Any failure is UNWRAP_FAILED
 * with one message, so the caller learns nothing about which part failed.
 */
export function unwrapKeyMaterial(opts: UnwrapOptions): SecretBuffer {
  const s = scratch();
  try {
    const parts = algorithmParts(opts.algorithm);
    const wrapped = Buffer.from(opts.wrapped.buffer, opts.wrapped.byteOffset, opts.wrapped.byteLength);
    const bits = opts.privateKey.asymmetricKeyDetails?.modulusLength;
    if (opts.privateKey.type !== 'private' || opts.privateKey.asymmetricKeyType !== 'rsa' || !bits) {
      throw unwrapFailed();
    }
    const k = Math.ceil(bits / 8);
    if (!parts.aesKeyWrap) {
      if (wrapped.length !== k) throw unwrapFailed();
      return SecretBuffer.adopt(s.track(rsaDecrypt(opts.privateKey, parts, wrapped, k, s)));
    }
    if (wrapped.length < k + 16) throw unwrapFailed();
    const aesKey = s.track(rsaDecrypt(opts.privateKey, parts, wrapped.subarray(0, k), k, s));
    if (aesKey.length !== EPHEMERAL_AES_BYTES) throw unwrapFailed();
    return SecretBuffer.adopt(s.track(aesKeyUnwrapPad(aesKey, wrapped.subarray(k))));
  } catch {
    // Deliberately one error for every cause (padding oracle hygiene).
    throw unwrapFailed();
  } finally {
    s.wipe();
  }
}

function rsaDecrypt(
  key: KeyObject,
  parts: AlgorithmParts,
  data: Buffer,
  k: number,
  s: ReturnType<typeof scratch>,
): Buffer {
  if (parts.rsa === 'oaep') {
    return privateDecrypt(
      { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: parts.hash ?? 'sha256' },
      data,
    );
  }
  // Node refuses RSA_PKCS1_PADDING for private decryption (Marvin attack, CVE-2023-46809), so the
  // emulator decrypts raw and checks the PKCS#1 v1.5 type 2 block itself without early exits.
  const em = s.track(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, data));
  if (em.length !== k) throw unwrapFailed();
  let bad = (em[0] as number) | ((em[1] as number) ^ 2);
  let sep = 0;
  for (let i = 2; i < k; i++) {
    const isZero = em[i] === 0 ? 1 : 0;
    if (sep === 0 && isZero) sep = i;
  }
  if (sep < 10) bad |= 1; // at least 8 bytes of non-zero padding
  if (bad) throw unwrapFailed();
  const out = Buffer.alloc(k - sep - 1);
  em.copy(out, 0, sep + 1);
  return out;
}

function unwrapFailed(): KeyriteError {
  return new KeyriteError(
    'UNWRAP_FAILED',
    'the wrapped key material could not be unwrapped',
    'wrap again with the wrapping key and algorithm of these import parameters',
  );
}

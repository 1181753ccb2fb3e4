import type { Buffer } from 'node:buffer';
import { constants, createPublicKey, privateDecrypt, publicEncrypt } from 'node:crypto';
import { openSymmetric, parseSymmetric, sealSymmetric } from './ciphertext.js';
import { requireUsable, requireUsage } from './key-metadata.js';
import { currentMaterial, type KeyRecord } from './key-record.js';
import { encryptionAlgorithms, type EncryptionAlgorithm, RSA_BITS } from './key-specs.js';
import { KmsServiceError, silent, validation } from './kms-error.js';
import { privateKeyOf } from './material.js';
import type { RegionState } from './region-state.js';

/**
 * Encryption and decryption under a KMS key, shared by Encrypt, Decrypt, ReEncrypt and the data-key
 * operations so that a data key generated under a key decrypts with that key, through the same code.
 */
export function incompatible(alg: string, key: KeyRecord): KmsServiceError {
  return new KmsServiceError(
    'InvalidKeyUsageException',
    `Algorithm ${alg} is incompatible with key spec ${key.keySpec}.`,
  );
}

/** The bytes of the key's current material; callers have checked the key is usable. */
export function liveMaterial(key: KeyRecord): Buffer {
  const m = currentMaterial(key);
  if (!m || !m.bytes) throw new KmsServiceError('KMSInvalidStateException', `${key.arn} is pending import.`);
  return m.bytes;
}

function oaepHash(alg: string): 'sha1' | 'sha256' {
  return alg === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256';
}

/** Checks that `key` can encrypt with `alg` now: usable, for encryption, and of a spec that has `alg`. */
export function requireEncryptionKey(key: KeyRecord, alg: EncryptionAlgorithm, operation: string): void {
  requireUsable(key);
  requireUsage(key, 'ENCRYPT_DECRYPT', operation);
  if (!encryptionAlgorithms(key.keySpec).includes(alg)) throw incompatible(alg, key);
}

export interface Sealed {
  blob: Buffer;
  /** Symmetric keys only: the material the blob was made with. */
  materialId?: string;
}

/** Encrypts under a key already checked with requireEncryptionKey. */
export function encryptUnder(
  key: KeyRecord,
  alg: EncryptionAlgorithm,
  plaintext: Buffer,
  context: Record<string, string> | undefined,
): Sealed {
  if (key.keySpec === 'SYMMETRIC_DEFAULT') {
    const m = currentMaterial(key);
    const id = m?.id ?? '';
    return { blob: sealSymmetric(key.keyId, id, liveMaterial(key), plaintext, context), materialId: id };
  }
  const hash = oaepHash(alg);
  const limit = (RSA_BITS[key.keySpec] as number) / 8 - 2 * (hash === 'sha1' ? 20 : 32) - 2;
  if (plaintext.length > limit) {
    throw validation(
      `Algorithm ${alg} and key spec ${key.keySpec} cannot encrypt data larger than ${limit} bytes.`,
    );
  }
  const pub = createPublicKey(privateKeyOf(liveMaterial(key)));
  return {
    blob: publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, plaintext),
  };
}

export interface Opened {
  key: KeyRecord;
  alg: EncryptionAlgorithm;
  /** Fresh memory the caller must wipe. */
  plaintext: Buffer;
  materialId?: string;
}

/**
 * Decrypts a ciphertext blob in `state`'s region. Symmetric blobs name their key and material, so
 * KeyId is optional for them; asymmetric decryption needs it. A KeyId that is not the blob's key is
 * IncorrectKeyException (AWS-recorded); anything that does not open is InvalidCiphertextException,
 * sent without a message as AWS does.
 */
export function decryptBlob(
  state: RegionState,
  blob: Buffer,
  keyIdParam: string | undefined,
  alg: EncryptionAlgorithm,
  context: Record<string, string> | undefined,
  operation: string,
): Opened {
  const parsed = parseSymmetric(blob);
  let key: KeyRecord;
  // IAM authorizes ReEncrypt's source key as kms:ReEncryptFrom.
  const action = operation === 'ReEncrypt' ? 'ReEncryptFrom' : operation;
  if (keyIdParam !== undefined) {
    key = state.resolve(keyIdParam, true, action);
    if (parsed && parsed.keyId !== key.keyId) {
      throw new KmsServiceError(
        'IncorrectKeyException',
        'The key ID in the request does not identify a CMK that can perform this operation.',
      );
    }
  } else {
    const found = parsed && state.keyOfCiphertext(parsed.keyId, action);
    if (!found) throw silent('InvalidCiphertextException');
    key = found;
  }
  requireUsable(key);
  requireUsage(key, 'ENCRYPT_DECRYPT', operation);
  if (!encryptionAlgorithms(key.keySpec).includes(alg)) throw incompatible(alg, key);
  if (key.keySpec === 'SYMMETRIC_DEFAULT') {
    if (!parsed) throw silent('InvalidCiphertextException');
    const m = key.materials.find((x) => x.id === parsed.materialId && x.bytes);
    const plaintext = m?.bytes ? openSymmetric(parsed, m.bytes, context) : undefined;
    if (!plaintext || !m) throw silent('InvalidCiphertextException');
    return { key, alg, plaintext, materialId: m.id };
  }
  try {
    const plaintext = privateDecrypt(
      {
        key: privateKeyOf(liveMaterial(key)),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: oaepHash(alg),
      },
      blob,
    );
    return { key, alg, plaintext };
  } catch {
    throw silent('InvalidCiphertextException');
  }
}

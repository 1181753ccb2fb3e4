import { Buffer } from 'node:buffer';
import { constants, createPublicKey, publicEncrypt, randomFillSync } from 'node:crypto';
import type { SecretBuffer } from '../secret-buffer.js';
import { aesKeyWrapPad } from './aes-key-wrap.js';
import { scratch } from './scratch.js';
import type { WrappingPublicKey } from './wrapping-key.js';

/** AES-256 key generated per wrap for CKM_RSA_AES_KEY_WRAP, as AWS, Google and Azure specify. */
export const EPHEMERAL_AES_BYTES = 32;

export type OaepHash = 'sha1' | 'sha256';

/**
 * RSAES-OAEP under a wrapping key. MGF1 uses the OAEP hash when no separate MGF1 hash is set
 * (OpenSSL and BoringSSL alike), which is what AWS, Google Cloud KMS and Azure Key Vault all require;
 * the label is empty.
 */
export function rsaOaepEncrypt(key: WrappingPublicKey, hash: OaepHash, data: Buffer): Buffer {
  const publicKey = createPublicKey({ key: key.spkiDer, format: 'der', type: 'spki' });
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, data);
}

/**
 * PKCS #11 CKM_RSA_AES_KEY_WRAP: a fresh AES-256 key, RSA-OAEP-encrypted under the wrapping key,
 * followed by the material wrapped under that AES key with RFC 5649 (AES key wrap with padding).
 * One layout serves AWS's RSA_AES_KEY_WRAP_*, Google's rsa-oaep-*-aes-256 import methods and the
 * ciphertext of Azure's .byok file. The AES key lives in scratch memory, zeroed on every path.
 */
export function rsaAesKeyWrap(key: WrappingPublicKey, hash: OaepHash, material: SecretBuffer): Buffer {
  const s = scratch();
  try {
    const aesKey = s.alloc(EPHEMERAL_AES_BYTES);
    randomFillSync(aesKey);
    const rsaPart = rsaOaepEncrypt(key, hash, aesKey);
    const aesPart = material.use((m) => aesKeyWrapPad(aesKey, m));
    return Buffer.concat([rsaPart, aesPart]);
  } finally {
    s.wipe();
  }
}

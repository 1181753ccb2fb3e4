// Google Cloud KMS names Keyrite's wrap command lists in its help: data only, so printing the help
// loads no parser (yaml, node-forge) and no crypto.
import type { KeyMaterialSpec } from './specs.js';

/**
 * Cloud KMS key version algorithms (gcloud's `--algorithm` spelling) whose material Keyrite can
 * generate, check and wrap, with the material each one takes ("Formatting keys for import": 32 raw
 * bytes for AES-256, hash-length raw bytes for HMAC, PKCS#8 DER for RSA and EC keys). Left out on
 * purpose: aes-128-* (16-byte keys), hmac-sha1 (20-byte keys), ec-sign-ed25519 and the post-quantum
 * algorithms, whose material no Keyrite ceremony produces.
 */
export const GCP_ALGORITHMS = {
  'google-symmetric-encryption': 'SYMMETRIC_DEFAULT',
  'aes-256-gcm': 'SYMMETRIC_DEFAULT',
  'aes-256-cbc': 'SYMMETRIC_DEFAULT',
  'aes-256-ctr': 'SYMMETRIC_DEFAULT',
  'hmac-sha224': 'HMAC_224',
  'hmac-sha256': 'HMAC_256',
  'hmac-sha384': 'HMAC_384',
  'hmac-sha512': 'HMAC_512',
  'rsa-sign-pss-2048-sha256': 'RSA_2048',
  'rsa-sign-pss-3072-sha256': 'RSA_3072',
  'rsa-sign-pss-4096-sha256': 'RSA_4096',
  'rsa-sign-pss-4096-sha512': 'RSA_4096',
  'rsa-sign-pkcs1-2048-sha256': 'RSA_2048',
  'rsa-sign-pkcs1-3072-sha256': 'RSA_3072',
  'rsa-sign-pkcs1-4096-sha256': 'RSA_4096',
  'rsa-sign-pkcs1-4096-sha512': 'RSA_4096',
  'rsa-sign-raw-pkcs1-2048': 'RSA_2048',
  'rsa-sign-raw-pkcs1-3072': 'RSA_3072',
  'rsa-sign-raw-pkcs1-4096': 'RSA_4096',
  'rsa-decrypt-oaep-2048-sha256': 'RSA_2048',
  'rsa-decrypt-oaep-3072-sha256': 'RSA_3072',
  'rsa-decrypt-oaep-4096-sha256': 'RSA_4096',
  'rsa-decrypt-oaep-4096-sha512': 'RSA_4096',
  'rsa-decrypt-oaep-2048-sha1': 'RSA_2048',
  'rsa-decrypt-oaep-3072-sha1': 'RSA_3072',
  'rsa-decrypt-oaep-4096-sha1': 'RSA_4096',
  'ec-sign-p256-sha256': 'ECC_NIST_P256',
  'ec-sign-p384-sha384': 'ECC_NIST_P384',
  'ec-sign-secp256k1-sha256': 'ECC_SECG_P256K1',
} as const satisfies Record<string, KeyMaterialSpec>;
export type GcpAlgorithm = keyof typeof GCP_ALGORITHMS;

export function isGcpAlgorithm(s: string): s is GcpAlgorithm {
  return Object.hasOwn(GCP_ALGORITHMS, s);
}

export function gcpMaterialSpec(algorithm: GcpAlgorithm): KeyMaterialSpec {
  return GCP_ALGORITHMS[algorithm];
}

/**
 * Google Cloud KMS import methods, spelled as gcloud spells them (`--import-method`); the API and
 * `gcloud kms import-jobs describe` spell them in upper case with underscores.
 */
export const GCP_IMPORT_METHODS = [
  'rsa-oaep-3072-sha1-aes-256',
  'rsa-oaep-3072-sha256-aes-256',
  'rsa-oaep-4096-sha1-aes-256',
  'rsa-oaep-4096-sha256-aes-256',
  'rsa-oaep-3072-sha256',
  'rsa-oaep-4096-sha256',
] as const;
export type GcpImportMethod = (typeof GCP_IMPORT_METHODS)[number];

export interface GcpMethodParts {
  bits: 3072 | 4096;
  hash: 'sha1' | 'sha256';
  /** CKM_RSA_AES_KEY_WRAP (ephemeral AES key + RFC 5649) rather than RSA-OAEP over the material. */
  aesKeyWrap: boolean;
}

export function gcpMethodParts(method: GcpImportMethod): GcpMethodParts {
  const m = /^rsa-oaep-(3072|4096)-(sha1|sha256)(-aes-256)?$/.exec(method);
  if (!m) throw new Error(`unreachable: ${method}`);
  return {
    bits: m[1] === '3072' ? 3072 : 4096,
    hash: m[2] === 'sha1' ? 'sha1' : 'sha256',
    aesKeyWrap: !!m[3],
  };
}

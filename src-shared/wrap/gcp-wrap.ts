import type { Buffer } from 'node:buffer';
import { KeyriteError } from '../errors.js';
import type { SecretBuffer } from '../secret-buffer.js';
import { type GcpImportJobName, type GcpImportMethod, gcpMethodParts } from './gcp-import-job.js';
import { validateMaterial } from './material.js';
import { rsaAesKeyWrap, rsaOaepEncrypt } from './rsa-oaep.js';
import { shellCommand } from './shell-command.js';
import { type KeyMaterialSpec, materialKind, rsaMessageLimit } from './specs.js';
import type { WrappingPublicKey } from './wrapping-key.js';

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

export const GCP_SHA1_WARNING =
  'this import job uses SHA-1 for RSA-OAEP; Cloud KMS accepts it, but the sha256 import methods are preferred';

export interface GcpWrapOptions {
  material: SecretBuffer;
  algorithm: GcpAlgorithm;
  method: GcpImportMethod;
  wrappingKey: WrappingPublicKey;
}

/**
 * The bytes `gcloud kms keys versions import --wrapped-key-file` takes: for the *-aes-256 methods
 * the CKM_RSA_AES_KEY_WRAP blob (RSA-OAEP of an ephemeral AES-256 key, then RFC 5649 of the
 * material); for rsa-oaep-3072-sha256 and rsa-oaep-4096-sha256, RSA-OAEP (SHA-256, MGF1 SHA-256)
 * of the material itself, which Google allows for symmetric keys only.
 */
export function wrapForGcp(opts: GcpWrapOptions): {
  wrapped: Buffer;
  spec: KeyMaterialSpec;
  warnings: string[];
} {
  const { material, algorithm, method, wrappingKey } = opts;
  const spec = gcpMaterialSpec(algorithm);
  // Cloud KMS imports HMAC keys of the hash's length only (AWS takes a range).
  validateMaterial(material, spec, { hmacLength: 'digest' });
  const parts = gcpMethodParts(method);
  if (wrappingKey.bits !== parts.bits) {
    throw incompatible(
      `the wrapping key is RSA-${wrappingKey.bits} but import method ${method} uses RSA-${parts.bits}`,
      'give the wrapping key of this import job (and its own import method)',
    );
  }
  const warnings = parts.hash === 'sha1' ? [GCP_SHA1_WARNING] : [];
  if (parts.aesKeyWrap) return { wrapped: rsaAesKeyWrap(wrappingKey, parts.hash, material), spec, warnings };
  const kind = materialKind(spec);
  if (kind !== 'symmetric' && kind !== 'hmac') {
    throw incompatible(
      `import method ${method} wraps symmetric keys only; ${algorithm} material is a private key`,
      `create an import job with --import-method rsa-oaep-${parts.bits}-sha256-aes-256`,
    );
  }
  const limit = rsaMessageLimit(parts.bits, { rsa: 'oaep', hash: 'sha256', aesKeyWrap: false });
  if (material.length > limit) {
    throw incompatible(
      `the material is longer than ${method} can carry (${limit} bytes)`,
      'use an *-aes-256 method',
    );
  }
  return { wrapped: material.use((m) => rsaOaepEncrypt(wrappingKey, 'sha256', m)), spec, warnings };
}

export interface GcloudImportTarget {
  job: GcpImportJobName;
  /** The crypto key (in the import job's key ring) that receives a new version. */
  key: string;
  algorithm: GcpAlgorithm;
  wrappedKeyFile: string;
}

/** The command that uploads the wrapped key file, word for word. */
export function gcloudImportCommand(t: GcloudImportTarget): string {
  return shellCommand(
    ['gcloud', 'kms', 'keys', 'versions', 'import'],
    [
      ['--project', t.job.project],
      ['--location', t.job.location],
      ['--keyring', t.job.keyRing],
      ['--key', t.key],
      ['--import-job', t.job.importJob],
      ['--algorithm', t.algorithm],
      ['--wrapped-key-file', t.wrappedKeyFile],
    ],
  );
}

function incompatible(message: string, hint: string): KeyriteError {
  return new KeyriteError('WRAP_INCOMPATIBLE', message, hint);
}

import type { Buffer } from 'node:buffer';
import { KeyriteError } from '../errors.js';
import type { SecretBuffer } from '../secret-buffer.js';
import type { GcpImportJobName } from './gcp-import-job.js';
import { validateMaterial } from './material.js';
import { rsaAesKeyWrap, rsaOaepEncrypt } from './rsa-oaep.js';
import { shellCommand } from './shell-command.js';
import { type KeyMaterialSpec, materialKind, rsaMessageLimit } from './specs.js';
import type { WrappingPublicKey } from './wrapping-key.js';
import { type GcpAlgorithm, type GcpImportMethod, gcpMaterialSpec, gcpMethodParts } from './gcp-specs.js';

export { GCP_ALGORITHMS, type GcpAlgorithm, isGcpAlgorithm, gcpMaterialSpec } from './gcp-specs.js';

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

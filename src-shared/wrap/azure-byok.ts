import { KeyriteError } from '../errors.js';
import type { SecretBuffer } from '../secret-buffer.js';
import type { AzureKek } from './azure-kek.js';
import { validateMaterial } from './material.js';
import { rsaAesKeyWrap } from './rsa-oaep.js';
import { shellCommand } from './shell-command.js';
import { type KeyMaterialSpec, materialKind } from './specs.js';

/** The key types `az keyvault key import --kty` takes for a .byok file, and the curve names. */
export type AzureKty = 'RSA' | 'EC' | 'oct';
const CURVES: Partial<Record<KeyMaterialSpec, string>> = {
  ECC_NIST_P256: 'P-256',
  ECC_NIST_P384: 'P-384',
  ECC_NIST_P521: 'P-521',
  ECC_SECG_P256K1: 'P-256K',
};

export const BYOK_GENERATOR = 'Keyrite 0.1.0; software key material from an offline Keyrite station (no HSM)';

/** The Key Transfer Blob of Azure's BYOK specification, field for field. */
export interface ByokFile {
  schema_version: '1.0.0';
  header: { kid: string; alg: 'dir'; enc: 'CKM_RSA_AES_KEY_WRAP' };
  /** base64url (no padding) of the CKM_RSA_AES_KEY_WRAP blob. */
  ciphertext: string;
  generator: string;
}

export interface AzureWrapResult {
  byok: ByokFile;
  /** The file's bytes: pretty JSON with a final newline. */
  text: string;
  kty: AzureKty;
  curve?: string;
}

/**
 * Wraps material for `az keyvault key import --byok-file`: RSA-OAEP with SHA-1 (MGF1 SHA-1, the
 * only hash the specification allows) of an ephemeral AES-256 key, then RFC 5649 of the target key
 * (PKCS#8 DER for RSA and EC, raw bytes for oct), in the JSON the specification defines.
 * Octet (AES) keys import only into a Managed HSM; Key Vault has no HMAC keys.
 */
export function wrapForAzure(material: SecretBuffer, spec: KeyMaterialSpec, kek: AzureKek): AzureWrapResult {
  validateMaterial(material, spec);
  const kind = materialKind(spec);
  let kty: AzureKty;
  if (kind === 'rsa') kty = 'RSA';
  else if (kind === 'ecc') kty = 'EC';
  else if (kind === 'symmetric') {
    if (kek.kid.kind !== 'managedhsm') {
      throw new KeyriteError(
        'WRAP_INCOMPATIBLE',
        'Key Vault imports AES (oct-HSM) keys only into a Managed HSM, and this KEK is in a vault',
        'use a KEK created in the Managed HSM (https://NAME.managedhsm.azure.net/keys/…)',
      );
    }
    kty = 'oct';
  } else {
    throw new KeyriteError(
      'WRAP_INCOMPATIBLE',
      `Azure Key Vault cannot import ${spec} keys (it has no HMAC key type)`,
      'import RSA or EC private keys, or AES-256 keys into a Managed HSM',
    );
  }
  const ciphertext = rsaAesKeyWrap(kek.wrappingKey, 'sha1', material).toString('base64url');
  const byok: ByokFile = {
    schema_version: '1.0.0',
    header: { kid: kek.kid.kid, alg: 'dir', enc: 'CKM_RSA_AES_KEY_WRAP' },
    ciphertext,
    generator: BYOK_GENERATOR,
  };
  const result: AzureWrapResult = { byok, text: `${JSON.stringify(byok, null, 2)}\n`, kty };
  const curve = CURVES[spec];
  if (curve) result.curve = curve;
  return result;
}

export interface AzImportTarget {
  kek: AzureKek;
  /** The name of the new key in the same vault or HSM as the KEK. */
  name: string;
  byokFile: string;
  kty: AzureKty;
  curve?: string;
}

/** The command that uploads the .byok file, word for word (az's --kty takes RSA, EC or oct). */
export function azImportCommand(t: AzImportTarget): string {
  const where: [string, string] =
    t.kek.kid.kind === 'managedhsm'
      ? ['--hsm-name', t.kek.kid.resource]
      : ['--vault-name', t.kek.kid.resource];
  return shellCommand(
    ['az', 'keyvault', 'key', 'import'],
    [where, ['--name', t.name], ['--byok-file', t.byokFile], ['--kty', t.kty], ['--curve', t.curve]],
  );
}

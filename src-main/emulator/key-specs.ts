import {
  KEY_MATERIAL_SPECS,
  KEY_SPEC_TABLE,
  isKeyMaterialSpec,
  materialKind,
  type MaterialKind,
} from '../../src-shared/wrap/specs.js';

/**
 * The parts of the KMS service model the emulator enforces: key specs, usages, algorithms, and which
 * wrapping algorithm may carry which material. Values are the model's enum strings (botocore
 * `kms/2014-11-01/service-2.json`).
 *
 * What each importable key spec is (its family, sizes, curve, usages and algorithms) comes from the one
 * key-spec table in src-shared/wrap/specs.ts, so the emulator and the wrap module cannot drift apart;
 * the emulator's independence as a stand-in for AWS is kept where it counts, in tests that hold it to
 * the AWS CLI, the SDKs and AWS's recorded responses. The model's enums below list more than Keyrite
 * imports (SM2, ML-DSA, Ed25519), as AWS accepts them in requests.
 */
export const KEY_SPECS = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'SYMMETRIC_DEFAULT',
  'HMAC_224',
  'HMAC_256',
  'HMAC_384',
  'HMAC_512',
  'SM2',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
  'ECC_NIST_EDWARDS25519',
] as const;
export type KeySpec = (typeof KEY_SPECS)[number];

/** The specs the emulator implements (those Keyrite imports); the rest exist in the model only. */
export const EMULATED_KEY_SPECS = KEY_MATERIAL_SPECS;
export type EmulatedKeySpec = (typeof EMULATED_KEY_SPECS)[number];

export const KEY_USAGES = ['SIGN_VERIFY', 'ENCRYPT_DECRYPT', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

export const ORIGINS = ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] as const;
export type Origin = (typeof ORIGINS)[number];

export const WRAPPING_ALGORITHMS = [
  'RSAES_PKCS1_V1_5',
  'RSAES_OAEP_SHA_1',
  'RSAES_OAEP_SHA_256',
  'RSA_AES_KEY_WRAP_SHA_1',
  'RSA_AES_KEY_WRAP_SHA_256',
  'SM2PKE',
] as const;
export type WrappingAlgorithmName = (typeof WRAPPING_ALGORITHMS)[number];

export const WRAPPING_KEY_SPECS = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'SM2'] as const;
export type WrappingKeySpecName = (typeof WRAPPING_KEY_SPECS)[number];

export const EXPIRATION_MODELS = ['KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE'] as const;
export type ExpirationModel = (typeof EXPIRATION_MODELS)[number];

export const IMPORT_TYPES = ['NEW_KEY_MATERIAL', 'EXISTING_KEY_MATERIAL'] as const;
export type ImportType = (typeof IMPORT_TYPES)[number];

export const ENCRYPTION_ALGORITHMS = [
  'SYMMETRIC_DEFAULT',
  'RSAES_OAEP_SHA_1',
  'RSAES_OAEP_SHA_256',
  'SM2PKE',
] as const;
export type EncryptionAlgorithm = (typeof ENCRYPTION_ALGORITHMS)[number];

export const MAC_ALGORITHMS = ['HMAC_SHA_224', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512'] as const;
export type MacAlgorithm = (typeof MAC_ALGORITHMS)[number];

export const SIGNING_ALGORITHMS = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'ECDSA_SHA_256',
  'ECDSA_SHA_384',
  'ECDSA_SHA_512',
  'SM2DSA',
  'ML_DSA_SHAKE_256',
  'ED25519_SHA_512',
  'ED25519_PH_SHA_512',
] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export const MESSAGE_TYPES = ['RAW', 'DIGEST', 'EXTERNAL_MU'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export type MaterialClass = MaterialKind;

export function materialClass(spec: EmulatedKeySpec): MaterialClass {
  return materialKind(spec);
}

export function isEmulatedKeySpec(s: string): s is EmulatedKeySpec {
  return isKeyMaterialSpec(s);
}

/** Which usages each spec allows (AWS "key spec reference"). */
export function allowedUsages(spec: EmulatedKeySpec): readonly KeyUsage[] {
  return KEY_SPEC_TABLE[spec].usages;
}

/** Per-spec facts from the table, keyed by spec name for lookups by a request's string. */
function bySpec<V>(pick: (spec: EmulatedKeySpec) => V | undefined): Record<string, V> {
  const out: Record<string, V> = {};
  for (const spec of EMULATED_KEY_SPECS) {
    const v = pick(spec);
    if (v !== undefined) out[spec] = v;
  }
  return out;
}

const MAC_ALGORITHM_NAMES: ReadonlySet<string> = new Set(MAC_ALGORITHMS);
const isMacAlgorithm = (s: string | undefined): s is MacAlgorithm =>
  s !== undefined && MAC_ALGORITHM_NAMES.has(s);

export const HMAC_BYTES = bySpec((s) => {
  const a = KEY_SPEC_TABLE[s];
  return a.kind === 'hmac' ? a.rawBytes : undefined;
});
export const HMAC_ALGORITHM_FOR_SPEC = bySpec((s) => {
  const a = KEY_SPEC_TABLE[s];
  return 'macAlgorithm' in a && isMacAlgorithm(a.macAlgorithm) ? a.macAlgorithm : undefined;
});
export const RSA_BITS = bySpec((s) => {
  const a = KEY_SPEC_TABLE[s];
  return 'bits' in a ? a.bits : undefined;
});
/** AWS spec → OpenSSL curve name as node:crypto reports it. */
export const ECC_CURVES = bySpec((s) => {
  const a = KEY_SPEC_TABLE[s];
  return 'curve' in a ? a.curve : undefined;
});

export function signingAlgorithms(spec: EmulatedKeySpec): SigningAlgorithm[] {
  return [...KEY_SPEC_TABLE[spec].signingAlgorithms];
}

export function encryptionAlgorithms(spec: EmulatedKeySpec): EncryptionAlgorithm[] {
  return [...KEY_SPEC_TABLE[spec].encryptionAlgorithms];
}

/**
 * AWS's rule table for GetParametersForImport, as the service model documents WrappingAlgorithm:
 * RSAES_OAEP_* carries every kind of material except RSA private keys (too large), and not P-521
 * under a 2048-bit wrapping key; RSA_AES_KEY_WRAP_* is "supported for wrapping RSA and ECC key
 * material" only; RSAES_PKCS1_V1_5 is refused since 2023-10-10. Returns the reason when refused.
 */
export function wrappingRefusal(
  spec: EmulatedKeySpec,
  algorithm: WrappingAlgorithmName,
  wrappingKeySpec: WrappingKeySpecName,
): string | undefined {
  const cls = materialClass(spec);
  switch (algorithm) {
    case 'RSAES_PKCS1_V1_5':
      return 'The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported for importing key material. Use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256.';
    case 'SM2PKE':
      return 'The SM2PKE wrapping algorithm is supported only in China Regions.';
    case 'RSAES_OAEP_SHA_1':
    case 'RSAES_OAEP_SHA_256':
      if (cls === 'rsa')
        return `The ${algorithm} wrapping algorithm cannot wrap key material for a ${spec} KMS key. Use RSA_AES_KEY_WRAP_SHA_256.`;
      if (spec === 'ECC_NIST_P521' && wrappingKeySpec === 'RSA_2048') {
        return `The ${algorithm} wrapping algorithm with an RSA_2048 wrapping key cannot wrap ECC_NIST_P521 key material. Use a larger wrapping key or RSA_AES_KEY_WRAP_SHA_256.`;
      }
      return undefined;
    case 'RSA_AES_KEY_WRAP_SHA_1':
    case 'RSA_AES_KEY_WRAP_SHA_256':
      if (cls === 'symmetric' || cls === 'hmac') {
        return `The ${algorithm} wrapping algorithm is supported only for RSA and ECC key material. Use RSAES_OAEP_SHA_256 for ${spec} key material.`;
      }
      return undefined;
  }
}

/** KeyMaterialDescriptionType and BackingKeyIdType in the service model (2025 import API). */
export const KEY_MATERIAL_DESCRIPTION = { pattern: /^[a-zA-Z0-9:/_\s.-]+$/, min: 0, max: 256 } as const;
export const KEY_MATERIAL_ID = { pattern: /^[a-f0-9]+$/, min: 64, max: 64 } as const;
export const INCLUDE_KEY_MATERIAL = ['ALL_KEY_MATERIAL', 'ROTATIONS_ONLY'] as const;

/**
 * On-demand rotations per KMS key: the resource quota (not adjustable). The current developer guide
 * and the botocore 1.43 model say 25; older API-reference pages still say 10.
 */
export const ON_DEMAND_ROTATION_LIMIT = 25;

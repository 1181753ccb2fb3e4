/**
 * The parts of the KMS service model the emulator enforces: key specs, usages, algorithms, and which
 * wrapping algorithm may carry which material. Values are the model's enum strings (botocore
 * `kms/2014-11-01/service-2.json`).
 *
 * Written out here rather than imported from src-shared/wrap on purpose: the emulator stands in for
 * AWS, so its rules are an independent reading of the service model that the wrap module is tested
 * against, not a copy that would agree with it by construction.
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

/** The specs the emulator implements; the rest exist in the model but not in the import workflow. */
export const EMULATED_KEY_SPECS = [
  'SYMMETRIC_DEFAULT',
  'HMAC_224',
  'HMAC_256',
  'HMAC_384',
  'HMAC_512',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
] as const;
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

export type MaterialClass = 'symmetric' | 'hmac' | 'rsa' | 'ecc';

export function materialClass(spec: EmulatedKeySpec): MaterialClass {
  if (spec === 'SYMMETRIC_DEFAULT') return 'symmetric';
  if (spec.startsWith('HMAC_')) return 'hmac';
  if (spec.startsWith('RSA_')) return 'rsa';
  return 'ecc';
}

export function isEmulatedKeySpec(s: string): s is EmulatedKeySpec {
  return (EMULATED_KEY_SPECS as readonly string[]).includes(s);
}

/** Which usages each spec allows (AWS "key spec reference"). */
export function allowedUsages(spec: EmulatedKeySpec): readonly KeyUsage[] {
  switch (materialClass(spec)) {
    case 'symmetric':
      return ['ENCRYPT_DECRYPT'];
    case 'hmac':
      return ['GENERATE_VERIFY_MAC'];
    case 'rsa':
      return ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'];
    case 'ecc':
      return spec === 'ECC_SECG_P256K1' ? ['SIGN_VERIFY'] : ['SIGN_VERIFY', 'KEY_AGREEMENT'];
  }
}

export const HMAC_BYTES: Record<string, number> = { HMAC_224: 28, HMAC_256: 32, HMAC_384: 48, HMAC_512: 64 };
export const HMAC_ALGORITHM_FOR_SPEC: Record<string, MacAlgorithm> = {
  HMAC_224: 'HMAC_SHA_224',
  HMAC_256: 'HMAC_SHA_256',
  HMAC_384: 'HMAC_SHA_384',
  HMAC_512: 'HMAC_SHA_512',
};
export const RSA_BITS: Record<string, number> = { RSA_2048: 2048, RSA_3072: 3072, RSA_4096: 4096 };
/** AWS spec → OpenSSL curve name as node:crypto reports it. */
export const ECC_CURVES: Record<string, string> = {
  ECC_NIST_P256: 'prime256v1',
  ECC_NIST_P384: 'secp384r1',
  ECC_NIST_P521: 'secp521r1',
  ECC_SECG_P256K1: 'secp256k1',
};

export function signingAlgorithms(spec: EmulatedKeySpec): SigningAlgorithm[] {
  switch (spec) {
    case 'RSA_2048':
    case 'RSA_3072':
    case 'RSA_4096':
      return [
        'RSASSA_PKCS1_V1_5_SHA_256',
        'RSASSA_PKCS1_V1_5_SHA_384',
        'RSASSA_PKCS1_V1_5_SHA_512',
        'RSASSA_PSS_SHA_256',
        'RSASSA_PSS_SHA_384',
        'RSASSA_PSS_SHA_512',
      ];
    case 'ECC_NIST_P256':
    case 'ECC_SECG_P256K1':
      return ['ECDSA_SHA_256'];
    case 'ECC_NIST_P384':
      return ['ECDSA_SHA_384'];
    case 'ECC_NIST_P521':
      return ['ECDSA_SHA_512'];
    default:
      return [];
  }
}

export function encryptionAlgorithms(spec: EmulatedKeySpec): EncryptionAlgorithm[] {
  if (spec === 'SYMMETRIC_DEFAULT') return ['SYMMETRIC_DEFAULT'];
  if (materialClass(spec) === 'rsa') return ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];
  return [];
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

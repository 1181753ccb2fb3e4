/**
 * The vocabulary of an AWS KMS import: wrapping algorithms, wrapping key specs and key material specs,
 * spelled exactly as the KMS API spells them so values travel unchanged between Keyrite, the CLI JSON
 * and the SDK.
 */
export const WRAPPING_ALGORITHMS = [
  'RSAES_OAEP_SHA_256',
  'RSAES_OAEP_SHA_1',
  'RSAES_PKCS1_V1_5',
  'RSA_AES_KEY_WRAP_SHA_256',
  'RSA_AES_KEY_WRAP_SHA_1',
] as const;
export type WrappingAlgorithm = (typeof WRAPPING_ALGORITHMS)[number];

export const WRAPPING_KEY_SPECS = ['RSA_2048', 'RSA_3072', 'RSA_4096'] as const;
export type WrappingKeySpec = (typeof WRAPPING_KEY_SPECS)[number];

export const KEY_MATERIAL_SPECS = [
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
export type KeyMaterialSpec = (typeof KEY_MATERIAL_SPECS)[number];

export type HmacSpec = 'HMAC_224' | 'HMAC_256' | 'HMAC_384' | 'HMAC_512';
export type RsaMaterialSpec = 'RSA_2048' | 'RSA_3072' | 'RSA_4096';
export type EccMaterialSpec = 'ECC_NIST_P256' | 'ECC_NIST_P384' | 'ECC_NIST_P521' | 'ECC_SECG_P256K1';

export type MaterialKind = 'symmetric' | 'hmac' | 'rsa' | 'ecc';

export function materialKind(spec: KeyMaterialSpec): MaterialKind {
  switch (spec) {
    case 'SYMMETRIC_DEFAULT':
      return 'symmetric';
    case 'HMAC_224':
    case 'HMAC_256':
    case 'HMAC_384':
    case 'HMAC_512':
      return 'hmac';
    case 'RSA_2048':
    case 'RSA_3072':
    case 'RSA_4096':
      return 'rsa';
    case 'ECC_NIST_P256':
    case 'ECC_NIST_P384':
    case 'ECC_NIST_P521':
    case 'ECC_SECG_P256K1':
      return 'ecc';
  }
}

/** Exact byte lengths of raw (non-PKCS#8) material. */
export const RAW_MATERIAL_BYTES: Record<'SYMMETRIC_DEFAULT' | HmacSpec, number> = {
  SYMMETRIC_DEFAULT: 32,
  HMAC_224: 28,
  HMAC_256: 32,
  HMAC_384: 48,
  HMAC_512: 64,
};

export const HMAC_HASH: Record<HmacSpec, 'sha224' | 'sha256' | 'sha384' | 'sha512'> = {
  HMAC_224: 'sha224',
  HMAC_256: 'sha256',
  HMAC_384: 'sha384',
  HMAC_512: 'sha512',
};

export const WRAPPING_KEY_BITS: Record<WrappingKeySpec, number> = {
  RSA_2048: 2048,
  RSA_3072: 3072,
  RSA_4096: 4096,
};

export function isWrappingAlgorithm(s: string): s is WrappingAlgorithm {
  return (WRAPPING_ALGORITHMS as readonly string[]).includes(s);
}
export function isWrappingKeySpec(s: string): s is WrappingKeySpec {
  return (WRAPPING_KEY_SPECS as readonly string[]).includes(s);
}
export function isKeyMaterialSpec(s: string): s is KeyMaterialSpec {
  return (KEY_MATERIAL_SPECS as readonly string[]).includes(s);
}

/** The pieces of an algorithm that matter to the code that runs it. */
export interface AlgorithmParts {
  /** RSA padding of the part encrypted directly under the wrapping key. */
  rsa: 'oaep' | 'pkcs1';
  /** OAEP hash, also used for MGF1 (AWS uses the same hash for both). */
  hash: 'sha1' | 'sha256' | null;
  /** True when the material is wrapped by RFC 5649 under an ephemeral AES-256 key. */
  aesKeyWrap: boolean;
}

export function algorithmParts(algorithm: WrappingAlgorithm): AlgorithmParts {
  switch (algorithm) {
    case 'RSAES_OAEP_SHA_256':
      return { rsa: 'oaep', hash: 'sha256', aesKeyWrap: false };
    case 'RSAES_OAEP_SHA_1':
      return { rsa: 'oaep', hash: 'sha1', aesKeyWrap: false };
    case 'RSAES_PKCS1_V1_5':
      return { rsa: 'pkcs1', hash: null, aesKeyWrap: false };
    case 'RSA_AES_KEY_WRAP_SHA_256':
      return { rsa: 'oaep', hash: 'sha256', aesKeyWrap: true };
    case 'RSA_AES_KEY_WRAP_SHA_1':
      return { rsa: 'oaep', hash: 'sha1', aesKeyWrap: true };
  }
}

/** Largest message RSA can encrypt directly under a modulus of `bits` with the algorithm's padding. */
export function rsaMessageLimit(bits: number, parts: AlgorithmParts): number {
  const k = Math.ceil(bits / 8);
  if (parts.rsa === 'pkcs1') return k - 11;
  const hLen = parts.hash === 'sha1' ? 20 : 32;
  return k - 2 * hLen - 2;
}

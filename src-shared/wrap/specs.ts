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

export type MaterialKind = 'symmetric' | 'hmac' | 'rsa' | 'ecc';
export type KeyUsageName = 'ENCRYPT_DECRYPT' | 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC' | 'KEY_AGREEMENT';
export type NodeHash = 'sha224' | 'sha256' | 'sha384' | 'sha512';

interface SpecCommon {
  /** Every KeyUsage CreateKey accepts for the spec (the first is KMS's default where there is one). */
  readonly usages: readonly KeyUsageName[];
  readonly signingAlgorithms: readonly string[];
  readonly encryptionAlgorithms: readonly string[];
}

/**
 * What AWS says about one key spec Keyrite can import material into (KMS "key spec reference"),
 * told apart by family so each family's own facts are never optional where they apply.
 */
export type KeySpecFacts = SpecCommon &
  (
    | { readonly kind: 'symmetric'; /** raw material length in bytes */ readonly rawBytes: number }
    | {
        readonly kind: 'hmac';
        /** The length Keyrite generates: the hash's output length. */
        readonly rawBytes: number;
        /**
         * Imported HMAC material may be any length in this range (AWS KMS Developer Guide, "Requirements
         * for imported key material": HMAC_224 28–64 bytes, HMAC_256 32–64, HMAC_384 48–128,
         * HMAC_512 64–128), up to the hash's block size.
         */
        readonly importBytes: { readonly min: number; readonly max: number };
        readonly hash: NodeHash;
        /** The MacAlgorithm KMS accepts for the spec: the one HMAC rule (a spec has exactly one). */
        readonly macAlgorithm: string;
      }
    | { readonly kind: 'rsa'; readonly bits: number }
    | {
        readonly kind: 'ecc';
        /** The curve as OpenSSL and node:crypto name it. */
        readonly curve: string;
        /** Its one signing algorithm (also its signingAlgorithms) and the hash that algorithm uses. */
        readonly ecdsaAlgorithm: string;
        readonly hash: NodeHash;
      }
  );

const RSA_SIGNING = [
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
] as const;
const RSA_ENCRYPTION = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] as const;
const hmac = (rawBytes: number, maxBytes: number, hash: NodeHash, macAlgorithm: string) =>
  ({
    kind: 'hmac',
    rawBytes,
    importBytes: { min: rawBytes, max: maxBytes },
    hash,
    macAlgorithm,
    usages: ['GENERATE_VERIFY_MAC'],
    signingAlgorithms: [],
    encryptionAlgorithms: [],
  }) as const;
const rsa = (bits: number) =>
  ({
    kind: 'rsa',
    bits,
    usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
    signingAlgorithms: RSA_SIGNING,
    encryptionAlgorithms: RSA_ENCRYPTION,
  }) as const;
/** NIST curves may also be KEY_AGREEMENT keys; secp256k1 only signs (CreateKey's KeyUsage rules). */
const ecc = <S extends string>(curve: string, hash: NodeHash, signing: S, agreement: boolean) =>
  ({
    kind: 'ecc',
    curve,
    hash,
    ecdsaAlgorithm: signing,
    usages: agreement ? (['SIGN_VERIFY', 'KEY_AGREEMENT'] as const) : (['SIGN_VERIFY'] as const),
    signingAlgorithms: [signing],
    encryptionAlgorithms: [],
  }) as const;

/**
 * The one table of key specs: every fact about a spec that Keyrite (the wrap module, the ceremony's
 * plan checks and verification, the embedded emulator) needs comes from here.
 */
export const KEY_SPEC_TABLE = {
  SYMMETRIC_DEFAULT: {
    kind: 'symmetric',
    rawBytes: 32,
    usages: ['ENCRYPT_DECRYPT'],
    signingAlgorithms: [],
    encryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
  },
  HMAC_224: hmac(28, 64, 'sha224', 'HMAC_SHA_224'),
  HMAC_256: hmac(32, 64, 'sha256', 'HMAC_SHA_256'),
  HMAC_384: hmac(48, 128, 'sha384', 'HMAC_SHA_384'),
  HMAC_512: hmac(64, 128, 'sha512', 'HMAC_SHA_512'),
  RSA_2048: rsa(2048),
  RSA_3072: rsa(3072),
  RSA_4096: rsa(4096),
  ECC_NIST_P256: ecc('prime256v1', 'sha256', 'ECDSA_SHA_256', true),
  ECC_NIST_P384: ecc('secp384r1', 'sha384', 'ECDSA_SHA_384', true),
  ECC_NIST_P521: ecc('secp521r1', 'sha512', 'ECDSA_SHA_512', true),
  ECC_SECG_P256K1: ecc('secp256k1', 'sha256', 'ECDSA_SHA_256', false),
} as const satisfies Record<string, KeySpecFacts>;

export type KeyMaterialSpec = keyof typeof KEY_SPEC_TABLE;

/** The specs in the order people see them (plan schema, CLI help). */
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
] as const satisfies readonly KeyMaterialSpec[];
/** Checked by the compiler: the list names every spec of the table. */
export const specListIsComplete: [KeyMaterialSpec] extends [(typeof KEY_MATERIAL_SPECS)[number]]
  ? true
  : false = true;

type SpecOfKind<K extends MaterialKind> = {
  [S in KeyMaterialSpec]: (typeof KEY_SPEC_TABLE)[S]['kind'] extends K ? S : never;
}[KeyMaterialSpec];
export type HmacSpec = SpecOfKind<'hmac'>;
export type RsaMaterialSpec = SpecOfKind<'rsa'>;
export type EccMaterialSpec = SpecOfKind<'ecc'>;

export function keySpecFacts(spec: KeyMaterialSpec): KeySpecFacts {
  return KEY_SPEC_TABLE[spec];
}

export function materialKind(spec: KeyMaterialSpec): MaterialKind {
  return KEY_SPEC_TABLE[spec].kind;
}

export function isHmacSpec(spec: KeyMaterialSpec): spec is HmacSpec {
  return KEY_SPEC_TABLE[spec].kind === 'hmac';
}

/** Byte length of raw material Keyrite generates (symmetric and HMAC); null where material is PKCS#8 DER. */
export function rawMaterialBytes(spec: KeyMaterialSpec): number | null {
  const f = keySpecFacts(spec);
  return f.kind === 'symmetric' || f.kind === 'hmac' ? f.rawBytes : null;
}

/**
 * The lengths of raw material KMS imports for a spec: exactly 32 bytes for SYMMETRIC_DEFAULT, a range
 * for HMAC (see `importBytes`); null where material is PKCS#8 DER. The one rule the wrap module, the
 * ceremony and the emulator share.
 */
export function rawMaterialRange(spec: KeyMaterialSpec): { min: number; max: number } | null {
  const f = keySpecFacts(spec);
  return f.kind === 'symmetric' || f.kind === 'hmac' ? rawRange(f) : null;
}

/** The same, from a raw-material spec's facts (where the caller has already told the family apart). */
export function rawRange(f: Extract<KeySpecFacts, { kind: 'symmetric' | 'hmac' }>): {
  min: number;
  max: number;
} {
  return f.kind === 'hmac' ? f.importBytes : { min: f.rawBytes, max: f.rawBytes };
}

/** "32 bytes" or "32 to 64 bytes". */
export function describeRange(r: { min: number; max: number }): string {
  return r.min === r.max ? `exactly ${r.min} bytes` : `${r.min} to ${r.max} bytes`;
}

/** Every raw-material spec (symmetric, HMAC) that takes material of `length` bytes, in table order. */
export function rawSpecsFitting(length: number): KeyMaterialSpec[] {
  return KEY_MATERIAL_SPECS.filter((s) => {
    const r = rawMaterialRange(s);
    return r !== null && length >= r.min && length <= r.max;
  });
}

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

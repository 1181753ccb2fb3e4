import { z } from 'zod';
import { KEY_NAME } from '../audit/key-name.js';

/*
 * The public facts a ceremony establishes (ARNs, fingerprints, digests, check values, states), each
 * declared once with its format. Steps return them, the log records them, custodians confirm them,
 * the view shows some of them. Never material: every one of these may be read aloud in the room.
 */
const text = (max: number) => z.string().max(max);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits');
/**
 * The audit format fixes this shape for every `*Arn` field (see src-shared/audit/payload-schemas.ts):
 * an AWS ARN, or a Huawei Cloud KMS key's IAM resource URN (Huawei has no ARNs).
 */
const arn = z.string().regex(KEY_NAME, 'expected an ARN or a Huawei KMS key URN').max(2048);
const isoTime = z.iso.datetime({ offset: true });

export const FACT_SCHEMAS = {
  keyArn: arn,
  keyId: text(2048),
  region: text(64),
  keySpec: text(64),
  keyUsage: text(64),
  keyState: text(64),
  algorithm: text(64),
  wrappingKeyFingerprint: hex64,
  wrappingKeyFingerprintWords: text(2048),
  validTo: isoTime,
  importTokenDigest: hex64,
  materialMode: text(64),
  /** AES-CMAC / HMAC check value: 6 upper-case hex digits (lower case only in the UI contract). */
  kcv: z.string().regex(/^[0-9A-F]{6}$/, 'a KCV is 6 upper-case hex digits'),
  kcvWords: text(256),
  /** SHA-256 of KMS's MAC over the ceremony's probe message (HMAC keys): how verify proves the import. */
  macFingerprint: hex64,
  /** SHA-256 of the DER public key (RSA and ECC material). */
  publicKeyFingerprint: hex64,
  wrappedKeyDigest: hex64,
  /** KMS's id of the imported material: public, DescribeKey shows it to anyone who may describe the key. */
  keyMaterialId: hex64,
  /** Rotation ceremonies: the material that was CURRENT before, which must still decrypt afterwards. */
  priorKeyMaterialId: hex64,
  /** The state KMS gives the ceremony's material: PENDING_ROTATION, CURRENT, NON_CURRENT, … */
  keyMaterialState: text(64),
  /**
   * Multi-Region: every replica, `<region> <ARN>` and, once known, its wrapping key's fingerprint and
   * the digest of the blob wrapped for it; entries separated by `; ` (replica-keys.ts writes and reads it).
   */
  replicaKeys: text(8192),
  planDigest: hex64,
  note: text(1000),
} as const;

export type FactKey = keyof typeof FACT_SCHEMAS;

/** Everything the ceremony has established so far: each step's facts merged in step order. */
export type CeremonyFacts = { readonly [K in FactKey]?: string };

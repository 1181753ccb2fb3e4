import { z } from 'zod';

/**
 * Building blocks of the contract. Every string has a bound: a hostile renderer must not be able to
 * make main allocate or log without limit, and a response field that grew unexpectedly large is more
 * likely a leak than a feature.
 */
export const identifier = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, underscore and dash only');

export const hexDigest = z
  .string()
  .max(128)
  .regex(/^[0-9a-f]+$/, 'lower-case hex');

/** A digest shown to people as words (PGP word list), read aloud and compared by witnesses. */
export const words = z.string().max(2048);

export const isoTime = z.iso.datetime({ offset: true });

/**
 * Secrets (passphrases, split-knowledge components) go renderer → main only, and only as bytes: a
 * Uint8Array, which Electron's structured clone carries as bytes. Main copies them into a SecretBuffer
 * and zeroes the array; a string here is refused, so no secret becomes an unwipeable JS string in main.
 */
export const secretBytes = (min: number, max: number) =>
  z
    .custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes')
    .refine((b) => b.length >= min && b.length <= max, `expected ${min} to ${max} bytes`);

/** A passphrase as UTF-8 bytes. 1024 bytes is generous for a human-typed passphrase. */
export const passphrase = secretBytes(1, 1024);

export const empty = z.strictObject({});

export const keyArn = z.string().max(256);

export const wrappingAlgorithm = z.enum([
  'RSAES_OAEP_SHA_256',
  'RSAES_OAEP_SHA_1',
  'RSAES_PKCS1_V1_5',
  'RSA_AES_KEY_WRAP_SHA_256',
  'RSA_AES_KEY_WRAP_SHA_1',
]);

/**
 * Public facts about what a step does, the things custodians confirm and witnesses compare. Only
 * these keys cross: anything else the engine knows about a step is stripped on the way out.
 */
export const stepFacts = z.object({
  keyArn: keyArn.optional(),
  keyId: z.string().max(128).optional(),
  region: z.string().max(32).optional(),
  algorithm: z.string().max(64).optional(),
  keySpec: z.string().max(64).optional(),
  wrappingKeyFingerprint: hexDigest.optional(),
  wrappingKeyFingerprintWords: words.optional(),
  kcv: hexDigest.optional(),
  kcvWords: words.optional(),
  validTo: isoTime.optional(),
  note: z.string().max(512).optional(),
});

export type StepFacts = z.infer<typeof stepFacts>;

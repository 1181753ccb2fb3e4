import { z } from 'zod';
import { signedCheckpointSchema, type SignedCheckpoint } from '../audit/checkpoint.js';
import { decodeCanonical } from '../audit/canonical-json.js';
import { STEP_CATALOGUE, isStepId, type StepId } from '../ceremony/steps.js';
import { sha256Hex } from '../digests.js';
import { KeyriteError } from '../errors.js';
import { parseWrappingPublicKey } from '../wrap/wrapping-key.js';
import { wrapOutput } from '../ceremony/records.js';
import { passphraseStrength } from '../ceremony/passphrase-strength.js';
import type { VerifiedBundle } from './verify.js';

/**
 * What the two kinds of bundle carry, parsed only after verifyBundle has authenticated every byte.
 * Provider-neutral: the target names its provider, region and key by id and ARN/URN as that provider
 * spells it; the wrapping algorithm and key spec are the provider's names.
 *
 * request  (online → offline): request.json, WrappingPublicKey.der, ImportToken.bin
 * response (offline → online): response.json, EncryptedKeyMaterial.bin, checkpoint.json,
 *                              custodian-<id>.json (each custodian's sealed keys),
 *                              witness-<id>.json (each witness's sealed key)
 */
export const REQUEST_FILES = {
  content: 'request.json',
  wrappingKey: 'WrappingPublicKey.der',
  importToken: 'ImportToken.bin',
} as const;
export const RESPONSE_FILES = {
  content: 'response.json',
  wrapped: 'EncryptedKeyMaterial.bin',
  checkpoint: 'checkpoint.json',
} as const;
export const custodianFileName = (custodianId: string) => `custodian-${custodianId}.json`;
export const witnessFileName = (witnessId: string) => `witness-${witnessId}.json`;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/);

/** One step the writing station completed, with the facts its log recorded for it. */
const completedStep = z
  .strictObject({
    stepId: z.string().refine((s): s is StepId => isStepId(s)),
    facts: z.record(z.string(), z.string()),
  })
  .superRefine((s, ctx) => {
    if (!isStepId(s.stepId)) return;
    const r = STEP_CATALOGUE[s.stepId].facts.safeParse(s.facts);
    if (!r.success) ctx.addIssue({ code: 'custom', message: `not the facts of step ${s.stepId}` });
  });
export type CompletedStep = { stepId: StepId; facts: Record<string, string> };

export const requestSchema = z.strictObject({
  kind: z.literal('request'),
  target: z.strictObject({
    provider: z.string().min(1).max(32),
    region: z.string().min(1).max(64),
    keyId: z.string().min(1).max(2048),
    keyArn: z.string().min(1).max(2048),
    keySpec: z.string().min(1).max(64),
  }),
  wrapping: z.strictObject({ algorithm: z.string().min(1).max(64), keySpec: z.string().min(1).max(64) }),
  validTo: z.iso.datetime({ offset: true }),
  wrappingKeyFingerprint: hex64,
  importTokenDigest: hex64,
  steps: z.array(completedStep).max(16),
});
export type BundleRequest = z.output<typeof requestSchema> & { steps: CompletedStep[] };

const enrolledCustodian = z.strictObject({
  name: z.string().min(1).max(200),
  custodianId: z.string().min(1).max(64),
  role: z.literal('custodian'),
  publicKey: base64,
  sharePublicKey: base64,
  fingerprint: hex64,
  scrypt: z.strictObject({ N: z.number().int(), r: z.number().int(), p: z.number().int() }),
  strength: passphraseStrength.optional(),
});

const enrolledWitness = z.strictObject({
  name: z.string().min(1).max(200),
  witnessId: z.string().min(1).max(64),
  role: z.literal('witness'),
  publicKey: base64,
  fingerprint: hex64,
  scrypt: z.strictObject({ N: z.number().int(), r: z.number().int(), p: z.number().int() }),
  strength: passphraseStrength.optional(),
});

export const responseSchema = z.strictObject({
  kind: z.literal('response'),
  /** Binds the response to the request it answers. */
  requestDigest: hex64,
  importTokenDigest: hex64,
  wrappingKeyFingerprint: hex64,
  wrappedKeyDigest: hex64,
  custodians: z.array(enrolledCustodian).min(1).max(16),
  /** The witnesses' keys, so their sign-off at the online station is signed with the key they enrolled. */
  witnesses: z.array(enrolledWitness).max(16),
  steps: z.array(completedStep).max(16),
  /**
   * The plan's outputs for other clouds as the offline log recorded them (file, size, SHA-256,
   * destination, upload command) — never their bytes: the files travel in their own folder beside
   * the bundle (keyrite-<ceremony>-outputs-<number>). Absent when the plan has no outputs.
   */
  outputs: z.array(wrapOutput).min(1).max(16).optional(),
});
export type BundleResponse = z.output<typeof responseSchema> & { steps: CompletedStep[] };
export type EnrolledCustodian = z.output<typeof enrolledCustodian>;
export type EnrolledWitness = z.output<typeof enrolledWitness>;

function contentInvalid(what: string): never {
  throw new KeyriteError(
    'BUNDLE_CONTENT_INVALID',
    `the bundle’s ${what} is not what a Keyrite station writes`,
    'the signing station wrote something this Keyrite cannot read: use the same Keyrite version on both stations',
  );
}

function parseJson<S extends z.ZodType>(bytes: Buffer | undefined, schema: S, what: string): z.output<S> {
  if (!bytes) contentInvalid(what);
  try {
    return schema.parse(decodeCanonical(bytes));
  } catch {
    return contentInvalid(what);
  }
}

function requireFiles(b: VerifiedBundle, names: readonly string[]): void {
  const missing = names.filter((n) => !b.files.has(n));
  if (missing.length > 0) contentInvalid(`file list (missing ${missing.join(', ')})`);
}

/** A verified request bundle's content, cross-checked with its files and the clock. */
export function readRequest(
  b: VerifiedBundle,
  now: Date,
): { request: BundleRequest; wrappingKey: Buffer; importToken: Buffer } {
  if (b.manifest.kind !== 'request') contentInvalid('kind');
  const f = REQUEST_FILES;
  requireFiles(b, Object.values(f));
  if (b.files.size !== 3) contentInvalid('file list');
  const request = parseJson(b.files.get(f.content), requestSchema, 'request.json') as BundleRequest;
  const wrappingKey = b.files.get(f.wrappingKey)!;
  const importToken = b.files.get(f.importToken)!;
  let fingerprint: string;
  try {
    fingerprint = parseWrappingPublicKey(wrappingKey).fingerprintSha256;
  } catch {
    return contentInvalid('wrapping public key');
  }
  if (fingerprint !== request.wrappingKeyFingerprint)
    contentInvalid('wrapping key (another key than request.json names)');
  if (sha256Hex(importToken) !== request.importTokenDigest)
    contentInvalid('import token (another token than request.json names)');
  if (Date.parse(request.validTo) <= now.getTime())
    throw new KeyriteError(
      'BUNDLE_PARAMS_EXPIRED',
      `the request’s import parameters expired at ${request.validTo}`,
      'the online station fetches new import parameters and writes a new request',
    );
  return { request, wrappingKey, importToken };
}

/** A verified response bundle's content, cross-checked with its files. */
export function readResponse(b: VerifiedBundle): {
  response: BundleResponse;
  wrapped: Buffer;
  checkpoint: SignedCheckpoint;
  sealedCustodians: ReadonlyMap<string, Buffer>;
  sealedWitnesses: ReadonlyMap<string, Buffer>;
} {
  if (b.manifest.kind !== 'response') contentInvalid('kind');
  const f = RESPONSE_FILES;
  requireFiles(b, Object.values(f));
  const response = parseJson(b.files.get(f.content), responseSchema, 'response.json') as BundleResponse;
  const expected = new Set<string>([
    ...Object.values(f),
    ...response.custodians.map((c) => custodianFileName(c.custodianId)),
    ...response.witnesses.map((w) => witnessFileName(w.witnessId)),
  ]);
  if (b.files.size !== expected.size || [...b.files.keys()].some((n) => !expected.has(n)))
    contentInvalid('file list');
  const wrapped = b.files.get(f.wrapped)!;
  if (sha256Hex(wrapped) !== response.wrappedKeyDigest)
    contentInvalid('wrapped material (another blob than response.json names)');
  const checkpoint = parseJson(
    b.files.get(f.checkpoint),
    signedCheckpointSchema,
    'checkpoint.json',
  ) as SignedCheckpoint;
  if (checkpoint.ceremonyId !== b.manifest.ceremonyId) contentInvalid('checkpoint (another ceremony)');
  const sealedCustodians = new Map(
    response.custodians.map((c) => [c.custodianId, b.files.get(custodianFileName(c.custodianId))!] as const),
  );
  const sealedWitnesses = new Map(
    response.witnesses.map((w) => [w.witnessId, b.files.get(witnessFileName(w.witnessId))!] as const),
  );
  return { response, wrapped, checkpoint, sealedCustodians, sealedWitnesses };
}

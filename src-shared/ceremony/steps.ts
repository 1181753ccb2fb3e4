import { z } from 'zod';
import { FACT_SCHEMAS as F, type FactKey } from './facts.js';
import type { CeremonyPlan } from './plan.js';

/**
 * The step catalogue: every ceremony step declared once, with what people and programs need to know
 * about it — its title and explanation, which station runs it, who acts in it, whether a plan may put
 * it under custodian quorum, the facts it establishes and which of them the screen shows. The engine
 * (src-main/ceremony/steps), the terminal driver and the renderer all read it from here; the run
 * functions live beside the engine, which alone may touch material and KMS.
 */

/**
 * Where a step runs once a ceremony is split across two stations: `online` talks to KMS with cloud
 * credentials; `offline` holds plaintext material or custodians' sealed keys and never has a network;
 * `either` needs neither (each station may run it for its own log). A one-station ceremony runs all.
 */
export type Station = 'online' | 'offline' | 'either';

/** Who does something in the step (witnesses watch every step and may record an exception at any). */
export type StepActor = 'administrator' | 'custodians' | 'witnesses';

/** `never`: no plan can guard it; `optional`: a plan may; `default`: guarded unless the plan says otherwise. */
export type QuorumRule = 'never' | 'optional' | 'default';

export interface StepDescriptor<Facts extends z.ZodType = z.ZodType> {
  readonly title: string;
  readonly description: string;
  readonly station: Station;
  readonly actors: readonly StepActor[];
  readonly quorum: QuorumRule;
  /** The facts the step establishes: recorded in its `step.completed` record and merged into the ceremony's. */
  readonly facts: Facts;
  /** Of those, what the ceremony screen shows for the step (the rest stays in the log and the report). */
  readonly shows: readonly FactKey[];
  /** When a plan has no use for the step, it is skipped (never reordered). */
  readonly skipWhen?: (plan: CeremonyPlan) => boolean;
}

const note = { note: F.note };

export const STEP_CATALOGUE = {
  enroll: {
    title: 'Enroll custodians and witnesses',
    description: 'Each custodian and witness chooses a passphrase; Keyrite seals their signing key with it.',
    station: 'offline',
    actors: ['custodians', 'witnesses'],
    quorum: 'never',
    facts: z.strictObject(note),
    shows: ['note'],
  },
  preflight: {
    title: 'Pre-flight checks',
    description:
      'Caller identity, account, region and key state, before anything changes. Huawei Cloud KMS has no caller-identity call: a signed call accepted in the planned project stands in, and the log says so.',
    station: 'online',
    actors: ['administrator'],
    quorum: 'never',
    // An existing key is described here; a key to create is described by create-key.
    facts: z.strictObject({
      region: F.region,
      keySpec: F.keySpec,
      note: F.note,
      keyArn: F.keyArn.optional(),
      keyId: F.keyId.optional(),
      keyUsage: F.keyUsage.optional(),
      // Rotation: the material CURRENT before the ceremony.
      priorKeyMaterialId: F.priorKeyMaterialId.optional(),
      // Reimport into a key with several materials: the one this ceremony restores.
      keyMaterialId: F.keyMaterialId.optional(),
      // Rotating a multi-Region key: its existing replicas (region and ARN).
      replicaKeys: F.replicaKeys.optional(),
    }),
    shows: ['keyArn', 'keyId', 'region', 'keySpec', 'note'],
  },
  'create-key': {
    title: 'Create the KMS key',
    description:
      'CreateKey with origin EXTERNAL, tagged with this ceremony, and its alias (Huawei: create-key origin external, named by its alias).',
    station: 'online',
    actors: ['administrator'],
    quorum: 'never',
    facts: z.strictObject({
      keyArn: F.keyArn,
      keyId: F.keyId,
      keySpec: F.keySpec,
      keyUsage: F.keyUsage,
      note: F.note,
    }),
    shows: ['keyArn', 'keyId', 'keySpec', 'note'],
    skipWhen: (plan) => !('create' in plan.target.key),
  },
  replicate: {
    title: 'Replicate into other regions',
    description:
      'ReplicateKey of the multi-Region primary into each replica region of the plan; each replica waits for the same material.',
    station: 'online',
    actors: ['administrator'],
    quorum: 'never',
    facts: z.strictObject({ replicaKeys: F.replicaKeys, note: F.note }),
    shows: ['replicaKeys', 'note'],
    skipWhen: (plan) => plan.target.provider !== 'aws' || plan.target.replicaRegions === undefined,
  },
  'import-parameters': {
    title: 'Fetch import parameters',
    description: 'Wrapping public key and import token, bound to the planned algorithm.',
    station: 'online',
    actors: ['administrator'],
    quorum: 'never',
    facts: z.strictObject({
      algorithm: F.algorithm,
      wrappingKeyFingerprint: F.wrappingKeyFingerprint,
      wrappingKeyFingerprintWords: F.wrappingKeyFingerprintWords,
      validTo: F.validTo,
      importTokenDigest: F.importTokenDigest,
      // Multi-Region: each replica's ARN with its own wrapping key's fingerprint.
      replicaKeys: F.replicaKeys.optional(),
    }),
    shows: ['algorithm', 'wrappingKeyFingerprint', 'wrappingKeyFingerprintWords', 'validTo', 'replicaKeys'],
  },
  'generate-material': {
    title: 'Generate key material',
    description: 'Material is produced in memory under custodian quorum; its KCV is shown.',
    station: 'offline',
    actors: ['administrator', 'custodians'],
    quorum: 'default',
    // Symmetric and HMAC material have a KCV (HMAC also a MAC fingerprint); RSA and ECC a public key.
    facts: z.strictObject({
      materialMode: F.materialMode,
      kcv: F.kcv.optional(),
      kcvWords: F.kcvWords.optional(),
      macFingerprint: F.macFingerprint.optional(),
      publicKeyFingerprint: F.publicKeyFingerprint.optional(),
      note: F.note.optional(),
    }),
    shows: ['kcv', 'kcvWords', 'note'],
  },
  'backup-shares': {
    title: 'Write backup shares',
    description: 'Shamir M-of-N shares, each sealed to one custodian, one file each.',
    station: 'offline',
    actors: ['administrator'],
    quorum: 'default',
    facts: z.strictObject(note),
    shows: ['note'],
    skipWhen: (plan) => !plan.backup.shares,
  },
  'verify-shares': {
    title: 'Verify backup shares',
    description:
      'Custodians open their own shares against their commitments; any M prove the backup, the others stay pending.',
    station: 'offline',
    actors: ['custodians'],
    quorum: 'never',
    facts: z.strictObject(note),
    shows: ['note'],
    skipWhen: (plan) => !plan.backup.shares,
  },
  wrap: {
    title: 'Wrap the material',
    description:
      "Encrypt the material under the wrapping key (and for each of the plan's outputs: Google Cloud KMS, Azure Key Vault); the plaintext is then zeroed.",
    station: 'offline',
    actors: ['administrator'],
    // Guarded when the plan has outputs: material wrapped for another cloud leaves under quorum.
    quorum: 'optional',
    facts: z.strictObject({
      algorithm: F.algorithm,
      wrappedKeyDigest: F.wrappedKeyDigest,
      // Multi-Region: each replica's ARN, wrapping key fingerprint and wrapped blob's digest.
      replicaKeys: F.replicaKeys.optional(),
    }),
    shows: ['algorithm'],
  },
  import: {
    title: 'Import into KMS',
    description: 'ImportKeyMaterial with the wrapped blob and token, under custodian quorum.',
    station: 'online',
    actors: ['administrator'],
    quorum: 'default',
    // `note` when recovery completed the step from what KMS showed after a restart.
    facts: z.strictObject({
      keyArn: F.keyArn,
      keyMaterialId: F.keyMaterialId.optional(),
      note: F.note.optional(),
    }),
    shows: ['keyArn', 'note'],
  },
  verify: {
    title: 'Verify the import',
    description: 'DescribeKey and a functional check that KMS holds the generated material.',
    station: 'online',
    actors: ['administrator'],
    quorum: 'never',
    facts: z.strictObject({
      keyArn: F.keyArn,
      keyState: F.keyState,
      note: F.note,
      keyMaterialId: F.keyMaterialId.optional(),
      keyMaterialState: F.keyMaterialState.optional(),
    }),
    shows: ['keyArn', 'note'],
  },
  rotate: {
    title: 'Rotate to the new material',
    description:
      'RotateKeyOnDemand makes the imported material current, under custodian quorum; new encryptions use it and every earlier ciphertext still decrypts.',
    station: 'online',
    actors: ['administrator'],
    quorum: 'optional',
    facts: z.strictObject({
      keyArn: F.keyArn,
      keyMaterialId: F.keyMaterialId,
      keyMaterialState: F.keyMaterialState,
      priorKeyMaterialId: F.priorKeyMaterialId,
      note: F.note,
    }),
    shows: ['keyMaterialId', 'keyMaterialState', 'priorKeyMaterialId', 'note'],
    skipWhen: (plan) => plan.rotate === undefined,
  },
  grant: {
    title: 'Grant another account',
    description:
      'Add a key policy statement for the account named in the plan. AWS only: Huawei Cloud KMS keys have no key policy, so a Huawei plan cannot have a grant.',
    station: 'online',
    actors: ['administrator'],
    quorum: 'optional',
    facts: z.strictObject(note),
    shows: ['note'],
    skipWhen: (plan) => !plan.grant,
  },
  handover: {
    title: 'Hand-over sheet',
    description:
      'Cloud, account or project, region, key ARN (Huawei: key URN) and check value for the people who will use the key.',
    station: 'online',
    actors: ['administrator'],
    quorum: 'never',
    facts: z.strictObject(note),
    shows: ['note'],
  },
  close: {
    title: 'Zeroize and close',
    description: 'Witness sign-off, secrets zeroed, final signed checkpoint and report.',
    station: 'either',
    actors: ['witnesses'],
    quorum: 'never',
    facts: z.strictObject(note),
    shows: ['note'],
  },
} as const satisfies Record<string, StepDescriptor>;

export type StepId = keyof typeof STEP_CATALOGUE;

/** The facts step `S` establishes, as its run function returns them. */
export type FactsOf<S extends StepId> = z.output<(typeof STEP_CATALOGUE)[S]['facts']>;

export function describeStep(id: StepId): StepDescriptor {
  return STEP_CATALOGUE[id];
}

export function isStepId(s: string): s is StepId {
  return Object.prototype.hasOwnProperty.call(STEP_CATALOGUE, s);
}

/** Every step of the catalogue, whichever ceremony kinds use it. */
export const STEP_IDS: readonly StepId[] = Object.keys(STEP_CATALOGUE).filter(isStepId);

/** Steps a plan may put under M-of-N custodian control (the plan schema's `guardedSteps`). */
export const GUARDABLE_STEPS = [
  'generate-material',
  'backup-shares',
  'wrap',
  'import',
  'grant',
  'rotate',
] as const;
export type GuardableStep = (typeof GUARDABLE_STEPS)[number];

/** Checked by the compiler: GUARDABLE_STEPS is exactly the steps whose quorum rule is not `never`. */
type QuorumStep = {
  [K in StepId]: (typeof STEP_CATALOGUE)[K]['quorum'] extends 'never' ? never : K;
}[StepId];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const guardableMatchesCatalogue: Same<GuardableStep, QuorumStep> = true;

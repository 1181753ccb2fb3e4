import { z } from 'zod';
import { hexDigest, identifier, isoTime, stepFacts, words } from './schemas.js';

/**
 * The renderer's picture of a ceremony: public facts only. It is built in main from the engine's
 * state and validated against this schema on the way out, so a field the engine adds later does not
 * reach the renderer until someone decides it should (unknown keys are stripped).
 */
export const role = z.enum(['administrator', 'custodian', 'witness', 'auditor']);

export const participant = z.object({
  id: identifier,
  name: z.string().max(128),
  role,
  enrolled: z.boolean(),
  publicKeyFingerprint: hexDigest.optional(),
  /** Backup shares: this custodian opened their share and it matched its commitment. */
  shareVerified: z.boolean().optional(),
  /**
   * Custodians, at the current step: wrong passphrases so far, the tries the plan still allows (absent
   * when it sets no cap) and when the next try is allowed. Absent until one is wrong or the plan caps them.
   */
  passphraseAttempts: z
    .object({
      wrong: z.number().int().min(0).max(1000),
      remaining: z.number().int().min(0).max(1000).optional(),
      notBefore: isoTime.optional(),
    })
    .optional(),
  /** Witnesses: when they signed off the ceremony, if they have. */
  signedOffAt: isoTime.optional(),
});

export const stepStatus = z.enum(['pending', 'ready', 'running', 'done', 'failed', 'skipped']);

export const witnessNote = z.object({
  witnessId: identifier,
  text: z.string().max(2000),
  at: isoTime,
});

/** One custodian's confirmation of a step, with the time the log recorded it. */
export const confirmationView = z.object({
  custodianId: identifier,
  name: z.string().max(128),
  at: isoTime.optional(),
});

export const stepView = z.object({
  id: identifier,
  title: z.string().max(128),
  description: z.string().max(1024),
  status: stepStatus,
  guarded: z.boolean(),
  confirmedBy: z.array(identifier).max(64),
  /** The same confirmations with names and times, for the room to read. */
  confirmations: z.array(confirmationView).max(64).optional(),
  facts: stepFacts,
  exceptions: z.array(witnessNote).max(256),
  error: z
    .object({ code: z.string().max(64), message: z.string().max(512), hint: z.string().max(512).optional() })
    .optional(),
  /** Why the step cannot succeed yet (people must still act); Run stays disabled until it clears. */
  blockedBy: z
    .object({ code: z.string().max(64), message: z.string().max(512), hint: z.string().max(512) })
    .optional(),
});

/**
 * The identity of the key the ceremony creates or imports into, as the reviewed plan states it: shown
 * for review before CreateKey, the first step that cannot be undone.
 */
export const keyIdentity = z.object({
  kind: z.enum(['create', 'existing']),
  provider: z.enum(['aws', 'huawei']),
  /** The AWS account, or the Huawei Cloud project (32 hex digits), that will own the key. */
  accountId: z.string().max(32),
  region: z.string().max(32),
  keySpec: z.string().max(64),
  keyUsage: z.string().max(64).optional(),
  keyId: z.string().max(2048).optional(),
  alias: z.string().max(256).optional(),
  description: z.string().max(1024).optional(),
  tags: z.array(z.object({ key: z.string().max(128), value: z.string().max(256) })).max(64),
  /** The key policy in words: who may use and administer the key once it exists. */
  policy: z.array(z.string().max(512)).max(16),
});

/** One material of the key, as KMS listed it at the hand-over, and the backup shares that re-import it. */
export const keyMaterialView = z.object({
  keyMaterialId: hexDigest,
  state: z.string().max(64),
  importState: z.string().max(64).optional(),
  /** ISO time, or absent when the material does not expire. */
  validTo: z.string().max(64).optional(),
  reimportedBy: z.string().max(256),
});

/** A plan output (issue 16): the material wrapped for another cloud, and the command that uploads it. */
export const planOutputView = z.object({
  cloud: z.enum(['gcp', 'azure']),
  /** Relative to the ceremony directory, e.g. outputs/gcp-1-payments.bin. */
  file: z.string().max(256),
  bytes: z.number().int().min(0),
  sha256: hexDigest,
  method: z.string().max(64),
  /** The import job (Google) or the key exchange key's kid (Azure) it was wrapped for. */
  destination: z.string().max(512),
  /** The upload command, word for word, run from the ceremony directory. */
  command: z.string().max(2048),
  /**
   * Split ceremonies, at the online station: the offline station wrote and logged this output; the
   * file is in `folder` beside the response bundle on the medium (the commands run in that folder).
   */
  loggedOffline: z.object({ station: hexDigest, folder: z.string().max(256) }).optional(),
});

/**
 * Every material of the ceremony's key (and of each multi-Region replica), asked of KMS now; or, when
 * KMS cannot be reached, the list the hand-over recorded, labelled as such with its time.
 */
export const keyMaterialsListing = z.object({
  source: z.enum(['kms', 'recorded']),
  /** ISO time: when KMS answered, or when the log recorded the list (absent: nothing recorded). */
  at: z.string().max(64).optional(),
  /** Why KMS could not be asked (source `recorded`). */
  unreachable: z.string().max(1024).optional(),
  keys: z
    .array(
      z.object({
        region: z.string().max(64),
        keyArn: z.string().max(2048),
        /** As DescribeKey answered (source `kms` only). */
        keyState: z.string().max(64).optional(),
        materials: z.array(keyMaterialView).max(64),
      }),
    )
    .max(17),
});
export type KeyMaterialsListing = z.infer<typeof keyMaterialsListing>;

export const ceremonyStatus = z.enum(['no-plan', 'enrolling', 'in-progress', 'completed', 'aborted']);

export const ceremonyView = z.object({
  status: ceremonyStatus,
  ceremonyId: identifier.optional(),
  planDigest: hexDigest.optional(),
  planDigestWords: words.optional(),
  title: z.string().max(256).optional(),
  quorum: z.object({ m: z.number().int().min(1).max(64), n: z.number().int().min(1).max(64) }).optional(),
  participants: z.array(participant).max(64),
  steps: z.array(stepView).max(64),
  currentStepId: identifier.optional(),
  /** Where the key material comes from, as the plan says. */
  materialMode: z.enum(['csprng', 'split-knowledge', 'existing-file', 'existing-shares']).optional(),
  /** Split knowledge: the custodian whose component the running step is waiting for. */
  awaitingComponent: z.object({ custodianId: identifier, bytes: z.number().int().min(1).max(64) }).optional(),
  /** What reopening the ceremony found and did after a restart or crash, for people to read. */
  recovery: z.array(z.string().max(512)).max(32).optional(),
  keyIdentity: keyIdentity.optional(),
  /** AWS symmetric keys: every material of the key (rotations), once the hand-over listed them. */
  keyMaterials: z.array(keyMaterialView).max(64).optional(),
  /** The plan's outputs for other clouds, once the wrap step wrote them (from the log's wrap.output records). */
  outputs: z.array(planOutputView).max(8).optional(),
});

export type CeremonyView = z.infer<typeof ceremonyView>;
export type StepView = z.infer<typeof stepView>;
export type KeyIdentity = z.infer<typeof keyIdentity>;
export type KeyMaterialView = z.infer<typeof keyMaterialView>;
export type PlanOutputView = z.infer<typeof planOutputView>;
export type ConfirmationView = z.infer<typeof confirmationView>;
export type Participant = z.infer<typeof participant>;

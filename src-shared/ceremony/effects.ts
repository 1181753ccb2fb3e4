import { z } from 'zod';
import { FACT_SCHEMAS as F } from './facts.js';

/*
 * Every external effect the engine brackets with an `intent` record (before) and an `outcome` record
 * (after): what the intent's `details` say and what a successful outcome's `details` say. Recovery
 * reads open intents through these schemas to decide how to ask the world whether the effect happened.
 */
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const accountId = z.string().regex(/^\d{12}$/);
const none = z.strictObject({});

export const EFFECTS = {
  /** An atomic file write; `digest` is what the file must hold, so recovery can check it on disk. */
  'media.write-file': { details: z.strictObject({ file: z.string().max(512), digest: hex64 }), result: none },
  /** Share files of abandoned material moved aside. */
  'media.move-files': { details: z.strictObject({ to: z.string().max(512) }), result: none },
  /**
   * A bundle written to removable media. The sequence is spent by the intent (a bundle that may be on
   * the medium is never renumbered); the token and wrapped digests let the station refuse ever to send
   * two different wrapped materials for one import token.
   */
  'media.write-bundle': {
    details: z.strictObject({
      kind: z.enum(['request', 'response']),
      sequence: z.number().int().min(1),
      importTokenDigest: F.importTokenDigest,
      wrappedKeyDigest: F.wrappedKeyDigest.optional(),
    }),
    result: z.strictObject({ bundleDigest: hex64 }),
  },
  'kms.create-key': {
    details: z.strictObject({ keySpec: F.keySpec, keyUsage: F.keyUsage, tagCeremony: z.string().max(64) }),
    result: z.strictObject({ keyArn: F.keyArn, keyId: F.keyId }),
  },
  'kms.create-alias': {
    details: z.strictObject({ alias: z.string().max(256), keyArn: F.keyArn }),
    result: none,
  },
  /** A replica of the multi-Region primary; recovery asks the primary's MultiRegionConfiguration. */
  'kms.replicate-key': {
    details: z.strictObject({ keyArn: F.keyArn, region: F.region }),
    result: z.strictObject({ replicaArn: F.keyArn }),
  },
  'kms.get-parameters-for-import': {
    details: z.strictObject({ keyId: F.keyId, algorithm: F.algorithm, wrappingKeySpec: z.string().max(64) }),
    result: z.strictObject({ importTokenDigest: F.importTokenDigest, validTo: F.validTo }),
  },
  'kms.import-key-material': {
    details: z.strictObject({
      keyArn: F.keyArn,
      wrappedKeyDigest: F.wrappedKeyDigest,
      importTokenDigest: F.importTokenDigest,
      expirationModel: z.string().max(64),
      /** Rotation: NEW_KEY_MATERIAL, pending rotation until the rotate step; absent: KMS's default. */
      importType: z.enum(['NEW_KEY_MATERIAL', 'EXISTING_KEY_MATERIAL']).optional(),
    }),
    result: z.strictObject({ keyMaterialId: F.keyMaterialId.optional() }),
  },
  /** Makes `keyMaterialId` (pending rotation) current; recovery asks DescribeKey which material is current. */
  'kms.rotate-key-on-demand': {
    details: z.strictObject({
      keyArn: F.keyArn,
      keyMaterialId: F.keyMaterialId,
      priorKeyMaterialId: F.priorKeyMaterialId,
    }),
    result: none,
  },
  'kms.put-key-policy': { details: z.strictObject({ grantee: accountId }), result: none },
} as const;

export type EffectAction = keyof typeof EFFECTS;
export type EffectDetails<A extends EffectAction> = z.output<(typeof EFFECTS)[A]['details']>;
export type EffectResult<A extends EffectAction> = z.output<(typeof EFFECTS)[A]['result']>;

/** An outcome says what the effect returned, why it failed, or what recovery found in the world. */
const failed = z.strictObject({ code: z.string().max(100) });
const reconciled = z.strictObject({ reconciled: z.string().max(1000) });

function intentOf<A extends EffectAction, D extends z.ZodType>(action: A, details: D) {
  return z.strictObject({ action: z.literal(action), effect: z.string().min(1).max(500), details });
}

function outcomeOf<A extends EffectAction, R extends z.ZodType>(action: A, result: R) {
  return z.strictObject({
    intentSeq: z.number().int().min(1),
    action: z.literal(action),
    ok: z.boolean(),
    details: z.union([result, failed, reconciled]),
  });
}

const E = EFFECTS;
export const intentPayload = z.discriminatedUnion('action', [
  intentOf('media.write-file', E['media.write-file'].details),
  intentOf('media.move-files', E['media.move-files'].details),
  intentOf('media.write-bundle', E['media.write-bundle'].details),
  intentOf('kms.create-key', E['kms.create-key'].details),
  intentOf('kms.create-alias', E['kms.create-alias'].details),
  intentOf('kms.replicate-key', E['kms.replicate-key'].details),
  intentOf('kms.get-parameters-for-import', E['kms.get-parameters-for-import'].details),
  intentOf('kms.import-key-material', E['kms.import-key-material'].details),
  intentOf('kms.put-key-policy', E['kms.put-key-policy'].details),
  intentOf('kms.rotate-key-on-demand', E['kms.rotate-key-on-demand'].details),
]);

export const outcomePayload = z.discriminatedUnion('action', [
  outcomeOf('media.write-file', E['media.write-file'].result),
  outcomeOf('media.move-files', E['media.move-files'].result),
  outcomeOf('media.write-bundle', E['media.write-bundle'].result),
  outcomeOf('kms.create-key', E['kms.create-key'].result),
  outcomeOf('kms.create-alias', E['kms.create-alias'].result),
  outcomeOf('kms.replicate-key', E['kms.replicate-key'].result),
  outcomeOf('kms.get-parameters-for-import', E['kms.get-parameters-for-import'].result),
  outcomeOf('kms.import-key-material', E['kms.import-key-material'].result),
  outcomeOf('kms.put-key-policy', E['kms.put-key-policy'].result),
  outcomeOf('kms.rotate-key-on-demand', E['kms.rotate-key-on-demand'].result),
]);

export type IntentPayload = z.output<typeof intentPayload>;
export type OutcomePayload = z.output<typeof outcomePayload>;

/** Checked by the compiler: the unions above list every effect of the catalogue. */
export const intentsCoverEffects: [EffectAction] extends [IntentPayload['action']] ? true : false = true;
export const outcomesCoverEffects: [EffectAction] extends [OutcomePayload['action']] ? true : false = true;

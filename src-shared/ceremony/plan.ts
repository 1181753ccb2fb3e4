import { z } from 'zod';
import { KeyriteError } from '../errors.js';
import { KEY_MATERIAL_SPECS, WRAPPING_ALGORITHMS, WRAPPING_KEY_SPECS } from '../wrap/specs.js';
import { PLAN_DOMAIN, domainDigest } from '../audit/hashing.js';
import { CEREMONY_KEY_USAGES } from './key-usage.js';
import { planDigestV1 } from './legacy-digests.js';
import { GUARDABLE_STEPS, STEP_CATALOGUE, type GuardableStep } from './steps.js';
import { huaweiTarget } from './plan-huawei.js';
import { planOutputs } from './plan-outputs.js';

/** KMS key specs Keyrite can import material into: exactly the material kinds the wrap module handles. */
export const PLAN_KEY_SPECS = KEY_MATERIAL_SPECS;
export type PlanKeySpec = (typeof PLAN_KEY_SPECS)[number];

export const PLAN_WRAPPING_ALGORITHMS = WRAPPING_ALGORITHMS;
export const PLAN_WRAPPING_KEY_SPECS = WRAPPING_KEY_SPECS;

export { GUARDABLE_STEPS, type GuardableStep };

/** Guarded when a plan names none: the catalogue's `quorum: 'default'` steps, in catalogue order. */
const DEFAULT_GUARDED = GUARDABLE_STEPS.filter(
  (s): s is GuardableStep => STEP_CATALOGUE[s].quorum === 'default',
);

/** KeyMaterialDescription as KMS's service model constrains it. */
export const KEY_MATERIAL_DESCRIPTION = /^[a-zA-Z0-9:/_\s.-]+$/;

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,39}$/, 'ids are lowercase letters, digits, . _ - (max 40)');
const person = z.strictObject({ id, name: z.string().min(1).max(120) });

const createKey = z.strictObject({
  alias: z.string().min(1).max(256).optional(),
  description: z.string().max(8192).default(''),
  tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
  keySpec: z.enum(PLAN_KEY_SPECS),
  keyUsage: z.enum(CEREMONY_KEY_USAGES).optional(),
});
const existingKey = z.strictObject({
  keyId: z.string().min(1).max(2048),
  keySpec: z.enum(PLAN_KEY_SPECS),
  /** Reimport: which of the key's materials to restore (ImportType EXISTING_KEY_MATERIAL). */
  keyMaterialId: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'a KeyMaterialId: 64 lower-case hex digits')
    .optional(),
});

const material = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('csprng') }),
  z.strictObject({ mode: z.literal('split-knowledge') }),
  z.strictObject({ mode: z.literal('existing-file'), file: z.string().min(1) }),
  z.strictObject({ mode: z.literal('existing-shares'), sharesDir: z.string().min(1) }),
]);

const expiration = z.discriminatedUnion('model', [
  z.strictObject({ model: z.literal('KEY_MATERIAL_DOES_NOT_EXPIRE') }),
  z.strictObject({ model: z.literal('KEY_MATERIAL_EXPIRES'), validTo: z.iso.datetime({ offset: true }) }),
]);

const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1');
const awsTarget = z.strictObject({
  provider: z.literal('aws'),
  region: awsRegion,
  accountId: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
  key: z.union([z.strictObject({ create: createKey }), z.strictObject({ existing: existingKey })]),
  /**
   * A multi-Region ceremony: the key is created as a multi-Region primary in `region` and replicated
   * into each of these, and the same material is imported into every one. Absent: one region (and the
   * digests of existing plans unchanged).
   */
  replicaRegions: z.array(awsRegion).min(1).max(16).optional(),
});

export const planSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1).max(200),
  target: z.discriminatedUnion('provider', [awsTarget, huaweiTarget]),
  wrapping: z.strictObject({
    algorithm: z.enum(PLAN_WRAPPING_ALGORITHMS),
    keySpec: z.enum(PLAN_WRAPPING_KEY_SPECS),
  }),
  expiration,
  material,
  backup: z.strictObject({ shares: z.boolean() }).default({ shares: false }),
  participants: z.strictObject({
    administrator: person,
    custodians: z.array(person).min(1).max(16),
    witnesses: z.array(person).max(16).default([]),
    auditor: person.optional(),
  }),
  quorum: z.strictObject({ m: z.number().int().min(1).max(16) }),
  guardedSteps: z.array(z.enum(GUARDABLE_STEPS)).default(DEFAULT_GUARDED),
  /**
   * The most wrong passphrases one custodian may type at one step. Absent: no cap, only the doubling
   * back-off (and the digests of existing plans stay as they were).
   */
  passphraseAttempts: z.number().int().min(1).max(20).optional(),
  grant: z
    .strictObject({
      accountId: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
      actions: z
        .array(z.string().regex(/^kms:[A-Za-z*]+$/))
        .min(1)
        .optional(),
    })
    .optional(),
  /**
   * `split`: an air-gapped ceremony — the online steps run on a station with cloud credentials, the
   * offline ones on a station with no network, joined only by signed bundles on removable media.
   * Absent means one station runs every step (and leaves the digests of existing plans unchanged).
   */
  stations: z.enum(['single', 'split']).optional(),
  /**
   * A rotation ceremony: new material goes into an existing symmetric key as NEW_KEY_MATERIAL (pending
   * rotation), then RotateKeyOnDemand makes it current. Absent: an import ceremony (digests unchanged).
   */
  rotate: z
    .strictObject({
      /** Words added to KMS's KeyMaterialDescription after `keyrite <ceremony id> quorum M of N`. */
      keyMaterialDescription: z
        .string()
        .regex(KEY_MATERIAL_DESCRIPTION, 'letters, digits, spaces and : / _ . - only (as KMS allows)')
        .min(1)
        .max(200)
        .optional(),
    })
    .optional(),
  /**
   * The same material wrapped for other clouds' own imports (Google Cloud KMS, Azure Key Vault) at the
   * wrap step, which the plan then guards. Absent: none (and the digests of existing plans unchanged).
   */
  outputs: planOutputs.optional(),
});

export type CeremonyPlan = z.infer<typeof planSchema>;
export type PlanProvider = CeremonyPlan['target']['provider'];

/**
 * The material the ceremony makes and wraps, in the wrap module's terms (AWS's spelling), whether the
 * key is created or exists: a Huawei AES_256 key takes the 256-bit symmetric material AWS calls
 * SYMMETRIC_DEFAULT.
 */
export function planKeySpec(plan: CeremonyPlan): PlanKeySpec {
  const spec = planCloudKeySpec(plan);
  return spec === 'AES_256' ? 'SYMMETRIC_DEFAULT' : spec;
}

/** The key spec as the plan (and the cloud) spells it: AES_256 on Huawei, AWS's names on AWS. */
export function planCloudKeySpec(plan: CeremonyPlan): PlanKeySpec | 'AES_256' {
  const key = plan.target.key;
  return 'create' in key ? key.create.keySpec : key.existing.keySpec;
}

/** Who owns the key: the AWS account, or the Huawei Cloud project. */
export function planOwner(plan: CeremonyPlan): { kind: 'account' | 'project'; id: string; label: string } {
  const t = plan.target;
  return t.provider === 'aws'
    ? { kind: 'account', id: t.accountId, label: `AWS account ${t.accountId}` }
    : { kind: 'project', id: t.projectId, label: `Huawei Cloud project ${t.projectId}` };
}

/**
 * Validates a parsed plan document. The digest is over the canonical form of the *validated* plan
 * (defaults applied), so two spellings of one plan share one digest and what ran is what was reviewed.
 */
export function validatePlan(doc: unknown): { plan: CeremonyPlan; digest: string } {
  const r = planSchema.safeParse(withKindDefaults(doc));
  if (!r.success) {
    const first = r.error.issues[0];
    const where = first && first.path.length > 0 ? first.path.join('.') : 'plan';
    throw new KeyriteError(
      'PLAN_INVALID',
      `ceremony plan is invalid at ${where}: ${first?.message ?? 'unknown problem'}`,
      'fix the plan file and have it reviewed again; its digest will change',
    );
  }
  return { plan: r.data, digest: planDigest(r.data) };
}

/**
 * A rotation plan that names no guarded steps guards the rotation too: making material current is as
 * irreversible as importing it. A plan with outputs guards the wrap step that writes them: material
 * leaves the station for another cloud only under quorum. Other plans keep the catalogue's defaults
 * (and their digests).
 */
function withKindDefaults(doc: unknown): unknown {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return doc;
  const d = doc as Record<string, unknown>;
  if (d['guardedSteps'] !== undefined || (d['rotate'] === undefined && d['outputs'] === undefined))
    return doc;
  const guarded: GuardableStep[] = [...DEFAULT_GUARDED];
  if (d['outputs'] !== undefined) guarded.splice(guarded.indexOf('import'), 0, 'wrap');
  if (d['rotate'] !== undefined) guarded.push('rotate');
  return { ...d, guardedSteps: guarded };
}

/**
 * SHA-256("keyrite/plan/v2\n" || canonical JSON of the validated plan), hex (see docs/FORMAT.md). The plan
 * is taken as plan.json stores it (JSON: an absent optional field is simply not there).
 */
export function planDigest(plan: CeremonyPlan): string {
  const asStored: unknown = JSON.parse(JSON.stringify(plan));
  return domainDigest(PLAN_DOMAIN, asStored);
}

/**
 * Whether `recorded` is this plan's digest under the current rule or, for a ceremony started before
 * log format v2, under the old one. Reopening a ceremony checks its plan.json this way.
 */
export function isDigestOfPlan(recorded: string, plan: CeremonyPlan): boolean {
  return recorded === planDigest(plan) || recorded === planDigestV1(plan);
}

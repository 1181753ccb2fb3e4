import type { KeyMaterialSpec, WrappingAlgorithm, WrappingKeySpec } from '../wrap/specs.js';
import { KeyriteError } from '../errors.js';
import { keyFamily } from './key-usage.js';
import { targetRefusals } from './target-refusals.js';
import { rotationRefusals } from './rotation-rules.js';
import { multiRegionRefusals } from './multi-region-rules.js';
import { outputRefusals } from './output-refusals.js';
import { planKeySpec, type CeremonyPlan } from './plan.js';

export type { Refusal } from './target-refusals.js';
import type { Refusal } from './target-refusals.js';

/** The wrap module's rule for algorithm × material × wrapping key; injected to keep this file testable. */
export type CompatibilityCheck = (
  algorithm: WrappingAlgorithm,
  materialSpec: KeyMaterialSpec,
  wrappingKeySpec: WrappingKeySpec,
) => void;

const MAX_VALID_TO_MS = 365 * 24 * 3600 * 1000;

/**
 * Everything AWS (or the quorum arithmetic) would refuse later, refused now, before anyone enrolls and
 * before any secret exists. Returns every refusal, not just the first, so one review round fixes all.
 */
export function preflightRefusals(plan: CeremonyPlan, now: Date, compat: CompatibilityCheck): Refusal[] {
  const out: Refusal[] = [];
  const refuse = (code: string, message: string, hint: string) => out.push({ code, message, hint });
  const spec = planKeySpec(plan);
  const custodians = plan.participants.custodians;
  const n = custodians.length;
  const m = plan.quorum.m;

  try {
    compat(plan.wrapping.algorithm, spec, plan.wrapping.keySpec);
  } catch (e) {
    refuse(
      'PLAN_ALGORITHM_INCOMPATIBLE',
      e instanceof KeyriteError ? e.message : `${plan.wrapping.algorithm} cannot wrap ${spec} material`,
      e instanceof KeyriteError ? e.hint : 'choose a wrapping algorithm AWS accepts for this key spec',
    );
  }

  out.push(...targetRefusals(plan, spec));
  out.push(...rotationRefusals(plan));
  out.push(...multiRegionRefusals(plan));
  out.push(...outputRefusals(plan, spec));

  if (plan.expiration.model === 'KEY_MATERIAL_EXPIRES') {
    const validTo = Date.parse(plan.expiration.validTo);
    if (!(validTo > now.getTime()))
      refuse(
        'PLAN_VALID_TO_PAST',
        `validTo ${plan.expiration.validTo} is not in the future`,
        'choose a date after the ceremony',
      );
    else if (validTo - now.getTime() > MAX_VALID_TO_MS)
      refuse(
        'PLAN_VALID_TO_RANGE',
        `validTo ${plan.expiration.validTo} is more than 365 days ahead`,
        'AWS allows at most 365 days',
      );
  }

  if (m > n)
    refuse(
      'PLAN_QUORUM_TOO_LARGE',
      `quorum ${m} is larger than the ${n} custodian(s)`,
      'lower M or add custodians',
    );

  const ids = [
    plan.participants.administrator.id,
    ...custodians.map((c) => c.id),
    ...plan.participants.witnesses.map((w) => w.id),
    ...(plan.participants.auditor ? [plan.participants.auditor.id] : []),
  ];
  const dup = ids.find((x, i) => ids.indexOf(x) !== i);
  if (dup !== undefined)
    refuse(
      'PLAN_DUPLICATE_PARTICIPANT',
      `participant ${dup} appears more than once`,
      'each person holds one role (separation of duties)',
    );
  // Custodians' names identify their co-signatures in the audit log and in the report, so two people
  // with one name would be indistinguishable to an auditor.
  const names = custodians.map((c) => c.name.trim().toLowerCase());
  const dupName = custodians.find((_, i) => names.indexOf(names[i] ?? '') !== i);
  if (dupName !== undefined)
    refuse(
      'PLAN_DUPLICATE_CUSTODIAN_NAME',
      `two custodians are named "${dupName.name}"`,
      'give each custodian a distinct name (add an initial or a team) so their signatures can be told apart',
    );

  if (plan.backup.shares && (m < 2 || n < 2))
    refuse(
      'PLAN_BACKUP_QUORUM',
      'Shamir backup shares need at least 2 custodians and a quorum of at least 2',
      'raise M and N, or turn off backup shares',
    );
  if (plan.material.mode === 'split-knowledge' && n < 2)
    refuse(
      'PLAN_SPLIT_KNOWLEDGE',
      'split knowledge needs at least 2 custodians',
      'add a custodian or choose csprng',
    );
  if (plan.material.mode === 'existing-shares' && m < 2)
    refuse(
      'PLAN_SHARES_QUORUM',
      'reconstituting from shares needs a quorum of at least 2',
      'raise M to the threshold of the shares',
    );

  if (plan.guardedSteps.includes('grant') && !plan.grant)
    refuse(
      'PLAN_GUARD_UNKNOWN_STEP',
      'the grant step is guarded but the plan has no grant',
      'remove grant from guardedSteps',
    );

  if (plan.material.mode === 'split-knowledge' && (keyFamily(spec) === 'rsa' || keyFamily(spec) === 'ecc'))
    // XOR of two private keys is not a private key: split knowledge works on raw symmetric bytes only.
    refuse(
      'PLAN_SPLIT_KNOWLEDGE_SPEC',
      `split knowledge cannot produce ${spec} material`,
      'use csprng or existing material for asymmetric keys',
    );

  return dedupe(out);
}

function dedupe(rs: Refusal[]): Refusal[] {
  const seen = new Set<string>();
  return rs.filter((r) => (seen.has(r.message) ? false : (seen.add(r.message), true)));
}

export function assertPlanAcceptable(plan: CeremonyPlan, now: Date, compat: CompatibilityCheck): void {
  const rs = preflightRefusals(plan, now, compat);
  if (rs.length === 0) return;
  const first = rs[0] as Refusal;
  throw new KeyriteError(
    rs.length === 1 ? first.code : 'PLAN_REFUSED',
    rs.length === 1
      ? first.message
      : `the plan is refused for ${rs.length} reasons: ${rs.map((r) => r.message).join('; ')}`,
    first.hint,
  );
}

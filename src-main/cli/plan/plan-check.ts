import { statSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import {
  planCloudKeySpec,
  planOwner,
  validatePlan,
  type CeremonyPlan,
} from '../../../src-shared/ceremony/plan.js';
import { preflightRefusals, type Refusal } from '../../../src-shared/ceremony/preflight.js';
import { existingKeyRefusals } from '../../../src-shared/plan/key-reference.js';
import { planProblems, type PlanProblem } from '../../../src-shared/plan/plan-issues.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import {
  assertCompatible,
  isKeyMaterialSpec,
  isWrappingAlgorithm,
  isWrappingKeySpec,
} from '../../../src-shared/wrap/index.js';
import { readPlanFile } from '../../ceremony/plan-file.js';
import { materialSourceRefusals } from './material-source.js';

export type PlanCheck =
  | { ok: false; stage: 'schema'; problems: PlanProblem[] }
  | {
      ok: boolean;
      stage: 'preflight';
      plan: CeremonyPlan;
      digest: string;
      words: string;
      refusals: Refusal[];
    };

/** What a ceremony checks online, listed so nobody takes an offline pass for more than it is. */
export const CHECKED_ONLY_ONLINE = [
  'the AWS identity and that it is target.accountId (Huawei: that the credentials are accepted in target.projectId)',
  'that the alias is free (create) or the existing key is EXTERNAL, of the planned spec and pending import',
];

/**
 * Everything about a plan that needs no network, in the order a reviewer meets it: the plan's shape
 * (every problem, with allowed values), then the ceremony's own pre-flight refusals, the existing key's
 * name and the material's location. The digest is the one the administrator is asked to compare.
 */
export function checkPlanFile(file: string, now: Date): PlanCheck {
  assertRegularFile(file);
  const doc = readPlanFile(file);
  const problems = planProblems(doc);
  if (problems.length > 0) return { ok: false, stage: 'schema', problems };
  const { plan, digest } = validatePlan(doc);
  const refusals = [
    ...preflightRefusals(plan, now, compatible),
    ...existingKeyRefusals(plan),
    ...materialSourceRefusals(plan, path.dirname(path.resolve(file))),
  ];
  return {
    ok: refusals.length === 0,
    stage: 'preflight',
    plan,
    digest,
    words: toWords(digest),
    refusals,
  };
}

/** The wrap module's algorithm table, for the pre-flight's string-typed hook. */
function compatible(algorithm: string, materialSpec: string, wrappingKeySpec: string): void {
  if (isWrappingAlgorithm(algorithm) && isKeyMaterialSpec(materialSpec) && isWrappingKeySpec(wrappingKeySpec))
    assertCompatible(algorithm, materialSpec, wrappingKeySpec);
}

/** The plan's essentials, one line each, for the reviewer reading the check's output. */
export function planSummary(plan: CeremonyPlan): Array<[string, string]> {
  const t = plan.target;
  const spec = planCloudKeySpec(plan);
  const key =
    'create' in t.key
      ? `new ${spec} key${t.key.create.alias ? ` ${t.key.create.alias}` : ''}`
      : `existing ${spec} key ${t.key.existing.keyId}`;
  const p = plan.participants;
  const names = (xs: ReadonlyArray<{ name: string }>): string => xs.map((x) => x.name).join(', ') || 'none';
  return [
    ['name', plan.name],
    ['target', `${planOwner(plan).label}, ${t.region}: ${key}`],
    ['wrapping', `${plan.wrapping.algorithm} with an ${plan.wrapping.keySpec} wrapping key`],
    [
      'expiration',
      plan.expiration.model === 'KEY_MATERIAL_EXPIRES'
        ? `material expires ${plan.expiration.validTo}`
        : 'material does not expire',
    ],
    ['material', `${plan.material.mode}; backup shares: ${plan.backup.shares ? 'yes' : 'no'}`],
    ['custodians', `${plan.quorum.m} of ${p.custodians.length}: ${names(p.custodians)}`],
    ['guarded', plan.guardedSteps.join(', ') || 'none'],
    ['witnesses', names(p.witnesses)],
    [
      'grant',
      plan.grant
        ? `account ${plan.grant.accountId}: ${(plan.grant.actions ?? ['encryption actions']).join(' ')}`
        : 'none',
    ],
    ...(plan.outputs
      ? [
          [
            'outputs',
            plan.outputs
              .map((o) =>
                o.cloud === 'gcp'
                  ? `Google Cloud KMS key ${o.key} (${o.algorithm}) via import job ${o.importJob}`
                  : `Azure Key Vault key ${o.name} via KEK ${o.kek}`,
              )
              .join('; '),
          ] as [string, string],
        ]
      : []),
  ];
}

function assertRegularFile(file: string): void {
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new KeyriteError('PLAN_UNREADABLE', `plan file not found: ${file}`, 'check the path');
  }
  // readPlanFile would block on a FIFO; a plan is always a regular file.
  if (!isFile)
    throw new KeyriteError('PLAN_UNREADABLE', `${file} is not a regular file`, 'give the plan file');
}

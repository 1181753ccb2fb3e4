import { allowedKeyUsages } from './key-usage.js';
import type { CeremonyPlan, PlanKeySpec } from './plan.js';
import { HUAWEI_PLAN_ALGORITHMS, HUAWEI_WRAPPING_KEY_SPEC } from './plan-huawei.js';

export interface Refusal {
  code: string;
  message: string;
  hint: string;
}

type Target<P extends CeremonyPlan['target']['provider']> = Extract<CeremonyPlan['target'], { provider: P }>;
type Rules<P extends CeremonyPlan['target']['provider']> = (
  plan: CeremonyPlan,
  target: Target<P>,
  spec: PlanKeySpec,
) => Refusal[];

const ALIAS = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

/** What AWS KMS would refuse about the key and the grant. */
const aws: Rules<'aws'> = (plan, t, spec) => {
  const out: Refusal[] = [];
  if ('create' in t.key) {
    const { alias, keyUsage } = t.key.create;
    if (alias !== undefined) {
      if (alias.startsWith('alias/aws/'))
        out.push({
          code: 'PLAN_ALIAS_RESERVED',
          message: `alias ${alias} is reserved for AWS managed keys`,
          hint: 'pick a name outside alias/aws/',
        });
      else if (!ALIAS.test(alias))
        out.push({
          code: 'PLAN_ALIAS_SYNTAX',
          message: `alias ${alias} is not a valid KMS alias`,
          hint: 'start with alias/ and use letters, digits, / _ -',
        });
    }
    if (keyUsage !== undefined && !allowedKeyUsages(spec).includes(keyUsage))
      out.push({
        code: 'PLAN_KEY_USAGE',
        message: `key usage ${keyUsage} is not valid for ${spec}`,
        hint: `use one of ${allowedKeyUsages(spec).join(', ')}`,
      });
  }
  if (plan.grant && plan.grant.accountId === t.accountId)
    out.push({
      code: 'PLAN_GRANT_SELF',
      message: 'the grant names the key’s own account',
      hint: 'grant only another account; the owner already has access',
    });
  return out;
};

/** What Huawei Cloud KMS would refuse, or has no equivalent for. */
const huawei: Rules<'huawei'> = (plan) => {
  const out: Refusal[] = [];
  const { algorithm, keySpec } = plan.wrapping;
  if (!(HUAWEI_PLAN_ALGORITHMS as readonly string[]).includes(algorithm))
    out.push({
      code: 'PLAN_HUAWEI_ALGORITHM',
      message: `Huawei Cloud KMS does not offer the wrapping algorithm ${algorithm}`,
      hint: `use ${HUAWEI_PLAN_ALGORITHMS.join(', ')} (RSAES_OAEP_SHA_256 unless an HSM lacks it)`,
    });
  if (keySpec !== HUAWEI_WRAPPING_KEY_SPEC)
    out.push({
      code: 'PLAN_HUAWEI_WRAPPING_KEY',
      message: `Huawei Cloud KMS hands out RSA_2048 wrapping keys only, the plan asks for ${keySpec}`,
      hint: 'set wrapping.keySpec to RSA_2048',
    });
  if (plan.grant)
    out.push({
      code: 'PLAN_HUAWEI_GRANT',
      message: 'Huawei Cloud KMS keys have no key policy, so the plan’s grant cannot be applied',
      hint: 'remove `grant`; give access with IAM (or KMS create-grant) after the ceremony',
    });
  return out;
};

/** The rules of the plan's cloud, chosen by its provider. */
export function targetRefusals(plan: CeremonyPlan, spec: PlanKeySpec): Refusal[] {
  const t = plan.target;
  return t.provider === 'aws' ? aws(plan, t, spec) : huawei(plan, t, spec);
}

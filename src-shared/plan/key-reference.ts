import type { CeremonyPlan } from '../ceremony/plan.js';
import type { Refusal } from '../ceremony/preflight.js';

const KEY_ID = /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/;
const ALIAS = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

/**
 * An existing key must be named so KMS can find it — key id, key ARN, alias or alias ARN — and an ARN
 * must be in the plan's own account and Region. Caught offline, so a placeholder left in a plan
 * (REPLACE-WITH-KEY-ID) is found at review, not in front of the custodians.
 */
export function existingKeyRefusals(plan: CeremonyPlan): Refusal[] {
  const t = plan.target;
  // A Huawei key id is a UUID, which the plan schema already checks.
  if (t.provider !== 'aws' || !('existing' in t.key)) return [];
  const keyId = t.key.existing.keyId;
  const shown = keyId.length > 80 ? `${keyId.slice(0, 80)}…` : keyId;
  const arn = ARN.exec(keyId);
  if (arn) {
    const [, , region, account, kind, rest] = arn;
    const out: Refusal[] = [];
    if (kind === 'key' && !KEY_ID.test(rest ?? ''))
      out.push(bad(`target.key.existing.keyId: the key ARN ${shown} does not end in a key id`));
    if (region !== t.region)
      out.push({
        code: 'PLAN_KEY_REGION',
        message: `target.key.existing.keyId is in ${region ?? '?'}, but target.region is ${t.region}`,
        hint: 'the key ARN and target.region must name the same Region',
      });
    if (account !== t.accountId)
      out.push({
        code: 'PLAN_KEY_ACCOUNT',
        message: `target.key.existing.keyId belongs to account ${account ?? '?'}, but target.accountId is ${t.accountId}`,
        hint: 'the key ARN and target.accountId must name the same account',
      });
    return out;
  }
  if (KEY_ID.test(keyId) || ALIAS.test(keyId)) return [];
  return [bad(`target.key.existing.keyId \`${shown}\` is not a KMS key id, key ARN or alias`)];
}

function bad(message: string): Refusal {
  return {
    code: 'PLAN_KEY_ID',
    message,
    hint: 'give the key id (1234abcd-12ab-34cd-56ef-1234567890ab), its ARN, or alias/NAME',
  };
}

import { z } from 'zod';
import { KeyriteError } from '../../../src-shared/errors.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import type { StepContext } from '../step-context.js';
import { keyIdOf } from './kms-lookups.js';
import { plannedGrantActions } from '../../../src-shared/ceremony/grant-actions.js';
import { defaultKeyUsage } from '../../../src-shared/ceremony/key-usage.js';

/** The statement id this ceremony uses for a grant; recovery looks for it in the key policy. */
export function grantSid(accountId: string): string {
  return `KeyriteGrant${accountId}`;
}

/** The key policy KMS returned, as far as the grant needs it; anything else is refused, not guessed at. */
const keyPolicy = z.looseObject({
  Version: z.string().optional(),
  Statement: z.array(z.looseObject({ Sid: z.string().optional() })).optional(),
});

function readPolicy(text: string): z.output<typeof keyPolicy> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  const r = keyPolicy.safeParse(doc);
  if (!r.success)
    throw new KeyriteError(
      'GRANT_POLICY_UNREADABLE',
      'the key policy KMS returned is not a policy document Keyrite can extend',
      'check the key policy in the KMS console; grant the account by hand if it is unusual',
    );
  return r.data;
}

export async function runGrant(ctx: StepContext): Promise<FactsOf<'grant'>> {
  const grant = ctx.log.plan.grant;
  if (!grant) throw new Error('grant step without a grant');
  const keyId = keyIdOf(ctx);
  const sid = grantSid(grant.accountId);
  // The usage KMS reported (create-key or preflight) decides; the spec's default only if neither said.
  const actions = plannedGrantActions(
    grant,
    ctx.log.facts.keyUsage || defaultKeyUsage(ctx.log.spec),
    ctx.log.spec,
  );
  const current = readPolicy(await ctx.kms.getKeyPolicy(keyId));
  const statements = (current.Statement ?? []).filter((s) => s.Sid !== sid);
  statements.push({
    Sid: sid,
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${grant.accountId}:root` },
    Action: [...actions],
    Resource: '*',
  });
  const policy = JSON.stringify({ Version: current.Version ?? '2012-10-17', Statement: statements }, null, 2);
  await ctx.journal.effect(
    'kms.put-key-policy',
    `PutKeyPolicy granting ${grant.accountId}`,
    { grantee: grant.accountId },
    () => ctx.kms.putKeyPolicy(keyId, policy),
    () => ({}),
  );
  return { note: `account ${grant.accountId} granted ${actions.join(' ')}` };
}

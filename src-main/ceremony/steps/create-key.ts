import { defaultKeyUsage } from '../../../src-shared/ceremony/key-usage.js';
import { planCloudKeySpec } from '../../../src-shared/ceremony/plan.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import { PROVIDERS } from '../../../src-shared/ceremony/providers.js';
import type { StepContext } from '../step-context.js';
import { aliasTarget } from './kms-lookups.js';
import { isMultiRegion } from './multi-region.js';

export async function runCreateKey(ctx: StepContext): Promise<FactsOf<'create-key'>> {
  if (!('create' in ctx.log.plan.target.key))
    throw new Error('create-key step on a plan without a key to create');
  const c = ctx.log.plan.target.key.create;
  const keyUsage = ('keyUsage' in c ? c.keyUsage : undefined) ?? defaultKeyUsage(ctx.log.spec);
  const tags = { ...c.tags, [PROVIDERS[ctx.log.plan.target.provider].ceremonyTag]: ctx.log.ceremonyId };
  // A rerun after an interruption reuses the key the first run created, if it is still untouched.
  const earlier = ctx.log.createdKey;
  const reusable = earlier ? await ctx.kms.describeKey(earlier.keyId) : null;
  // A run stopped after sending CreateKey but before its answer was recorded (the answer lost and the
  // search after it failed, or the station killed) may have made a key: look for it before making one.
  const afterInterruptedRun =
    !earlier && ctx.journal.records('intent').some((r) => r.payload.action === 'kms.create-key');
  const key =
    reusable && reusable.keyState === 'PendingImport'
      ? reusable
      : await ctx.journal.effect(
          'kms.create-key',
          `CreateKey ${planCloudKeySpec(ctx.log.plan)} origin EXTERNAL`,
          { keySpec: planCloudKeySpec(ctx.log.plan), keyUsage, tagCeremony: ctx.log.ceremonyId },
          () =>
            ctx.kms.createKey({
              keySpec: ctx.log.spec,
              keyUsage,
              description: c.description,
              tags,
              ...(c.alias !== undefined ? { alias: c.alias } : {}),
              // A multi-Region primary: the replicate step makes its replicas.
              ...(isMultiRegion(ctx) ? { multiRegion: true } : {}),
              ...(afterInterruptedRun ? { afterInterruptedRun } : {}),
            }),
          (k) => ({ keyArn: k.arn, keyId: k.keyId }),
        );
  if (reusable === key)
    ctx.journal.append('kms.key-reused', {
      keyArn: key.arn,
      note: 'created by the interrupted run of this step',
    });
  if (c.alias !== undefined && (await aliasTarget(ctx, c.alias)) !== key.arn) {
    const alias = c.alias;
    await ctx.journal.effect(
      'kms.create-alias',
      `CreateAlias ${alias}`,
      { alias, keyArn: key.arn },
      () => ctx.kms.createAlias(alias, key.keyId),
      () => ({}),
    );
  }
  return {
    keyArn: key.arn,
    keyId: key.keyId,
    // In the cloud's own words (a Huawei key is AES_256), as the plan and the review say it.
    keySpec: planCloudKeySpec(ctx.log.plan),
    keyUsage,
    note: `key state ${key.keyState}`,
  };
}

import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import { planOwner } from '../../../src-shared/ceremony/plan.js';
import type { StepContext } from '../step-context.js';
import { aliasTarget } from './kms-lookups.js';
import { isRotation, rotationPreflight } from './rotation.js';
import { reimportTarget } from './reimport.js';

/** Identity, region and key state, before anything changes in the account. */
export async function runPreflight(ctx: StepContext): Promise<FactsOf<'preflight'>> {
  const who = await ctx.kms.callerIdentity();
  const owner = planOwner(ctx.log.plan);
  if (who.account !== owner.id)
    throw new KeyriteError(
      'PREFLIGHT_WRONG_ACCOUNT',
      `the credentials are for ${owner.kind} ${who.account}, the plan targets ${owner.label}`,
      `switch to credentials for the planned ${owner.kind} and reopen the ceremony`,
    );
  // AWS names the caller by ARN; a cloud without a caller-identity call names the access key and says so.
  ctx.journal.append('kms.identity', {
    ...(owner.kind === 'account' ? { account: who.account } : { projectId: who.account }),
    ...(who.arn ? { callerArn: who.arn } : {}),
    ...(who.principal ? { principal: who.principal } : {}),
    region: ctx.log.plan.target.region,
  });
  assertMaterialSourceReady(ctx);
  if ('existing' in ctx.log.plan.target.key) {
    const k = await ctx.kms.describeKey(ctx.log.plan.target.key.existing.keyId);
    if (k.origin !== 'EXTERNAL')
      throw new KeyriteError(
        'PREFLIGHT_NOT_EXTERNAL',
        `key ${k.arn} has origin ${k.origin}, not EXTERNAL`,
        'import needs a key created with origin EXTERNAL',
      );
    if (k.keySpec !== ctx.log.spec)
      throw new KeyriteError(
        'PREFLIGHT_KEY_SPEC',
        `key ${k.arn} is ${k.keySpec}, the plan says ${ctx.log.spec}`,
        'fix the plan or choose the right key',
      );
    const priorKeyMaterialId = isRotation(ctx) ? await rotationPreflight(ctx, k) : undefined;
    if (priorKeyMaterialId === undefined && k.keyState !== 'PendingImport')
      throw new KeyriteError(
        'PREFLIGHT_KEY_STATE',
        `key ${k.arn} is ${k.keyState}; this ceremony imports only into a key pending import`,
        k.keyState === 'Enabled'
          ? 'to give this key new material, make the plan a rotation (add rotate: {}); otherwise use a new key'
          : 'use a key pending import, or a new key',
      );
    const reimport = priorKeyMaterialId === undefined ? await reimportTarget(ctx, k) : undefined;
    return {
      region: ctx.log.plan.target.region,
      keyArn: k.arn,
      keyId: k.keyId,
      keySpec: ctx.log.spec,
      keyUsage: k.keyUsage ?? '',
      ...(priorKeyMaterialId ? { priorKeyMaterialId } : {}),
      ...(reimport ? { keyMaterialId: reimport } : {}),
      note: `${owner.kind} ${who.account}${priorKeyMaterialId ? `; current material ${priorKeyMaterialId}` : ''}${reimport ? `; reimports material ${reimport}` : ''}`,
    };
  }
  const alias = ctx.log.plan.target.key.create.alias;
  if (alias !== undefined) {
    const holder = await aliasTarget(ctx, alias);
    if (holder && holder !== ctx.log.createdKey?.keyArn)
      throw new KeyriteError(
        'PREFLIGHT_ALIAS_EXISTS',
        `alias ${alias} already names key ${holder}`,
        'choose another alias in the plan (the plan will be reviewed again)',
      );
  }
  return { region: ctx.log.plan.target.region, keySpec: ctx.log.spec, note: `${owner.kind} ${who.account}` };
}

/** Existing material must be reachable before a key is created for it. */
function assertMaterialSourceReady(ctx: StepContext): void {
  const m = ctx.log.plan.material;
  if (m.mode === 'existing-file') {
    const file = path.resolve(ctx.planBase, m.file);
    if (!existsSync(file) || !statSync(file).isFile())
      throw new KeyriteError(
        'PREFLIGHT_MATERIAL_FILE',
        `the key material file ${file} does not exist`,
        'attach the medium that holds it, or fix the path in the plan',
      );
  }
  if (m.mode === 'existing-shares') {
    const dir = path.resolve(ctx.planBase, m.sharesDir);
    const n = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.share.json')).length : 0;
    if (n < ctx.log.plan.quorum.m)
      throw new KeyriteError(
        'PREFLIGHT_SHARES',
        `${dir} holds ${n} share file(s); the quorum needs ${ctx.log.plan.quorum.m}`,
        'bring the custodians’ share media',
      );
  }
}

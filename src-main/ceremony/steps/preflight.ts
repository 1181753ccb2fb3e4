import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import type { CeremonyPlan } from '../../../src-shared/ceremony/plan.js';
import { planCloudKeySpec, planKeySpec, planOwner } from '../../../src-shared/ceremony/plan.js';
import { planKind } from '../../../src-shared/ceremony/state-machine.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import type { KeyFacts, KmsPort } from '../../kms/kms-port.js';
import type { StepContext } from '../step-context.js';
import { replicaRegions } from '../../../src-shared/ceremony/multi-region-rules.js';
import { isEmulatorCaller } from '../../audit/recorded-environment.js';

/** Who the credentials are, for which account or project, in which region: shown before enrollment. */
export interface PreflightIdentity {
  owner: ReturnType<typeof planOwner>;
  /** The account (AWS) or project (Huawei Cloud) id the credentials belong to. */
  account: string;
  /** AWS names the caller by ARN; a cloud without a caller-identity call names the access key. */
  callerArn?: string;
  principal?: string;
  region: string;
}
import { isRotation, rotationPreflight } from './rotation.js';
import { reimportTarget } from './reimport.js';
import { rotationReplicasPreflight } from './multi-region-rotation.js';
import { readyOutputs } from '../outputs.js';
import { isSplit } from '../../../src-shared/ceremony/stations.js';

/** Identity, region and key state, before anything changes in the account. */
export async function runPreflight(ctx: StepContext): Promise<FactsOf<'preflight'>> {
  const who = await checkIdentity(ctx.kms, ctx.log.plan);
  ctx.journal.append('kms.identity', {
    ...(who.owner.kind === 'account' ? { account: who.account } : { projectId: who.account }),
    ...(who.callerArn ? { callerArn: who.callerArn } : {}),
    ...(who.principal ? { principal: who.principal } : {}),
    region: who.region,
    ...(ctx.kms.endpoint ? { endpoint: ctx.kms.endpoint } : {}),
  });
  if (!isSplit(ctx.log.plan)) assertMaterialSourceReady(ctx.log.plan, ctx.planBase);
  readyOutputs(ctx.log.plan, ctx.planBase, ctx.log.spec, ctx.settings.clock());
  const k = await checkKeyTarget(ctx.kms, ctx.log.plan, ctx.log.createdKey?.keyArn);
  const note = `${who.owner.kind} ${who.account}`;
  if (!k) return { region: ctx.log.plan.target.region, keySpec: planCloudKeySpec(ctx.log.plan), note };
  const priorKeyMaterialId = isRotation(ctx) ? await rotationPreflight(ctx, k) : undefined;
  // Rotating a multi-Region key: its replicas, each with the primary's material in place.
  const replicaKeys =
    priorKeyMaterialId && replicaRegions(ctx.log.plan).length > 0
      ? await rotationReplicasPreflight(ctx, k, priorKeyMaterialId)
      : undefined;
  const reimport = priorKeyMaterialId === undefined ? await reimportTarget(ctx, k) : undefined;
  return {
    region: ctx.log.plan.target.region,
    keyArn: k.arn,
    keyId: k.keyId,
    keySpec: planCloudKeySpec(ctx.log.plan),
    keyUsage: k.keyUsage ?? '',
    ...(priorKeyMaterialId ? { priorKeyMaterialId } : {}),
    ...(reimport ? { keyMaterialId: reimport } : {}),
    ...(replicaKeys ? { replicaKeys } : {}),
    note: `${note}${priorKeyMaterialId ? `; current material ${priorKeyMaterialId}` : ''}${reimport ? `; reimports material ${reimport}` : ''}`,
  };
}

/**
 * The same checks, before anyone enrolls (the terminal and rehearsals run them first), so nobody
 * chooses a passphrase for a ceremony whose credentials, material or key cannot work. Nothing is
 * written: the pre-flight step repeats them and records what it found.
 */
export async function preflightBeforeEnrollment(
  kms: KmsPort,
  plan: CeremonyPlan,
  planBase: string,
): Promise<{ identity: PreflightIdentity; existingKey?: KeyFacts }> {
  const identity = await checkIdentity(kms, plan);
  if (!isSplit(plan)) assertMaterialSourceReady(plan, planBase);
  readyOutputs(plan, planBase, planKeySpec(plan), new Date());
  const existingKey = await checkKeyTarget(kms, plan, undefined);
  return existingKey ? { identity, existingKey } : { identity };
}

/** Who the credentials are; refused unless they are for the plan's account or project. */
export async function checkIdentity(kms: KmsPort, plan: CeremonyPlan): Promise<PreflightIdentity> {
  const who = await kms.callerIdentity();
  const owner = planOwner(plan);
  if (who.account !== owner.id)
    throw new KeyriteError(
      'PREFLIGHT_WRONG_ACCOUNT',
      `the credentials are for ${owner.kind} ${who.account}, the plan targets ${owner.label}`,
      `switch to credentials for the planned ${owner.kind} and reopen the ceremony`,
    );
  assertReplicasReachable(kms, plan, who.arn);
  return {
    owner,
    account: who.account,
    ...(who.arn ? { callerArn: who.arn } : {}),
    ...(who.principal ? { principal: who.principal } : {}),
    region: plan.target.region,
  };
}

/**
 * Replica regions are reached with the primary's endpoint override (`regionalPort`): right for the
 * embedded emulator, which serves every region, wrong for a regional or VPC endpoint, which serves only
 * its own. Rather than guess per-region endpoints, a multi-Region plan over an override that is not the
 * emulator is refused before anyone enrolls.
 */
function assertReplicasReachable(kms: KmsPort, plan: CeremonyPlan, callerArn: string | undefined): void {
  const regions = replicaRegions(plan);
  if (regions.length === 0 || !kms.endpoint) return;
  if (callerArn !== undefined && isEmulatorCaller('aws', callerArn)) return;
  throw new KeyriteError(
    'PREFLIGHT_REPLICA_ENDPOINT',
    `the plan replicates the key into ${regions.join(', ')}, but KMS is reached through the endpoint override ${originOf(kms.endpoint)}: every region's calls would go to that one endpoint, and a regional or VPC endpoint serves only its own region`,
    "run a multi-Region ceremony against AWS's own regional endpoints (no endpoint override), or remove replicaRegions from the plan; rehearsals on the Keyrite emulator may use an override",
  );
}

/** Scheme, host and port only: an endpoint URL may carry a user, a password or a query. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(an endpoint that is not a URL)';
  }
}

/**
 * An existing key must be EXTERNAL, of the planned spec and pending import (its facts are returned);
 * a key to create must not find its alias taken by another key (`createdKey`: the one this ceremony made).
 */
async function checkKeyTarget(
  kms: KmsPort,
  plan: CeremonyPlan,
  createdKey: string | undefined,
): Promise<KeyFacts | undefined> {
  const spec = planKeySpec(plan);
  if ('existing' in plan.target.key) {
    const k = await kms.describeKey(plan.target.key.existing.keyId);
    if (k.origin !== 'EXTERNAL')
      throw new KeyriteError(
        'PREFLIGHT_NOT_EXTERNAL',
        `key ${k.arn} has origin ${k.origin}, not EXTERNAL`,
        'import needs a key created with origin EXTERNAL',
      );
    if (k.keySpec !== spec)
      throw new KeyriteError(
        'PREFLIGHT_KEY_SPEC',
        `key ${k.arn} is ${k.keySpec}, the plan says ${spec}`,
        'fix the plan or choose the right key',
      );
    // A rotation gives an Enabled key new material: the pre-flight step checks its own rules.
    if (planKind(plan) !== 'rotate' && k.keyState !== 'PendingImport')
      throw new KeyriteError(
        'PREFLIGHT_KEY_STATE',
        `key ${k.arn} is ${k.keyState}; this ceremony imports only into a key pending import`,
        k.keyState === 'Enabled'
          ? 'to give this key new material, make the plan a rotation (add rotate: {}); otherwise use a new key'
          : 'use a key pending import, or a new key',
      );
    return k;
  }
  const alias = plan.target.key.create.alias;
  if (alias !== undefined) {
    const holder = await kms.aliasTarget(alias);
    if (holder && holder !== createdKey)
      throw new KeyriteError(
        'PREFLIGHT_ALIAS_EXISTS',
        `alias ${alias} already names key ${holder}`,
        'choose another alias in the plan (the plan will be reviewed again); in a rehearsal against a long-running emulator, start a new emulator or delete the alias there',
      );
  }
  return undefined;
}

/**
 * Existing material must be reachable before a key is created for it, or anyone enrolls. In a split
 * ceremony only the offline station, which reads it, checks (CeremonyService.createOffline): the
 * online station never holds the material, so it must not ask for the file.
 */
export function assertMaterialSourceReady(plan: CeremonyPlan, planBase: string): void {
  const m = plan.material;
  if (m.mode === 'existing-file') {
    const file = path.resolve(planBase, m.file);
    if (!existsSync(file) || !statSync(file).isFile())
      throw new KeyriteError(
        'PREFLIGHT_MATERIAL_FILE',
        `the key material file ${file} does not exist`,
        'attach the medium that holds it, or fix the path in the plan',
      );
  }
  if (m.mode === 'existing-shares') {
    const dir = path.resolve(planBase, m.sharesDir);
    const n = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.share.json')).length : 0;
    if (n < plan.quorum.m)
      throw new KeyriteError(
        'PREFLIGHT_SHARES',
        `${dir} holds ${n} share file(s); the quorum needs ${plan.quorum.m}`,
        'bring the custodians’ share media',
      );
  }
}

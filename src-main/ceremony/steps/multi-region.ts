import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyriteError } from '../../../src-shared/errors.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import { hasReplicaRegions, replicaRegions } from '../../../src-shared/ceremony/multi-region-rules.js';
import {
  formatReplicaKeys,
  parseReplicaKeys,
  type ReplicaKey,
} from '../../../src-shared/ceremony/replica-keys.js';
import { parseWrappingPublicKey } from '../../../src-shared/wrap/wrapping-key.js';
import { wrapKeyMaterial } from '../../../src-shared/wrap/wrap.js';
import { sha256Hex } from '../../../src-shared/digests.js';
import type { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import type { KeyFacts, KmsPort } from '../../kms/kms-port.js';
import type { StepContext } from '../step-context.js';
import { keyIdOf } from './kms-lookups.js';

/*
 * The multi-Region ceremony's steps around the shared import steps: replicas made by ReplicateKey,
 * then for each replica its own import parameters and a blob wrapped under its own wrapping key. The
 * import and verify of every region are in multi-region-import.ts.
 */

/** The key has replicas: a multi-Region ceremony, or the rotation of a multi-Region key. */
export function isMultiRegion(ctx: StepContext): boolean {
  return hasReplicaRegions(ctx.log.plan);
}

/**
 * The one way to reach a region: the ceremony's own port for its home region, else the same account
 * and credentials in `region` (a replica's). Steps, recovery and the live materials all come here.
 */
export function regionalPort(kms: KmsPort, region: string, home: string): KmsPort {
  if (region === home) return kms;
  if (!kms.inRegion)
    throw new KeyriteError(
      'KMS_NO_REGIONS',
      `this cloud's KMS port cannot reach region ${region}`,
      'multi-Region ceremonies are for AWS KMS; remove replicaRegions from the plan',
    );
  return kms.inRegion(region);
}

/** The replicas as the ceremony recorded them (the latest step's `replicaKeys` fact). */
export function recordedReplicas(ctx: StepContext): ReplicaKey[] {
  return parseReplicaKeys(ctx.log.facts.replicaKeys);
}

/** Real replicas start Creating and settle in seconds; the wait is bounded and says what it found. */
const SETTLE_POLLS = 60;
const SETTLE_INTERVAL_MS = 2000;

async function settledReplica(kms: KmsPort, keyId: string, region: string): Promise<KeyFacts> {
  for (let i = 0; ; i++) {
    const k = await kms.describeKey(keyId);
    if (k.keyState !== 'Creating') return k;
    if (i >= SETTLE_POLLS)
      throw new KeyriteError(
        'REPLICA_NOT_READY',
        `the replica in ${region} is still Creating after ${(SETTLE_POLLS * SETTLE_INTERVAL_MS) / 1000} s`,
        'run the step again; it reuses the replica ReplicateKey made',
      );
    await sleep(SETTLE_INTERVAL_MS);
  }
}

/** ReplicateKey into each planned region; a replica that already exists (a rerun) is reused, never made twice. */
export async function runReplicate(ctx: StepContext): Promise<FactsOf<'replicate'>> {
  const keyId = keyIdOf(ctx);
  const primary = await ctx.kms.describeKey(keyId);
  if (primary.multiRegionKeyType !== 'PRIMARY')
    throw new KeyriteError(
      'REPLICATE_NOT_PRIMARY',
      `key ${primary.arn} is not a multi-Region primary key`,
      'the key was created without MultiRegion; start a new ceremony (a key cannot become multi-Region)',
    );
  const description = 'create' in ctx.log.plan.target.key ? ctx.log.plan.target.key.create.description : '';
  const out: ReplicaKey[] = [];
  for (const region of replicaRegions(ctx.log.plan)) {
    const existing = primary.replicas?.find((r) => r.region === region)?.arn;
    const arn =
      existing ??
      (await ctx.journal.effect(
        'kms.replicate-key',
        `ReplicateKey ${primary.keyId} into ${region}`,
        { keyArn: primary.arn, region },
        () => replicateOnce(ctx.kms, keyId, region, description),
        (replicaArn) => ({ replicaArn }),
        region,
      ));
    const k = await settledReplica(regionalPort(ctx.kms, region, ctx.log.plan.target.region), keyId, region);
    if (k.keyState !== 'PendingImport' || k.arn !== arn)
      throw new KeyriteError(
        'REPLICA_STATE',
        `the replica ${k.arn} in ${region} is ${k.keyState}, not PendingImport`,
        'someone changed the replica during the ceremony; stop and investigate',
      );
    ctx.journal.append('kms.replicated', {
      keyArn: primary.arn,
      region,
      replicaArn: arn,
      keyState: k.keyState,
    });
    ctx.progress('replicated', `replica in ${region}: ${arn}`);
    out.push({ region, arn });
  }
  return {
    replicaKeys: formatReplicaKeys(out),
    note: `${out.length} replica(s) PendingImport: ${out.map((r) => r.region).join(', ')}`,
  };
}

/**
 * ReplicateKey, whose lost answer the SDK may resend: a resend that finds the replica made
 * (AlreadyExists) asks the primary which replica is there instead of failing the step.
 */
async function replicateOnce(
  kms: KmsPort,
  keyId: string,
  region: string,
  description: string,
): Promise<string> {
  try {
    return (await kms.replicateKey(keyId, region, description)).arn;
  } catch (e) {
    const made = (await kms.describeKey(keyId)).replicas?.find((r) => r.region === region);
    if (made) return made.arn;
    throw e;
  }
}

/**
 * Import parameters for each replica (or those `which` picks), from its own region: its wrapping key
 * and token, in import/<region>/.
 */
export async function fetchReplicaParams(
  ctx: StepContext,
  which: (r: ReplicaKey) => boolean = () => true,
): Promise<{ replicas: ReplicaKey[]; earliestValidTo?: Date }> {
  const { algorithm, keySpec } = ctx.log.plan.wrapping;
  const out: ReplicaKey[] = [];
  let earliest: Date | undefined;
  for (const r of recordedReplicas(ctx).filter(which)) {
    const kms = regionalPort(ctx.kms, r.region, ctx.log.plan.target.region);
    const p = await ctx.journal.effect(
      'kms.get-parameters-for-import',
      `GetParametersForImport ${algorithm} ${keySpec} in ${r.region}`,
      { keyId: r.arn, algorithm, wrappingKeySpec: keySpec },
      () => kms.getParametersForImport(r.arn, algorithm, keySpec),
      (x) => ({ importTokenDigest: sha256Hex(x.importToken), validTo: x.validTo.toISOString() }),
      r.region,
    );
    const wk = parseWrappingPublicKey(p.publicKey);
    if (wk.spec !== keySpec)
      throw new KeyriteError(
        'PARAMS_WRONG_SPEC',
        `KMS in ${r.region} returned a ${wk.spec} wrapping key, the plan asked for ${keySpec}`,
        'fetch the import parameters again',
      );
    const files = ctx.paths.replicaImport(r.region);
    const importTokenDigest = await ctx.journal.writeFile(
      files.importToken,
      `${files.rel}/ImportToken.bin`,
      p.importToken,
    );
    await ctx.journal.writeFile(files.wrappingKey, `${files.rel}/WrappingPublicKey.der`, wk.spkiDer);
    ctx.journal.append('params.replica-fetched', {
      keyArn: r.arn,
      region: r.region,
      algorithm,
      wrappingKeySpec: keySpec,
      wrappingKeyFingerprint: wk.fingerprintSha256,
      importTokenDigest,
      validTo: p.validTo.toISOString(),
    });
    if (!earliest || p.validTo < earliest) earliest = p.validTo;
    out.push({ region: r.region, arn: r.arn, wrappingKeyFingerprint: wk.fingerprintSha256 });
  }
  return earliest ? { replicas: out, earliestValidTo: earliest } : { replicas: out };
}

/** The material wrapped once per replica, under the wrapping key fetched in that replica's region. */
export async function wrapForReplicas(ctx: StepContext, material: SecretBuffer): Promise<ReplicaKey[]> {
  const out: ReplicaKey[] = [];
  for (const r of recordedReplicas(ctx)) {
    const files = ctx.paths.replicaImport(r.region);
    const wk = parseWrappingPublicKey(readFileSync(files.wrappingKey));
    if (wk.fingerprintSha256 !== r.wrappingKeyFingerprint)
      throw new KeyriteError(
        'WRAPPING_KEY_CHANGED',
        `the wrapping key on disk for ${r.region} is not the one fetched`,
        'reopen the ceremony to fetch import parameters again',
      );
    const { wrapped, warnings } = wrapKeyMaterial({
      material,
      spec: ctx.log.spec,
      algorithm: ctx.log.plan.wrapping.algorithm,
      wrappingKey: wk,
    });
    for (const w of warnings) ctx.progress('warning', `${r.region}: ${w}`);
    const wrappedKeyDigest = await ctx.journal.writeFile(
      files.wrapped,
      `${files.rel}/EncryptedKeyMaterial.bin`,
      wrapped,
    );
    ctx.journal.append('wrap.replica', {
      keyArn: r.arn,
      region: r.region,
      wrappingKeyFingerprint: wk.fingerprintSha256,
      wrappedKeyDigest,
    });
    out.push({ ...r, wrappedKeyDigest });
  }
  return out;
}

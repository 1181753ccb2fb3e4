import { KeyriteError } from '../../../src-shared/errors.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import { planKind } from '../../../src-shared/ceremony/state-machine.js';
import { hasReplicaRegions } from '../../../src-shared/ceremony/multi-region-rules.js';
import { formatReplicaKeys, type ReplicaKey } from '../../../src-shared/ceremony/replica-keys.js';
import type { KmsPort } from '../../kms/kms-port.js';
import type { LogView } from '../ceremony-log.js';
import type { StepContext } from '../step-context.js';
import { fetchReplicaParams, recordedReplicas, regionalPort } from './multi-region.js';
import { isRotation, stagedMaterial } from './rotation.js';

/*
 * A multi-Region import interrupted long enough for a replica's import parameters to expire after the
 * primary already took the material — a new multi-Region key's first material, or a rotation's NEW
 * material staged on the primary (PENDING_MULTI_REGION_IMPORT_AND_ROTATION until every replica has it).
 * The primary cannot take other material (its KeyMaterialId is the
 * proof every replica must match), so the ceremony cannot start over with new material: it fetches new
 * parameters for the replicas still waiting, rebuilds THE SAME material — re-read from its file or
 * share source, or rebuilt from this ceremony's own backup shares opened by a quorum of custodians —
 * checks its KCV against the one recorded at generation, and wraps it again. The guarded steps
 * (generate-material, import, …) ask the quorum again; the primary and the replicas that have the
 * material are skipped at import.
 */

/**
 * True while the primary holds this ceremony's material and the import step has not completed: a new
 * multi-Region key, or the rotation of one (the primary's NEW material staged, pending every replica).
 */
export function rewrapping(log: LogView): boolean {
  const arn = log.facts.keyArn;
  const kind = planKind(log.plan);
  return (
    (kind === 'multi-region' || (kind === 'rotate' && hasReplicaRegions(log.plan))) &&
    arn !== undefined &&
    log.importTookEffect(arn) &&
    log.state.steps.import !== 'done'
  );
}

/** Material made in memory (CSPRNG, split knowledge) comes back only from this ceremony's own backup shares. */
export function rewrapFromOwnShares(log: LogView): boolean {
  const mode = log.plan.material.mode;
  return rewrapping(log) && (mode === 'csprng' || mode === 'split-knowledge');
}

/** Why the same material cannot be had again, or null when it can. */
export function rewrapImpossible(log: LogView): KeyriteError | null {
  if (!rewrapFromOwnShares(log) || log.plan.backup.shares) return null;
  const rotation = planKind(log.plan) === 'rotate';
  return new KeyriteError(
    'REWRAP_NO_BACKUP',
    `the primary key holds this ceremony's material, but the replicas still waiting for it need new import parameters and the material was made in memory (${log.plan.material.mode}) with no backup shares: it cannot be wrapped again`,
    rotation
      ? 'the key keeps using its current material (nothing was rotated): delete the staged material on the primary (DeleteImportedKeyMaterial with its KeyMaterialId; AWS deletes it from the replicas too), keep the audit log, and rotate in a new ceremony'
      : 'those replicas can never receive this material: schedule their deletion (ScheduleKeyDeletion in their regions) and keep the audit log; the primary and the replicas that have it stay usable',
  );
}

/**
 * Import parameters again, only for the replicas still waiting for the material (a new key's replica
 * PendingImport; in a rotation, a replica that does not list the primary's staged material imported);
 * the primary's and the other replicas' stay as recorded. `validTo` is the earliest of the new ones.
 */
export async function refetchWaitingReplicas(ctx: StepContext): Promise<FactsOf<'import-parameters'>> {
  const f = ctx.log.facts;
  const home = ctx.log.plan.target.region;
  const staged = isRotation(ctx)
    ? await stagedMaterial(ctx.kms, ctx.log.plan, ctx.log.ceremonyId, f.keyArn ?? '')
    : null;
  const waiting = new Set<string>();
  for (const r of recordedReplicas(ctx)) {
    const kms = replicaPort(ctx.kms, r, home);
    const waits = staged
      ? !(await kms.listKeyMaterials(r.arn)).some(
          (m) => m.keyMaterialId === staged.keyMaterialId && m.importState !== 'PENDING_IMPORT',
        )
      : (await kms.describeKey(r.arn)).keyState === 'PendingImport';
    if (waits) waiting.add(r.arn);
  }
  const fetched = await fetchReplicaParams(ctx, (r) => waiting.has(r.arn));
  const replicas: ReplicaKey[] = recordedReplicas(ctx).map(
    (r) =>
      fetched.replicas.find((x) => x.arn === r.arn) ?? {
        region: r.region,
        arn: r.arn,
        ...(r.wrappingKeyFingerprint ? { wrappingKeyFingerprint: r.wrappingKeyFingerprint } : {}),
      },
  );
  if (
    !fetched.earliestValidTo ||
    !f.algorithm ||
    !f.wrappingKeyFingerprint ||
    !f.wrappingKeyFingerprintWords ||
    !f.importTokenDigest
  )
    throw new KeyriteError(
      'REWRAP_NOTHING_WAITING',
      'no replica is waiting for the material, or the primary’s import parameters are not recorded',
      'run the import step again; it skips every region that holds the material',
    );
  ctx.progress(
    'import-parameters',
    `new parameters for ${fetched.replicas.map((r) => r.region).join(', ')} (the primary and the others hold the material)`,
  );
  return {
    algorithm: f.algorithm,
    wrappingKeyFingerprint: f.wrappingKeyFingerprint,
    wrappingKeyFingerprintWords: f.wrappingKeyFingerprintWords,
    importTokenDigest: f.importTokenDigest,
    validTo: fetched.earliestValidTo.toISOString(),
    replicaKeys: formatReplicaKeys(replicas),
  };
}

function replicaPort(kms: KmsPort, r: ReplicaKey, home: string): KmsPort {
  return regionalPort(kms, r.region, home);
}

/** The rebuilt material must be the material the primary took: its KCV is the one recorded at generation. */
export function assertSameMaterial(ctx: StepContext, kcv: string | undefined): void {
  const recorded = ctx.log.stepFacts('generate-material')?.kcv ?? ctx.log.facts.kcv;
  if (rewrapping(ctx.log) && recorded !== kcv)
    throw new KeyriteError(
      'REWRAP_OTHER_MATERIAL',
      `the material has check value ${kcv ?? '(none)'}, the material the primary key took has ${recorded ?? '(none recorded)'}`,
      'open shares of this ceremony’s own backup (or restore the planned material file) and run the step again',
    );
}

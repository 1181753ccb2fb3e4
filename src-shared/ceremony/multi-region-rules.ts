import { partitionOf } from '../kms/aws-partition.js';
import type { CeremonyPlan } from './plan.js';
import type { Refusal } from './target-refusals.js';

/** Whether the plan's key has replicas (a multi-Region ceremony, or the rotation of a multi-Region key). */
export function hasReplicaRegions(plan: CeremonyPlan): boolean {
  return replicaRegions(plan).length > 0;
}

/** The replica regions of a multi-Region plan; empty for a one-region plan. */
export function replicaRegions(plan: CeremonyPlan): readonly string[] {
  return plan.target.provider === 'aws' ? (plan.target.replicaRegions ?? []) : [];
}

/**
 * What a multi-Region plan must be, refused before anyone enrolls. AWS refuses a replica in the
 * primary's own region, a second replica in one region and a replica in another partition
 * (ReplicateKey). Keyrite's own limits in this version: it creates the primary itself (or, rotating,
 * gives an existing primary and its replicas new material), imports SYMMETRIC_DEFAULT material (where
 * KMS proves each replica got the primary's material by its KeyMaterialId), and runs on one station
 * without a grant.
 */
export function multiRegionRefusals(plan: CeremonyPlan): Refusal[] {
  const t = plan.target;
  if (t.provider !== 'aws' || t.replicaRegions === undefined) return [];
  const out: Refusal[] = [];
  const refuse = (code: string, message: string, hint: string) => out.push({ code, message, hint });
  const seen = new Set<string>();
  for (const r of t.replicaRegions) {
    if (r === t.region)
      refuse(
        'PLAN_REPLICA_IS_PRIMARY',
        `replica region ${r} is the primary key's own region`,
        'a multi-Region key has at most one key per region: remove it from target.replicaRegions',
      );
    else if (seen.has(r))
      refuse(
        'PLAN_REPLICA_DUPLICATE',
        `replica region ${r} is listed twice`,
        'a multi-Region key has at most one replica per region: list each region once',
      );
    else if (partitionOf(r) !== partitionOf(t.region))
      refuse(
        'PLAN_REPLICA_PARTITION',
        `replica region ${r} is in partition ${partitionOf(r)}, the primary's region ${t.region} in ${partitionOf(t.region)}`,
        'AWS replicates multi-Region keys only within one partition: choose replica regions of the same partition',
      );
    seen.add(r);
  }
  if ('create' in t.key) {
    if (t.key.create.keySpec !== 'SYMMETRIC_DEFAULT')
      refuse(
        'PLAN_REPLICA_KEY_SPEC',
        `Keyrite's multi-Region ceremony imports SYMMETRIC_DEFAULT material, not ${t.key.create.keySpec}: only symmetric keys carry the KeyMaterialId by which KMS proves each replica holds the primary's material`,
        'for an asymmetric or HMAC key, run one ceremony per region, or remove replicaRegions',
      );
  } else if (plan.rotate === undefined)
    // A rotation gives an existing multi-Region key and its replicas new material (its key rules are
    // the rotation's: an existing SYMMETRIC_DEFAULT key; pre-flight checks the replicas are these).
    refuse(
      'PLAN_REPLICA_EXISTING_KEY',
      'a multi-Region ceremony creates its primary key; this plan names an existing key',
      'use target.key.create (the key is created as a multi-Region primary), add rotate: {} to give an existing multi-Region key new material, or remove replicaRegions',
    );
  if (plan.grant)
    refuse(
      'PLAN_REPLICA_GRANT',
      'a multi-Region ceremony does not grant another account in this version (each replica has its own key policy)',
      'remove grant, and grant in each region after the ceremony',
    );
  if (plan.stations === 'split')
    refuse(
      'PLAN_REPLICA_SPLIT',
      'a multi-Region ceremony runs on one station in this version',
      'remove stations: split (or set it to single)',
    );
  return out;
}

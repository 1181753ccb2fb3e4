import { Buffer } from 'node:buffer';
import type { KeyRecord, MaterialRecord } from './key-record.js';
import type { RegionState } from './region-state.js';

/**
 * Multi-Region keys: one key id in several regions of one account, the primary in `primaryRegion`.
 * The primary is the source of the shared properties, above all the key material: new material is
 * imported into the primary, the same material into every replica (ImportType EXISTING_KEY_MATERIAL
 * with the KeyMaterialId), and rotation happens on the primary only. The emulator keeps each
 * replica's list of material identities in step with the primary's (an identity without bytes is
 * material the replica still has to import); the bytes are per region, as on AWS.
 */

export type MaterialState = MaterialRecord['role'] | 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION';

export function isPrimary(key: KeyRecord): boolean {
  return key.multiRegion && (key.primaryRegion ?? key.region) === key.region;
}

export function isReplica(key: KeyRecord): boolean {
  return key.multiRegion && !isPrimary(key);
}

/** Every key of the same multi-Region key in the account, the primary first, then regions by name. */
export function relatedKeys(state: RegionState, key: KeyRecord): KeyRecord[] {
  if (!key.multiRegion) return [key];
  const all: KeyRecord[] = [];
  for (const r of state.account.regions) {
    const k = r.keys.get(key.keyId);
    if (k?.multiRegion) all.push(k);
  }
  return all.sort((a, b) =>
    isPrimary(a) !== isPrimary(b) ? (isPrimary(a) ? -1 : 1) : a.region < b.region ? -1 : 1,
  );
}

export function replicasOf(state: RegionState, key: KeyRecord): KeyRecord[] {
  return relatedKeys(state, key).filter((k) => !isPrimary(k));
}

export function primaryOf(state: RegionState, key: KeyRecord): KeyRecord | undefined {
  return relatedKeys(state, key).find(isPrimary);
}

/** Replicas that do not hold the bytes of material `id` yet. */
export function regionsMissing(state: RegionState, primary: KeyRecord, id: string): KeyRecord[] {
  return replicasOf(state, primary).filter((r) => !r.materials.some((m) => m.id === id && m.bytes));
}

/** The KeyMaterialState AWS reports: pending material on a primary waits for every replica first. */
export function materialState(state: RegionState, key: KeyRecord, m: MaterialRecord): MaterialState {
  if (m.role === 'PENDING_ROTATION' && isPrimary(key) && regionsMissing(state, key, m.id).length > 0)
    return 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION';
  return m.role;
}

/** A copy of a material's identity for a replica: same id, role and rotation, no bytes yet. */
export function identityOf(m: MaterialRecord): MaterialRecord {
  const copy: MaterialRecord = {
    id: m.id,
    role: m.role,
    expirationModel: m.expirationModel,
    importedAt: m.importedAt,
    bytes: null,
  };
  if (m.rotation) copy.rotation = { ...m.rotation };
  return copy;
}

/** After the primary's materials changed: every replica gets the same identities, roles and rotations. */
export function syncReplicas(state: RegionState, primary: KeyRecord): void {
  for (const replica of replicasOf(state, primary)) {
    const byId = new Map(replica.materials.map((m) => [m.id, m]));
    const next: MaterialRecord[] = [];
    for (const pm of primary.materials) {
      const existing = byId.get(pm.id);
      byId.delete(pm.id);
      const m = existing ?? identityOf(pm);
      m.role = pm.role;
      if (pm.rotation) m.rotation = { ...pm.rotation };
      // Material KMS generated is shared by KMS itself; imported material each region imports.
      if (primary.origin === 'AWS_KMS' && !m.bytes && pm.bytes) m.bytes = Buffer.from(pm.bytes);
      next.push(m);
    }
    // Material the primary no longer has (deleted while pending) goes from the replicas too.
    for (const gone of byId.values()) gone.bytes?.fill(0);
    replica.materials = next;
    state.account.region(replica.region).save(replica);
  }
}

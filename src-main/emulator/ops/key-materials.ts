import { requireExternal, requireNotPendingDeletion } from '../key-metadata.js';
import { currentMaterial, type KeyRecord, keyState, type MaterialRecord } from '../key-record.js';
import { INCLUDE_KEY_MATERIAL, KEY_MATERIAL_ID, ON_DEMAND_ROTATION_LIMIT } from '../key-specs.js';
import { invalidState, KmsServiceError, notFound, unsupported, validation } from '../kms-error.js';
import { generateMaterial, materialId } from '../material.js';
import {
  isPrimary,
  isReplica,
  materialState,
  primaryOf,
  regionsMissing,
  syncReplicas,
} from '../multi-region.js';
import type { RegionState } from '../region-state.js';
import { optEnum, optPatterned, page, reqString } from '../request-fields.js';
import type { Handler } from './handler.js';

/**
 * The materials of one key after the 2025 import API: DeleteImportedKeyMaterial by KeyMaterialId,
 * RotateKeyOnDemand (KMS-generated and imported material) and ListKeyRotations.
 */

const seconds = (ms: number): number => ms / 1000;

/**
 * Pending material is not yet part of the key: deleting it removes it, so other material can be
 * imported in its place, and on a primary it goes from every replica too. Deleting associated
 * material (CURRENT, NON_CURRENT) only removes the bytes; only the same material can come back. On a
 * replica only that replica's bytes go (DeleteImportedKeyMaterial, "Considerations for multi-Region").
 */
export const deleteImportedKeyMaterial: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  const wantedId = optPatterned(body, 'KeyMaterialId', KEY_MATERIAL_ID);
  requireExternal(key);
  requireNotPendingDeletion(key);
  if (wantedId !== undefined && key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw validation('KeyMaterialId is supported only for symmetric encryption KMS keys.');
  }
  const target = wantedId === undefined ? currentMaterial(key) : key.materials.find((m) => m.id === wantedId);
  if (wantedId !== undefined && !target)
    throw notFound(`Key material ${wantedId} is not associated with ${key.arn}.`);
  if (target?.role === 'PENDING_ROTATION' && !isReplica(key)) {
    target.bytes?.fill(0);
    key.materials = key.materials.filter((m) => m !== target);
    state.save(key);
    if (isPrimary(key)) syncReplicas(state, key);
  } else if (target?.bytes) {
    target.bytes.fill(0);
    target.bytes = null;
    state.save(key);
  }
  const out: Record<string, unknown> = { KeyId: key.arn };
  if (target) out.KeyMaterialId = target.id;
  return out;
};

function onDemandRotations(key: KeyRecord): number {
  return key.materials.filter((m) => m.rotation?.type === 'ON_DEMAND').length;
}

/**
 * Which material becomes CURRENT: for imported keys the one staged with NEW_KEY_MATERIAL (and, on a
 * multi-Region primary, imported into every replica); for KMS keys fresh material KMS generates.
 */
async function nextMaterial(state: RegionState, key: KeyRecord): Promise<MaterialRecord> {
  if (key.origin === 'AWS_KMS') {
    const bytes = await generateMaterial(key.keySpec);
    const m: MaterialRecord = {
      id: materialId(key.keyId, bytes),
      role: 'PENDING_ROTATION',
      expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      importedAt: state.now(),
      bytes,
    };
    key.materials.push(m);
    return m;
  }
  const pending = key.materials.find((m) => m.role === 'PENDING_ROTATION');
  if (!pending) {
    throw invalidState(
      `${key.arn} has no key material in PENDING_ROTATION state. Import new key material with ImportType NEW_KEY_MATERIAL first.`,
    );
  }
  const missing = regionsMissing(state, key, pending.id);
  if (missing.length > 0) {
    throw invalidState(
      `Key material ${pending.id} of ${key.arn} is in PENDING_MULTI_REGION_IMPORT_AND_ROTATION state: import it into the replica keys in ${missing.map((k) => k.region).join(', ')} first.`,
    );
  }
  return pending;
}

/**
 * Refusals in the order AWS recorded them for RotateKeyOnDemand (a disabled key is DisabledException
 * before anything else; other specs UnsupportedOperationException with no message), then the 2025
 * rules for imported material; the wording of those is ours.
 */
export const rotateKeyOnDemand: Handler = async (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  const ks = keyState(key);
  if (ks === 'Disabled') throw new KmsServiceError('DisabledException', `${key.arn} is disabled.`);
  if (ks === 'PendingDeletion') throw invalidState(`${key.arn} is pending deletion.`);
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') throw unsupported(undefined);
  if (ks === 'PendingImport') throw invalidState(`${key.arn} is pending import.`);
  if (isReplica(key)) {
    throw unsupported(
      `${key.arn} is a multi-Region replica key. Rotate the primary key ${primaryOf(state, key)?.arn ?? ''} on demand; the rotation applies to every replica.`,
    );
  }
  if (onDemandRotations(key) >= ON_DEMAND_ROTATION_LIMIT) {
    throw new KmsServiceError(
      'LimitExceededException',
      `${key.arn} has reached the limit of ${ON_DEMAND_ROTATION_LIMIT} on-demand rotations.`,
    );
  }
  const next = await nextMaterial(state, key);
  const cur = currentMaterial(key);
  if (cur) cur.role = 'NON_CURRENT';
  next.role = 'CURRENT';
  next.rotation = { date: state.now(), type: 'ON_DEMAND' };
  state.save(key);
  if (key.multiRegion) syncReplicas(state, key);
  return { KeyId: key.arn };
};

function rotationsEntry(state: RegionState, key: KeyRecord, m: MaterialRecord): Record<string, unknown> {
  const external = key.origin === 'EXTERNAL';
  // Member order as in the service model (RotationsListEntry).
  const e: Record<string, unknown> = { KeyId: key.keyId, KeyMaterialId: m.id };
  if (external && m.description !== undefined) e.KeyMaterialDescription = m.description;
  if (external) e.ImportState = m.bytes ? 'IMPORTED' : 'PENDING_IMPORT';
  e.KeyMaterialState = materialState(state, key, m);
  if (external) e.ExpirationModel = m.expirationModel;
  if (external && m.expirationModel === 'KEY_MATERIAL_EXPIRES' && m.validTo !== undefined)
    e.ValidTo = seconds(m.validTo);
  if (m.rotation) {
    e.RotationDate = seconds(m.rotation.date);
    e.RotationType = m.rotation.type;
  }
  return e;
}

/**
 * ROTATIONS_ONLY (the default) lists material that a rotation made current; ALL_KEY_MATERIAL adds the
 * first material and material pending rotation. Only keys that can rotate (symmetric encryption keys)
 * have a list.
 */
export const listKeyRotations: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  const include = optEnum(body, 'IncludeKeyMaterial', INCLUDE_KEY_MATERIAL) ?? 'ROTATIONS_ONLY';
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') throw unsupported(undefined);
  const listed = key.materials.filter((m) => include === 'ALL_KEY_MATERIAL' || m.rotation !== undefined);
  const { items, nextMarker } = page(listed, body);
  const out: Record<string, unknown> = {
    Rotations: items.map((m) => rotationsEntry(state, key, m)),
    Truncated: nextMarker !== undefined,
  };
  if (nextMarker) out.NextMarker = nextMarker;
  return out;
};

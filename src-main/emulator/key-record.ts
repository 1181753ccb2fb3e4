import type { Buffer } from 'node:buffer';
import type { EmulatedKeySpec, ExpirationModel, KeyUsage, Origin } from './key-specs.js';

/** One key material a KMS key holds or has held. `bytes` is null once deleted or expired. */
export interface MaterialRecord {
  /** 64 hex characters, derived from the key id and the material (see material.ts). */
  id: string;
  /** CURRENT is used for cryptography; PENDING_ROTATION is staged by ImportType NEW_KEY_MATERIAL. */
  role: 'CURRENT' | 'PENDING_ROTATION' | 'NON_CURRENT';
  expirationModel: ExpirationModel;
  /** Epoch milliseconds, only with KEY_MATERIAL_EXPIRES. */
  validTo?: number;
  description?: string;
  importedAt: number;
  /** The secret: raw bytes (symmetric, HMAC) or PKCS#8 DER (asymmetric). Never logged. */
  bytes: Buffer | null;
}

export interface Tag {
  TagKey: string;
  TagValue: string;
}

export interface KeyRecord {
  keyId: string;
  arn: string;
  accountId: string;
  region: string;
  creationDate: number;
  description: string;
  keyUsage: KeyUsage;
  keySpec: EmulatedKeySpec;
  origin: Extract<Origin, 'AWS_KMS' | 'EXTERNAL'>;
  multiRegion: boolean;
  /** The administrator's switch (EnableKey/DisableKey); the key state also depends on material. */
  enabled: boolean;
  deletion?: { date: number; windowDays: number };
  policy: string;
  tags: Tag[];
  /**
   * Automatic rotation, when enabled (EnableKeyRotation). The emulator reports it as AWS does
   * (GetKeyRotationStatus) but does not rotate material on the schedule.
   */
  rotation?: { periodDays: number; enabledAt: number };
  materials: MaterialRecord[];
}

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport';

export function currentMaterial(key: KeyRecord): MaterialRecord | undefined {
  return key.materials.find((m) => m.role === 'CURRENT');
}

export function keyState(key: KeyRecord): KeyState {
  if (key.deletion) return 'PendingDeletion';
  const cur = currentMaterial(key);
  if (!cur || cur.bytes === null) return 'PendingImport';
  return key.enabled ? 'Enabled' : 'Disabled';
}

/**
 * Expired material is deleted the way AWS deletes it: the bytes go, the identity stays (so only the
 * same material can come back), and a key whose current material expired returns to PendingImport.
 * Returns true when anything changed.
 */
export function sweepExpired(key: KeyRecord, now: number): boolean {
  let changed = false;
  for (const m of key.materials) {
    if (
      m.bytes &&
      m.expirationModel === 'KEY_MATERIAL_EXPIRES' &&
      m.validTo !== undefined &&
      m.validTo <= now
    ) {
      m.bytes.fill(0);
      m.bytes = null;
      changed = true;
    }
  }
  return changed;
}

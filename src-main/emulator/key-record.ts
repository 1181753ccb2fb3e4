import type { Buffer } from 'node:buffer';
import type { EmulatedKeySpec, ExpirationModel, KeyUsage, Origin } from './key-specs.js';

/** One key material a KMS key holds or has held. `bytes` is null once deleted or expired. */
export interface MaterialRecord {
  /** 64 hex characters, derived from the key id and the material (see material.ts). */
  id: string;
  /**
   * CURRENT encrypts and decrypts; NON_CURRENT only decrypts; PENDING_ROTATION is staged by ImportType
   * NEW_KEY_MATERIAL until RotateKeyOnDemand. (PENDING_MULTI_REGION_IMPORT_AND_ROTATION is not stored:
   * it is PENDING_ROTATION on a primary that some replica still lacks, see multi-region.ts.)
   */
  role: 'CURRENT' | 'PENDING_ROTATION' | 'NON_CURRENT';
  expirationModel: ExpirationModel;
  /** Epoch milliseconds, only with KEY_MATERIAL_EXPIRES. */
  validTo?: number;
  description?: string;
  importedAt: number;
  /** When a rotation made this material CURRENT (absent for the first material and pending ones). */
  rotation?: { date: number; type: 'AUTOMATIC' | 'ON_DEMAND' };
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
  /**
   * Multi-Region keys only: the region of the primary key. The key is the primary when this is its
   * own region; its replicas are the keys with the same id in the account's other regions.
   */
  primaryRegion?: string;
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

/** Material that is part of the key for good: CURRENT and NON_CURRENT (pending material can still be swapped). */
export function isAssociated(m: MaterialRecord): boolean {
  return m.role !== 'PENDING_ROTATION';
}

/**
 * A symmetric key needs every associated material imported to be usable (ImportKeyMaterial: "you will
 * need to import all of the key materials associated with the KMS key to change its state to Enabled").
 */
export function keyState(key: KeyRecord): KeyState {
  if (key.deletion) return 'PendingDeletion';
  const cur = currentMaterial(key);
  if (!cur || key.materials.some((m) => isAssociated(m) && m.bytes === null)) return 'PendingImport';
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

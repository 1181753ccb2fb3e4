import type { RegionState } from './region-state.js';
import { currentMaterial, isAssociated, type KeyRecord, keyState } from './key-record.js';
import {
  encryptionAlgorithms,
  HMAC_ALGORITHM_FOR_SPEC,
  materialClass,
  signingAlgorithms,
} from './key-specs.js';
import { invalidState, KmsServiceError } from './kms-error.js';
import { isPrimary, relatedKeys } from './multi-region.js';

const seconds = (ms: number): number => ms / 1000;

/**
 * The earliest expiry of the imported material permanently associated with the key (KeyMetadata
 * ValidTo): when any of it expires the key becomes unusable until it is reimported.
 */
function earliestValidTo(key: KeyRecord): number | undefined {
  let min: number | undefined;
  for (const m of key.materials) {
    if (!isAssociated(m) || !m.bytes || m.expirationModel !== 'KEY_MATERIAL_EXPIRES') continue;
    if (m.validTo !== undefined && (min === undefined || m.validTo < min)) min = m.validTo;
  }
  return min;
}

function multiRegionConfiguration(state: RegionState, key: KeyRecord): Record<string, unknown> {
  const all = relatedKeys(state, key);
  const primary = all.find(isPrimary) ?? key;
  return {
    MultiRegionKeyType: isPrimary(key) ? 'PRIMARY' : 'REPLICA',
    PrimaryKey: { Arn: primary.arn, Region: primary.region },
    ReplicaKeys: all.filter((k) => !isPrimary(k)).map((k) => ({ Arn: k.arn, Region: k.region })),
  };
}

/**
 * KeyMetadata as DescribeKey/CreateKey return it, members in the service model's order. `creating`
 * reports the transient Creating state AWS recorded in ReplicateKey's answer (test_replicate_key).
 */
export function keyMetadata(
  state: RegionState,
  key: KeyRecord,
  opts: { creating?: boolean } = {},
): Record<string, unknown> {
  const ks = opts.creating ? 'Creating' : keyState(key);
  const cur = currentMaterial(key);
  const live = cur && cur.bytes !== null ? cur : undefined;
  const validTo = earliestValidTo(key);
  const md: Record<string, unknown> = {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: seconds(key.creationDate),
    Enabled: ks === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: ks,
  };
  if (key.deletion) md.DeletionDate = seconds(key.deletion.date);
  if (validTo !== undefined) md.ValidTo = seconds(validTo);
  md.Origin = key.origin;
  if (key.origin === 'EXTERNAL' && live) md.ExpirationModel = live.expirationModel;
  md.KeyManager = 'CUSTOMER';
  md.CustomerMasterKeySpec = key.keySpec;
  md.KeySpec = key.keySpec;
  if (key.keyUsage === 'ENCRYPT_DECRYPT') md.EncryptionAlgorithms = encryptionAlgorithms(key.keySpec);
  if (key.keyUsage === 'SIGN_VERIFY') md.SigningAlgorithms = signingAlgorithms(key.keySpec);
  if (key.keyUsage === 'KEY_AGREEMENT') md.KeyAgreementAlgorithms = ['ECDH'];
  md.MultiRegion = key.multiRegion;
  if (key.multiRegion) md.MultiRegionConfiguration = multiRegionConfiguration(state, key);
  if (key.deletion) md.PendingDeletionWindowInDays = key.deletion.windowDays;
  if (materialClass(key.keySpec) === 'hmac') md.MacAlgorithms = [HMAC_ALGORITHM_FOR_SPEC[key.keySpec]];
  if (key.keySpec === 'SYMMETRIC_DEFAULT' && live) md.CurrentKeyMaterialId = live.id;
  return md;
}

/** The key-state table for cryptographic operations (Encrypt, Sign, GenerateMac, GetPublicKey, …). */
export function requireUsable(key: KeyRecord): void {
  switch (keyState(key)) {
    case 'Enabled':
      return;
    case 'Disabled':
      throw new KmsServiceError('DisabledException', `${key.arn} is disabled.`);
    case 'PendingImport':
      throw invalidState(`${key.arn} is pending import.`);
    case 'PendingDeletion':
      throw invalidState(`${key.arn} is pending deletion.`);
  }
}

export function requireNotPendingDeletion(key: KeyRecord): void {
  if (key.deletion) throw invalidState(`${key.arn} is pending deletion.`);
}

export function requireUsage(key: KeyRecord, usage: KeyRecord['keyUsage'], operation: string): void {
  if (key.keyUsage !== usage) {
    throw new KmsServiceError(
      'InvalidKeyUsageException',
      `${key.arn} key usage is ${key.keyUsage} which is not valid for ${operation}.`,
    );
  }
}

export function requireExternal(key: KeyRecord): void {
  if (key.origin !== 'EXTERNAL') {
    throw new KmsServiceError(
      'UnsupportedOperationException',
      `${key.arn} origin is ${key.origin} which is not valid for this operation.`,
    );
  }
}

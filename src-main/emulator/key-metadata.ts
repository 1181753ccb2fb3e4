import type { RegionState } from './region-state.js';
import { currentMaterial, type KeyRecord, keyState } from './key-record.js';
import {
  encryptionAlgorithms,
  HMAC_ALGORITHM_FOR_SPEC,
  materialClass,
  signingAlgorithms,
} from './key-specs.js';
import { invalidState, KmsServiceError } from './kms-error.js';

const seconds = (ms: number): number => ms / 1000;

/** KeyMetadata as DescribeKey/CreateKey return it, members in the service model's order. */
export function keyMetadata(state: RegionState, key: KeyRecord): Record<string, unknown> {
  const ks = keyState(key);
  const cur = currentMaterial(key);
  const live = cur && cur.bytes !== null ? cur : undefined;
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
  if (live?.expirationModel === 'KEY_MATERIAL_EXPIRES' && live.validTo !== undefined)
    md.ValidTo = seconds(live.validTo);
  md.Origin = key.origin;
  if (key.origin === 'EXTERNAL' && live) md.ExpirationModel = live.expirationModel;
  md.KeyManager = 'CUSTOMER';
  md.CustomerMasterKeySpec = key.keySpec;
  md.KeySpec = key.keySpec;
  if (key.keyUsage === 'ENCRYPT_DECRYPT') md.EncryptionAlgorithms = encryptionAlgorithms(key.keySpec);
  if (key.keyUsage === 'SIGN_VERIFY') md.SigningAlgorithms = signingAlgorithms(key.keySpec);
  if (key.keyUsage === 'KEY_AGREEMENT') md.KeyAgreementAlgorithms = ['ECDH'];
  md.MultiRegion = key.multiRegion;
  if (key.multiRegion) {
    md.MultiRegionConfiguration = {
      MultiRegionKeyType: 'PRIMARY',
      PrimaryKey: { Arn: key.arn, Region: key.region },
      ReplicaKeys: [],
    };
  }
  if (key.deletion) md.PendingDeletionWindowInDays = key.deletion.windowDays;
  if (materialClass(key.keySpec) === 'hmac') md.MacAlgorithms = [HMAC_ALGORITHM_FOR_SPEC[key.keySpec]];
  if (key.keySpec === 'SYMMETRIC_DEFAULT' && live) md.CurrentKeyMaterialId = live.id;
  void state;
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

/**
 * Explanations for the errors of AWS's 2025 import API: several materials per key, on-demand
 * rotation and multi-Region replicas. Each says what happened and what to do, in ceremony terms.
 * Returns undefined when the error is not one of these, so the general explanation applies.
 */
export function explainRotationError(
  name: string,
  operation: string,
  serviceMessage: string,
): { message: string; hint: string } | undefined {
  const said = serviceMessage ? ` (KMS said: ${serviceMessage})` : '';
  const m = serviceMessage;
  if (operation === 'RotateKeyOnDemand') {
    if (name === 'LimitExceededException') {
      return {
        message: `this KMS key has used all its on-demand rotations${said}`,
        hint: 'the quota is per key and cannot be raised: create a new KMS key for new material and move its users (alias) to it',
      };
    }
    if (name === 'KMSInvalidStateException' && /PENDING_MULTI_REGION_IMPORT_AND_ROTATION/.test(m)) {
      return {
        message: `the new key material is not yet in every replica Region${said}`,
        hint: 'import the same material into each replica named (ImportType EXISTING_KEY_MATERIAL with its KeyMaterialId), then rotate the primary',
      };
    }
    if (name === 'KMSInvalidStateException' && /PENDING_ROTATION/.test(m)) {
      return {
        message: `there is no new key material waiting to become current${said}`,
        hint: 'import the new material first (ImportType NEW_KEY_MATERIAL); ListKeyRotations with IncludeKeyMaterial ALL_KEY_MATERIAL shows each material and its state',
      };
    }
    if (name === 'UnsupportedOperationException' && /replica/.test(m)) {
      return {
        message: `a multi-Region replica cannot be rotated by itself${said}`,
        hint: 'rotate the primary key; the rotation applies to every replica',
      };
    }
  }
  if (operation === 'ImportKeyMaterial') {
    if (name === 'UnsupportedOperationException' && /replica/.test(m)) {
      return {
        message: `new key material cannot be imported into a multi-Region replica${said}`,
        hint: 'import it into the primary key first, then the same material into this replica with ImportType EXISTING_KEY_MATERIAL and the KeyMaterialId the primary returned',
      };
    }
    if (name === 'KMSInvalidStateException' && /pending rotation/.test(m)) {
      return {
        message: `this key already holds new key material waiting for rotation${said}`,
        hint: 'rotate to it (RotateKeyOnDemand), or delete it by its KeyMaterialId (DeleteImportedKeyMaterial) before importing other material',
      };
    }
    if (name === 'NotFoundException' && /Key material/.test(m)) {
      return {
        message: `this KMS key has no key material with that id${said}`,
        hint: 'use a KeyMaterialId from ListKeyRotations (IncludeKeyMaterial ALL_KEY_MATERIAL) or from the ceremony record of this key',
      };
    }
  }
  if (operation === 'ReplicateKey') {
    if (name === 'AlreadyExistsException') {
      return {
        message: `this multi-Region key already has a replica in that Region${said}`,
        hint: 'use the existing replica (DescribeKey in that Region), or choose another Region',
      };
    }
    if (name === 'UnsupportedOperationException') {
      return {
        message: `only a multi-Region primary key can be replicated${said}`,
        hint: 'replicate the primary key (MultiRegionConfiguration in DescribeKey names it); a single-Region key cannot become multi-Region',
      };
    }
  }
  return undefined;
}

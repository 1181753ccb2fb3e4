import { createAlias, deleteAlias, listAliases, updateAlias } from './ops/aliases.js';
import { generateMac, getPublicKey, signOp, verifyMac, verifyOp } from './ops/crypto.js';
import {
  generateDataKey,
  generateDataKeyPair,
  generateDataKeyPairWithoutPlaintext,
  generateDataKeyWithoutPlaintext,
  generateRandom,
} from './ops/data-keys.js';
import { decrypt, encrypt, reEncrypt } from './ops/encryption.js';
import { createGrant, listGrants, listRetirableGrants, retireGrant, revokeGrant } from './ops/grants.js';
import type { Handler } from './ops/handler.js';
import { getParametersForImport, importKeyMaterial } from './ops/import.js';
import { deleteImportedKeyMaterial, listKeyRotations, rotateKeyOnDemand } from './ops/key-materials.js';
import { replicateKey } from './ops/replicate.js';
import {
  cancelKeyDeletion,
  createKey,
  describeKey,
  disableKey,
  enableKey,
  listKeys,
  scheduleKeyDeletion,
} from './ops/key-lifecycle.js';
import { disableKeyRotation, enableKeyRotation, getKeyRotationStatus } from './ops/rotation.js';
import {
  getKeyPolicy,
  listKeyPolicies,
  listResourceTags,
  putKeyPolicy,
  tagResource,
  untagResource,
  updateKeyDescription,
} from './ops/tags-policy.js';

/** Every TrentService operation the emulator answers; anything else is UnknownOperationException. */
export const OPERATIONS: Record<string, Handler> = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  ListKeys: listKeys,
  EnableKey: enableKey,
  DisableKey: disableKey,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  CancelKeyDeletion: cancelKeyDeletion,
  CreateAlias: createAlias,
  DeleteAlias: deleteAlias,
  ListAliases: listAliases,
  UpdateAlias: updateAlias,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListResourceTags: listResourceTags,
  UpdateKeyDescription: updateKeyDescription,
  ListKeyPolicies: listKeyPolicies,
  GetKeyPolicy: getKeyPolicy,
  PutKeyPolicy: putKeyPolicy,
  CreateGrant: createGrant,
  ListGrants: listGrants,
  ListRetirableGrants: listRetirableGrants,
  RevokeGrant: revokeGrant,
  RetireGrant: retireGrant,
  EnableKeyRotation: enableKeyRotation,
  DisableKeyRotation: disableKeyRotation,
  GetKeyRotationStatus: getKeyRotationStatus,
  RotateKeyOnDemand: rotateKeyOnDemand,
  ListKeyRotations: listKeyRotations,
  ReplicateKey: replicateKey,
  GetParametersForImport: getParametersForImport,
  ImportKeyMaterial: importKeyMaterial,
  DeleteImportedKeyMaterial: deleteImportedKeyMaterial,
  Encrypt: encrypt,
  Decrypt: decrypt,
  ReEncrypt: reEncrypt,
  GenerateDataKey: generateDataKey,
  GenerateDataKeyWithoutPlaintext: generateDataKeyWithoutPlaintext,
  GenerateDataKeyPair: generateDataKeyPair,
  GenerateDataKeyPairWithoutPlaintext: generateDataKeyPairWithoutPlaintext,
  GenerateRandom: generateRandom,
  GenerateMac: generateMac,
  VerifyMac: verifyMac,
  Sign: signOp,
  Verify: verifyOp,
  GetPublicKey: getPublicKey,
};

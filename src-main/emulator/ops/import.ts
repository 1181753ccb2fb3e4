import { timingSafeEqual } from 'node:crypto';
import { bindingDigest, decodeToken, encodeToken, newTokenId } from '../import-token.js';
import { requireExternal, requireNotPendingDeletion } from '../key-metadata.js';
import { currentMaterial, type KeyRecord, type MaterialRecord } from '../key-record.js';
import {
  EXPIRATION_MODELS,
  IMPORT_TYPES,
  type ImportType,
  KEY_MATERIAL_DESCRIPTION,
  KEY_MATERIAL_ID,
  WRAPPING_ALGORITHMS,
  WRAPPING_KEY_SPECS,
  wrappingRefusal,
} from '../key-specs.js';
import { invalidState, KmsServiceError, notFound, unsupported, validation } from '../kms-error.js';
import { checkMaterial, materialId } from '../material.js';
import { isPrimary, isReplica, primaryOf, syncReplicas } from '../multi-region.js';
import {
  type Body,
  optEnum,
  optNumber,
  optPatterned,
  reqBlob,
  reqEnum,
  reqString,
} from '../request-fields.js';
import type { RegionState } from '../region-state.js';
import { unwrapImported } from '../unwrap.js';
import { WRAPPING_BITS, wrappingKeyPair } from '../wrapping-keys.js';
import type { Handler } from './handler.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const getParametersForImport: Handler = async (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  const algorithm = reqEnum(body, 'WrappingAlgorithm', WRAPPING_ALGORITHMS);
  const wrappingKeySpec = reqEnum(body, 'WrappingKeySpec', WRAPPING_KEY_SPECS);
  requireExternal(key);
  requireNotPendingDeletion(key);
  if (wrappingKeySpec === 'SM2')
    throw unsupported('The SM2 wrapping key spec is supported only in China Regions.');
  const refusal = wrappingRefusal(key.keySpec, algorithm, wrappingKeySpec);
  if (refusal) throw validation(refusal);
  const pair = await wrappingKeyPair(WRAPPING_BITS[wrappingKeySpec]);
  const tokenId = newTokenId();
  const validTo = state.now() + DAY_MS;
  state.saveParams({
    tokenId,
    region: state.region,
    keyId: key.keyId,
    algorithm,
    wrappingKeySpec,
    privateKeyDer: pair.privateKeyDer,
    publicKeyDer: pair.publicKeyDer,
    validTo,
  });
  const token = encodeToken(tokenId, bindingDigest(key.arn, pair.publicKeyDer));
  // Member order as in the service model; scripts in the AWS docs pick fields by position.
  return {
    KeyId: key.arn,
    ImportToken: token.toString('base64'),
    PublicKey: pair.publicKeyDer.toString('base64'),
    ParametersValidTo: validTo / 1000,
  };
};

function readExpiry(
  body: Record<string, unknown>,
  now: number,
): { model: MaterialRecord['expirationModel']; validTo?: number } {
  const model = optEnum(body, 'ExpirationModel', EXPIRATION_MODELS) ?? 'KEY_MATERIAL_EXPIRES';
  const validToSec = optNumber(body, 'ValidTo');
  if (model === 'KEY_MATERIAL_DOES_NOT_EXPIRE') {
    if (validToSec !== undefined) {
      throw validation(
        'A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE',
      );
    }
    return { model };
  }
  if (validToSec === undefined)
    throw validation('A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES');
  const validTo = Math.round(validToSec * 1000);
  if (validTo <= now) throw validation('The validTo date must be in the future.');
  if (validTo > now + 365 * DAY_MS)
    throw validation('The validTo date must be no more than 365 days in the future.');
  return { model, validTo };
}

/**
 * Which material an import is for. NEW_KEY_MATERIAL stages new material (PENDING_ROTATION) once the
 * key has any; EXISTING_KEY_MATERIAL restores material the key already knows, by KeyMaterialId or the
 * current one. A multi-Region replica only ever takes material its primary has: new material goes to
 * the primary, the same bytes to each replica as EXISTING_KEY_MATERIAL.
 */
function importTarget(
  state: RegionState,
  key: KeyRecord,
  importType: ImportType,
  wantedId: string | undefined,
): MaterialRecord | undefined {
  const everImported = key.materials.length > 0;
  if (importType === 'NEW_KEY_MATERIAL' && wantedId !== undefined) {
    throw validation('KeyMaterialId cannot be specified when ImportType is NEW_KEY_MATERIAL.');
  }
  if (importType === 'NEW_KEY_MATERIAL' && isReplica(key)) {
    const primary = primaryOf(state, key);
    throw unsupported(
      `${key.arn} is a multi-Region replica key. Import new key material into the primary key ${primary?.arn ?? ''} first, then the same key material into this key with ImportType EXISTING_KEY_MATERIAL.`,
    );
  }
  if (importType === 'EXISTING_KEY_MATERIAL' && !everImported) {
    throw validation(
      'No key material has been imported into this KMS key yet; use ImportType NEW_KEY_MATERIAL.',
    );
  }
  if (importType === 'NEW_KEY_MATERIAL') {
    if (everImported && key.materials.some((m) => m.role === 'PENDING_ROTATION')) {
      throw invalidState(`${key.arn} already has key material pending rotation.`);
    }
    return undefined;
  }
  const target = wantedId === undefined ? currentMaterial(key) : key.materials.find((m) => m.id === wantedId);
  if (!target) throw notFound(`Key material ${wantedId ?? ''} is not associated with ${key.arn}.`);
  return target;
}

export const importKeyMaterial: Handler = (state, body: Body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  const token = reqBlob(body, 'ImportToken');
  const wrapped = reqBlob(body, 'EncryptedKeyMaterial');
  const importTypeParam = optEnum(body, 'ImportType', IMPORT_TYPES);
  const description = optPatterned(body, 'KeyMaterialDescription', KEY_MATERIAL_DESCRIPTION);
  const wantedId = optPatterned(body, 'KeyMaterialId', KEY_MATERIAL_ID);
  const now = state.now();
  const expiry = readExpiry(body, now);
  requireExternal(key);
  requireNotPendingDeletion(key);

  const decoded = decodeToken(token);
  const params = decoded && state.params.get(decoded.tokenId);
  if (!decoded || !params || params.keyId !== key.keyId) {
    throw new KmsServiceError('InvalidImportTokenException', 'Import token is not valid for this KMS key.');
  }
  const binding = bindingDigest(key.arn, params.publicKeyDer);
  if (!timingSafeEqual(binding, decoded.binding)) {
    throw new KmsServiceError('InvalidImportTokenException', 'Import token is not valid for this KMS key.');
  }
  if (params.validTo <= now)
    throw new KmsServiceError('ExpiredImportTokenException', 'Import token has expired.');

  const symmetric = key.keySpec === 'SYMMETRIC_DEFAULT';
  if (!symmetric && (importTypeParam !== undefined || wantedId !== undefined || description !== undefined)) {
    throw validation(
      'ImportType, KeyMaterialId and KeyMaterialDescription are supported only for symmetric encryption KMS keys.',
    );
  }
  const everImported = key.materials.length > 0;
  // AWS: NEW_KEY_MATERIAL for the first import, EXISTING_KEY_MATERIAL for reimports, unless told.
  const importType = importTypeParam ?? (everImported ? 'EXISTING_KEY_MATERIAL' : 'NEW_KEY_MATERIAL');
  const target = importTarget(state, key, importType, wantedId);

  const material = unwrapImported(params, wrapped);
  let stored = false;
  try {
    checkMaterial(key.keySpec, material);
    const id = materialId(key.keyId, material);
    if (target) {
      if (id !== target.id) {
        throw new KmsServiceError(
          'IncorrectKeyMaterialException',
          'The key material being imported is not the key material previously imported into this KMS key.',
        );
      }
      target.bytes?.fill(0);
      target.bytes = material;
      target.expirationModel = expiry.model;
      if (expiry.validTo === undefined) delete target.validTo;
      else target.validTo = expiry.validTo;
      if (description !== undefined) target.description = description;
      target.importedAt = now;
    } else {
      if (key.materials.some((m) => m.id === id)) {
        throw new KmsServiceError(
          'IncorrectKeyMaterialException',
          'This key material was already imported into this KMS key; reimport it with ImportType EXISTING_KEY_MATERIAL.',
        );
      }
      const record: MaterialRecord = {
        id,
        role: everImported ? 'PENDING_ROTATION' : 'CURRENT',
        expirationModel: expiry.model,
        importedAt: now,
        bytes: material,
      };
      if (expiry.validTo !== undefined) record.validTo = expiry.validTo;
      if (description !== undefined) record.description = description;
      key.materials.push(record);
    }
    stored = true;
    state.save(key);
    if (isPrimary(key)) syncReplicas(state, key);
    return { KeyId: key.arn, KeyMaterialId: id };
  } finally {
    if (!stored) material.fill(0);
  }
};

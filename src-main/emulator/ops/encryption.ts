import { decryptBlob, encryptUnder, requireEncryptionKey } from '../envelope.js';
import { ENCRYPTION_ALGORITHMS } from '../key-specs.js';
import { dryRun } from '../kms-error.js';
import { optBoolean, optEnum, optString, optStringMap, reqBlob, reqString } from '../request-fields.js';
import type { Handler } from './handler.js';

const MAX_PLAINTEXT = 4096;

export const encrypt: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), true);
  const plaintext = reqBlob(body, 'Plaintext', MAX_PLAINTEXT);
  try {
    const alg = optEnum(body, 'EncryptionAlgorithm', ENCRYPTION_ALGORITHMS) ?? 'SYMMETRIC_DEFAULT';
    const context = optStringMap(body, 'EncryptionContext');
    requireEncryptionKey(key, alg, 'Encrypt');
    if (optBoolean(body, 'DryRun')) throw dryRun();
    const { blob } = encryptUnder(key, alg, plaintext, context);
    return { CiphertextBlob: blob.toString('base64'), KeyId: key.arn, EncryptionAlgorithm: alg };
  } finally {
    plaintext.fill(0);
  }
};

export const decrypt: Handler = (state, body) => {
  const blob = reqBlob(body, 'CiphertextBlob');
  const keyIdParam = optString(body, 'KeyId');
  const alg = optEnum(body, 'EncryptionAlgorithm', ENCRYPTION_ALGORITHMS) ?? 'SYMMETRIC_DEFAULT';
  const context = optStringMap(body, 'EncryptionContext');
  const opened = decryptBlob(state, blob, keyIdParam, alg, context, 'Decrypt');
  try {
    if (optBoolean(body, 'DryRun')) throw dryRun();
    const out: Record<string, unknown> = {
      KeyId: opened.key.arn,
      Plaintext: opened.plaintext.toString('base64'),
      EncryptionAlgorithm: alg,
    };
    if (opened.materialId !== undefined) out.KeyMaterialId = opened.materialId;
    return out;
  } finally {
    opened.plaintext.fill(0);
  }
};

/**
 * Decrypts under the source key and encrypts under the destination without the plaintext leaving
 * the service. Both keys must be usable; the plaintext is wiped whatever happens.
 */
export const reEncrypt: Handler = (state, body) => {
  const blob = reqBlob(body, 'CiphertextBlob');
  const sourceKeyId = optString(body, 'SourceKeyId');
  const destination = state.resolve(reqString(body, 'DestinationKeyId'), true, 'ReEncryptTo');
  const sourceAlg = optEnum(body, 'SourceEncryptionAlgorithm', ENCRYPTION_ALGORITHMS) ?? 'SYMMETRIC_DEFAULT';
  const destAlg =
    optEnum(body, 'DestinationEncryptionAlgorithm', ENCRYPTION_ALGORITHMS) ?? 'SYMMETRIC_DEFAULT';
  const sourceContext = optStringMap(body, 'SourceEncryptionContext');
  const destContext = optStringMap(body, 'DestinationEncryptionContext');
  requireEncryptionKey(destination, destAlg, 'ReEncrypt');
  const opened = decryptBlob(state, blob, sourceKeyId, sourceAlg, sourceContext, 'ReEncrypt');
  try {
    if (optBoolean(body, 'DryRun')) throw dryRun();
    const sealed = encryptUnder(destination, destAlg, opened.plaintext, destContext);
    const out: Record<string, unknown> = {
      CiphertextBlob: sealed.blob.toString('base64'),
      SourceKeyId: opened.key.arn,
      KeyId: destination.arn,
      SourceEncryptionAlgorithm: sourceAlg,
      DestinationEncryptionAlgorithm: destAlg,
    };
    if (opened.materialId !== undefined) out.SourceKeyMaterialId = opened.materialId;
    if (sealed.materialId !== undefined) out.DestinationKeyMaterialId = sealed.materialId;
    return out;
  } finally {
    opened.plaintext.fill(0);
  }
};

import { randomBytes } from 'node:crypto';
import { encryptUnder } from '../envelope.js';
import { requireUsable, requireUsage } from '../key-metadata.js';
import type { KeyRecord } from '../key-record.js';
import { dryRun, KmsServiceError, unsupported, validation } from '../kms-error.js';
import { generateKeyPairDer } from '../material.js';
import {
  type Body,
  optBoolean,
  optEnum,
  optIntInRange,
  optString,
  optStringMap,
  reqEnum,
  reqString,
} from '../request-fields.js';
import type { Handler } from './handler.js';

export const DATA_KEY_SPECS = ['AES_256', 'AES_128'] as const;
export const DATA_KEY_PAIR_SPECS = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'SM2',
  'ECC_NIST_EDWARDS25519',
] as const;
export type DataKeyPairSpec = (typeof DATA_KEY_PAIR_SPECS)[number];

function numberOfBytes(body: Body, required: boolean): number | undefined {
  const n = optIntInRange(body, 'NumberOfBytes', 1, 1024);
  if (n === undefined && required) throw validation('NumberOfBytes is required.');
  return n;
}

/** Nitro Enclave attestation cannot be rehearsed: there is no enclave to attest. */
function refuseRecipient(body: Body): void {
  if (body.Recipient !== undefined && body.Recipient !== null) {
    throw unsupported('Recipient (Nitro Enclaves attestation) is not supported by the Keyrite KMS emulator.');
  }
}

/** Data keys come only from symmetric encryption keys (the API reference's GenerateDataKey*). */
function dataKeyParent(key: KeyRecord, operation: string): void {
  requireUsable(key);
  requireUsage(key, 'ENCRYPT_DECRYPT', operation);
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw new KmsServiceError(
      'InvalidKeyUsageException',
      `${key.arn} key spec is ${key.keySpec} which is not valid for ${operation}. Use a symmetric encryption KMS key.`,
    );
  }
}

function generateDataKeyCommon(withPlaintext: boolean, operation: string): Handler {
  return (state, body) => {
    const key = state.resolve(reqString(body, 'KeyId'), true);
    const context = optStringMap(body, 'EncryptionContext');
    const spec = optEnum(body, 'KeySpec', DATA_KEY_SPECS);
    const n = numberOfBytes(body, false);
    if ((spec === undefined) === (n === undefined))
      throw validation('Please specify either number of bytes or key spec.');
    if (withPlaintext) refuseRecipient(body);
    dataKeyParent(key, operation);
    if (optBoolean(body, 'DryRun')) throw dryRun();
    const dataKey = randomBytes(n ?? (spec === 'AES_128' ? 16 : 32));
    try {
      const sealed = encryptUnder(key, 'SYMMETRIC_DEFAULT', dataKey, context);
      const out: Record<string, unknown> = { CiphertextBlob: sealed.blob.toString('base64') };
      if (withPlaintext) out.Plaintext = dataKey.toString('base64');
      out.KeyId = key.arn;
      if (sealed.materialId) out.KeyMaterialId = sealed.materialId;
      return out;
    } finally {
      dataKey.fill(0);
    }
  };
}

export const generateDataKey = generateDataKeyCommon(true, 'GenerateDataKey');
export const generateDataKeyWithoutPlaintext = generateDataKeyCommon(
  false,
  'GenerateDataKeyWithoutPlaintext',
);

function generateDataKeyPairCommon(withPlaintext: boolean, operation: string): Handler {
  return async (state, body) => {
    const key = state.resolve(reqString(body, 'KeyId'), true);
    const context = optStringMap(body, 'EncryptionContext');
    const spec = reqEnum(body, 'KeyPairSpec', DATA_KEY_PAIR_SPECS);
    if (withPlaintext) refuseRecipient(body);
    dataKeyParent(key, operation);
    if (spec === 'SM2') throw unsupported('The SM2 key pair spec is supported only in China Regions.');
    if (optBoolean(body, 'DryRun')) throw dryRun();
    const pair = await generateKeyPairDer(spec);
    try {
      const sealed = encryptUnder(key, 'SYMMETRIC_DEFAULT', pair.privateKeyDer, context);
      const out: Record<string, unknown> = { PrivateKeyCiphertextBlob: sealed.blob.toString('base64') };
      if (withPlaintext) out.PrivateKeyPlaintext = pair.privateKeyDer.toString('base64');
      out.PublicKey = pair.publicKeyDer.toString('base64');
      out.KeyId = key.arn;
      out.KeyPairSpec = spec;
      if (sealed.materialId) out.KeyMaterialId = sealed.materialId;
      return out;
    } finally {
      pair.privateKeyDer.fill(0);
    }
  };
}

export const generateDataKeyPair = generateDataKeyPairCommon(true, 'GenerateDataKeyPair');
export const generateDataKeyPairWithoutPlaintext = generateDataKeyPairCommon(
  false,
  'GenerateDataKeyPairWithoutPlaintext',
);

export const generateRandom: Handler = (_state, body) => {
  const n = numberOfBytes(body, true) as number;
  const store = optString(body, 'CustomKeyStoreId');
  if (store !== undefined) {
    throw new KmsServiceError('CustomKeyStoreNotFoundException', `Custom key store ${store} does not exist.`);
  }
  refuseRecipient(body);
  const bytes = randomBytes(n);
  try {
    return { Plaintext: bytes.toString('base64') };
  } finally {
    bytes.fill(0);
  }
};

import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../src-shared/digests.js';
import type { KeyRecord } from './key-record.js';
import { KmsServiceError, validation } from './kms-error.js';
import { type Body, optString, optStringMap } from './request-fields.js';
import type { GrantRecord } from './state-types.js';

/** The GrantOperation enum, in service-model order. */
export const GRANT_OPERATIONS = [
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'Sign',
  'Verify',
  'GetPublicKey',
  'CreateGrant',
  'RetireGrant',
  'DescribeKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateMac',
  'VerifyMac',
  'DeriveSharedSecret',
] as const;

const ADMIN = ['CreateGrant', 'RetireGrant', 'DescribeKey'];

/**
 * Which grant operations make sense for a key: the API reference (CreateGrant, "Grant operations")
 * allows only operations the key's type supports — no GenerateDataKey on an asymmetric key, no Sign
 * on a symmetric one.
 */
export function grantableOperations(key: KeyRecord): readonly string[] {
  switch (key.keyUsage) {
    case 'ENCRYPT_DECRYPT':
      return key.keySpec === 'SYMMETRIC_DEFAULT'
        ? [
            'Decrypt',
            'Encrypt',
            'GenerateDataKey',
            'GenerateDataKeyWithoutPlaintext',
            'ReEncryptFrom',
            'ReEncryptTo',
            'GenerateDataKeyPair',
            'GenerateDataKeyPairWithoutPlaintext',
            ...ADMIN,
          ]
        : ['Decrypt', 'Encrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GetPublicKey', ...ADMIN];
    case 'SIGN_VERIFY':
      return ['Sign', 'Verify', 'GetPublicKey', ...ADMIN];
    case 'GENERATE_VERIFY_MAC':
      return ['GenerateMac', 'VerifyMac', ...ADMIN];
    case 'KEY_AGREEMENT':
      return ['DeriveSharedSecret', 'GetPublicKey', ...ADMIN];
  }
}

const PRINCIPAL = /^[\w+=,.@:/-]+$/;
const GRANT_NAME = /^[a-zA-Z0-9:/_-]+$/;

function patterned(
  body: Body,
  field: string,
  wire: string,
  pattern: RegExp,
  max: number,
): string | undefined {
  const v = optString(body, field);
  if (v === undefined) return undefined;
  if (v.length < 1 || v.length > max) {
    throw validation(
      `1 validation error detected: Value '${v}' at '${wire}' failed to satisfy constraint: Member must have length ${v.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${max}`}`,
    );
  }
  if (!pattern.test(v)) {
    throw validation(
      `1 validation error detected: Value '${v}' at '${wire}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`,
    );
  }
  return v;
}

export function readPrincipal(
  body: Body,
  field: string,
  wire: string,
  required: boolean,
): string | undefined {
  const v = patterned(body, field, wire, PRINCIPAL, 256);
  if (v === undefined && required) {
    throw validation(
      `1 validation error detected: Value null at '${wire}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}

export function readGrantName(body: Body): string | undefined {
  return patterned(body, 'Name', 'name', GRANT_NAME, 256);
}

/** The Operations list: at least one GrantOperation, each one the key's type supports. */
export function readOperations(body: Body, key: KeyRecord): string[] {
  const raw = body.Operations;
  if (raw === undefined || raw === null) {
    throw validation(
      "1 validation error detected: Value null at 'operations' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!Array.isArray(raw) || raw.some((o) => typeof o !== 'string')) {
    throw validation("1 validation error detected: Value at 'operations' must be a list of strings");
  }
  const ops = raw as string[];
  const unknown = ops.filter((o) => !(GRANT_OPERATIONS as readonly string[]).includes(o));
  if (unknown.length > 0) {
    throw validation(
      `1 validation error detected: Value '[${ops.join(', ')}]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${GRANT_OPERATIONS.join(', ')}]]`,
    );
  }
  if (ops.length === 0) {
    throw validation(
      "1 validation error detected: Value '[]' at 'operations' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  const allowed = grantableOperations(key);
  const refused = ops.filter((o) => !allowed.includes(o));
  if (refused.length > 0) {
    throw validation(
      `Grant operations ${refused.join(', ')} are not valid for ${key.arn}, a ${key.keySpec} key for ${key.keyUsage}.`,
    );
  }
  return [...new Set(ops)];
}

/** Encryption-context constraints only mean something for symmetric encryption keys. */
export function readConstraints(body: Body, key: KeyRecord): GrantRecord['constraints'] {
  const raw = body.Constraints;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw validation("1 validation error detected: Value at 'constraints' must be a structure");
  const c = raw as Body;
  const subset = optStringMap(c, 'EncryptionContextSubset');
  const equals = optStringMap(c, 'EncryptionContextEquals');
  if (subset === undefined && equals === undefined) return undefined;
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw validation(
      `Grant constraints (EncryptionContextSubset, EncryptionContextEquals) apply only to symmetric encryption KMS keys; ${key.arn} is a ${key.keySpec} key.`,
    );
  }
  return {
    ...(subset ? { EncryptionContextSubset: subset } : {}),
    ...(equals ? { EncryptionContextEquals: equals } : {}),
  };
}

const TOKEN_MAGIC = Buffer.from('KRGT1', 'ascii');

export function newGrantId(): string {
  return randomBytes(32).toString('hex');
}

/** A grant token names its grant and carries fresh randomness; the emulator keeps only its digest. */
export function newGrantToken(grantId: string): string {
  return Buffer.concat([TOKEN_MAGIC, Buffer.from(grantId, 'hex'), randomBytes(32)]).toString('base64');
}

export function tokenDigest(token: string): string {
  return sha256Hex(token);
}

export function grantIdOfToken(token: string): string | undefined {
  const b = Buffer.from(token, 'base64');
  if (b.length !== TOKEN_MAGIC.length + 64 || !b.subarray(0, TOKEN_MAGIC.length).equals(TOKEN_MAGIC))
    return undefined;
  return b.subarray(TOKEN_MAGIC.length, TOKEN_MAGIC.length + 32).toString('hex');
}

export const GRANT_ID = /^[0-9a-f]{64}$/;

export function invalidGrantId(grantId: string): KmsServiceError {
  return new KmsServiceError('InvalidGrantIdException', `Invalid grant ID ${grantId}`);
}

import { randomBytes, randomUUID } from 'node:crypto';
import { keyMetadata, requireNotPendingDeletion } from '../key-metadata.js';
import { type KeyRecord, keyState } from '../key-record.js';
import {
  allowedUsages,
  isEmulatedKeySpec,
  KEY_SPECS,
  KEY_USAGES,
  type KeyUsage,
  ORIGINS,
} from '../key-specs.js';
import { KEY_SPEC_LISTED, KEY_USAGE_LISTED } from '../enum-messages.js';
import { invalidState, KmsServiceError, unsupported, validation } from '../kms-error.js';
import { generateMaterial, materialId } from '../material.js';
import { optBoolean, optEnum, optIntInRange, optString, page, reqString } from '../request-fields.js';
import { readTags } from '../tags.js';
import type { Handler } from './handler.js';

const DAY_MS = 86_400_000;

export function defaultPolicy(accountId: string): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Id: 'key-default-1',
      Statement: [
        {
          Sid: 'Enable IAM User Permissions',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    },
    null,
    2,
  );
}

export function checkPolicy(policy: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    throw new KmsServiceError('MalformedPolicyDocumentException', 'The key policy is not valid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || !('Statement' in doc)) {
    throw new KmsServiceError('MalformedPolicyDocumentException', 'The key policy must contain a Statement.');
  }
}

export const createKey: Handler = async (state, body) => {
  const keySpecField = optEnum(body, 'KeySpec', KEY_SPECS, KEY_SPEC_LISTED);
  const cmkSpec = optEnum(body, 'CustomerMasterKeySpec', KEY_SPECS);
  if (keySpecField && cmkSpec) {
    throw validation(
      'You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.',
    );
  }
  const spec = keySpecField ?? cmkSpec ?? 'SYMMETRIC_DEFAULT';
  if (!isEmulatedKeySpec(spec))
    throw unsupported(`KeySpec ${spec} is not supported by the Keyrite KMS emulator.`);
  let usage = optEnum(body, 'KeyUsage', KEY_USAGES, KEY_USAGE_LISTED);
  if (usage === undefined) {
    if (spec !== 'SYMMETRIC_DEFAULT') {
      throw validation(
        'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.',
      );
    }
    usage = 'ENCRYPT_DECRYPT';
  }
  if (!allowedUsages(spec).includes(usage as KeyUsage)) {
    throw validation(`KeyUsage ${usage} is not compatible with KeySpec ${spec}`);
  }
  const origin = optEnum(body, 'Origin', ORIGINS) ?? 'AWS_KMS';
  if (origin === 'AWS_CLOUDHSM' || origin === 'EXTERNAL_KEY_STORE') {
    throw unsupported(`Origin ${origin} (custom key stores) is not supported by the Keyrite KMS emulator.`);
  }
  if (optString(body, 'CustomKeyStoreId') !== undefined) {
    throw unsupported('Custom key stores are not supported by the Keyrite KMS emulator.');
  }
  const description = optString(body, 'Description') ?? '';
  if (description.length > 8192) {
    throw validation(
      "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192",
    );
  }
  const policy = optString(body, 'Policy') ?? defaultPolicy(state.accountId);
  checkPolicy(policy);
  const tags = readTags(body, false);
  const multiRegion = optBoolean(body, 'MultiRegion') ?? false;
  const keyId = multiRegion ? `mrk-${randomBytes(16).toString('hex')}` : randomUUID();
  const now = state.now();
  const key: KeyRecord = {
    keyId,
    arn: state.keyArn(keyId),
    accountId: state.accountId,
    region: state.region,
    creationDate: now,
    description,
    keyUsage: usage,
    keySpec: spec,
    origin,
    multiRegion,
    enabled: true,
    policy,
    tags,
    materials: [],
  };
  if (multiRegion) key.primaryRegion = state.region;
  if (origin === 'AWS_KMS') {
    const bytes = await generateMaterial(spec);
    key.materials.push({
      id: materialId(keyId, bytes),
      role: 'CURRENT',
      expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      importedAt: now,
      bytes,
    });
  }
  state.save(key);
  return { KeyMetadata: keyMetadata(state, key) };
};

export const describeKey: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), true);
  return { KeyMetadata: keyMetadata(state, key) };
};

export const listKeys: Handler = (state, body) => {
  const all = [...state.keys.values()].sort((a, b) => a.creationDate - b.creationDate);
  const { items, nextMarker } = page(all, body);
  const out: Record<string, unknown> = {
    Keys: items.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })),
    Truncated: nextMarker !== undefined,
  };
  if (nextMarker) out.NextMarker = nextMarker;
  return out;
};

function requireMaterialState(key: KeyRecord): void {
  requireNotPendingDeletion(key);
  if (keyState(key) === 'PendingImport') throw invalidState(`${key.arn} is pending import.`);
}

export const enableKey: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  requireMaterialState(key);
  key.enabled = true;
  state.save(key);
  return {};
};

export const disableKey: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  requireMaterialState(key);
  key.enabled = false;
  state.save(key);
  return {};
};

export const scheduleKeyDeletion: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  const days = optIntInRange(body, 'PendingWindowInDays', 7, 30) ?? 30;
  requireNotPendingDeletion(key);
  key.deletion = { date: state.now() + days * DAY_MS, windowDays: days };
  state.save(key);
  return {
    KeyId: key.arn,
    DeletionDate: key.deletion.date / 1000,
    KeyState: 'PendingDeletion',
    PendingWindowInDays: days,
  };
};

export const cancelKeyDeletion: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  if (!key.deletion) throw invalidState(`${key.arn} is not pending deletion.`);
  delete key.deletion;
  // AWS leaves a key whose deletion was cancelled disabled.
  key.enabled = false;
  state.save(key);
  return { KeyId: key.arn };
};

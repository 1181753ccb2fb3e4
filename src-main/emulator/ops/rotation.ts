import { type KeyRecord, keyState } from '../key-record.js';
import { invalidState, KmsServiceError, unsupported } from '../kms-error.js';
import { optIntInRange, reqString } from '../request-fields.js';
import type { Handler } from './handler.js';

const DAY_MS = 86_400_000;
const DEFAULT_PERIOD_DAYS = 365;

/**
 * Automatic rotation is for symmetric encryption keys whose material KMS generated. The order of the
 * refusals follows AWS's recordings for RotateKeyOnDemand (localstack test_kms.snapshot.json): a
 * disabled key is DisabledException before its spec is looked at; imported material is refused
 * naming the origin; any other spec is UnsupportedOperationException with no message.
 */
function requireRotatable(key: KeyRecord): void {
  const state = keyState(key);
  if (state === 'Disabled') throw new KmsServiceError('DisabledException', `${key.arn} is disabled.`);
  if (state === 'PendingDeletion') throw invalidState(`${key.arn} is pending deletion.`);
  if (key.origin !== 'AWS_KMS')
    throw unsupported(`${key.arn} origin is ${key.origin} which is not valid for this operation.`);
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') throw unsupported(undefined);
}

export const enableKeyRotation: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  const periodDays = optIntInRange(body, 'RotationPeriodInDays', 90, 2560) ?? DEFAULT_PERIOD_DAYS;
  requireRotatable(key);
  key.rotation = { periodDays, enabledAt: state.now() };
  state.save(key);
  return {};
};

export const disableKeyRotation: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  requireRotatable(key);
  delete key.rotation;
  state.save(key);
  return {};
};

/**
 * A key with imported material is refused naming its origin (the developer guide's key-state table,
 * footnotes 6 and 7); for asymmetric and HMAC keys the status is simply false, as the API reference
 * says. Only an enabled schedule has a period and a next date.
 */
export const getKeyRotationStatus: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  if (key.origin !== 'AWS_KMS')
    throw unsupported(`${key.arn} origin is ${key.origin} which is not valid for this operation.`);
  const out: Record<string, unknown> = { KeyRotationEnabled: key.rotation !== undefined, KeyId: key.arn };
  if (key.rotation) {
    out.RotationPeriodInDays = key.rotation.periodDays;
    out.NextRotationDate = (key.rotation.enabledAt + key.rotation.periodDays * DAY_MS) / 1000;
  }
  return out;
};

import { KeyriteError } from '../../src-shared/errors.js';
import { canonicalString } from '../../src-shared/audit/canonical-json.js';
import { MAX_PAYLOAD_BYTES } from '../../src-shared/audit/record-limits.js';
import { payloadProblem } from '../../src-shared/audit/payload-schemas.js';
import { findSecretLookingField } from '../../src-shared/audit/secret-guard.js';

/** The actor of the records the station writes on its own behalf (its key, its checkpoints). */
export const STATION_ACTOR = 'station';

export interface AppendInput {
  ceremonyId: string;
  actor: string;
  type: string;
  payload: Record<string, unknown>;
}

/**
 * The checks every record passes before the store writes it: the fields' shape, the type's payload
 * schema, the secret guard and the size limit. Each is one the verifier applies later, so a record it
 * would reject is refused here, before anything is written. Answers the payload's canonical text, which
 * the store hashes and stores as it is (encoded once per append, not three times).
 */
export function validateAppend(e: AppendInput): string {
  if (typeof e.ceremonyId !== 'string' || e.ceremonyId.length > 200)
    throw invalidRecord('ceremony id must be a string of at most 200 characters');
  if (typeof e.actor !== 'string' || e.actor.length === 0 || e.actor.length > 200)
    throw invalidRecord('actor must be a non-empty string of at most 200 characters');
  const schema = payloadProblem(e.type, e.payload);
  if (schema) throw invalidRecord(schema);
  const secret = findSecretLookingField(e.payload);
  if (secret) {
    throw new KeyriteError(
      'AUDIT_SECRET_REFUSED',
      `refused to log ${secret}: it looks like secret material`,
      'log a KCV, fingerprint or digest instead; never key material, shares or passphrases',
    );
  }
  const text = canonicalString(e.payload);
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_PAYLOAD_BYTES)
    throw invalidRecord(`payload is ${size} bytes, over the ${MAX_PAYLOAD_BYTES}-byte limit of a record`);
  return text;
}

export function invalidRecord(message: string): KeyriteError {
  return new KeyriteError(
    'AUDIT_RECORD_INVALID',
    `audit record refused: ${message}`,
    'this is a bug in the caller; the log was not changed',
  );
}

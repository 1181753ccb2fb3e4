import { canonicalString } from './canonical-json.js';
import { RECORD_DOMAIN, RECORD_DOMAIN_TEXT, sha256Text } from './hashing.js';
import { leafHash } from './merkle.js';

/** One audit record as stored and as exported. `seq` starts at 1; record 1's prevHash is ZERO_HASH. */
export interface AuditRecord {
  seq: number;
  /** ISO-8601 UTC with milliseconds, e.g. 2026-11-24T02:11:52.123Z. */
  time: string;
  ceremonyId: string;
  stationId: string;
  actor: string;
  type: string;
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type RecordBody = Omit<AuditRecord, 'hash'>;

/**
 * The canonical JSON text a record hash covers (after the domain tag):
 * {v: 1, seq, time, ceremonyId, stationId, actor, type, payload, prevHash}.
 * `payloadText`, when given, must be the payload's canonical text (as stored and already checked by
 * decodeCanonical); it is spliced in rather than encoded again, which is what makes verifying a million
 * records affordable. Both paths give identical bytes (property-tested).
 */
function recordHashText(body: RecordBody, payloadText?: string): string {
  if (payloadText === undefined)
    return canonicalString({
      v: 1,
      seq: body.seq,
      time: body.time,
      ceremonyId: body.ceremonyId,
      stationId: body.stationId,
      actor: body.actor,
      type: body.type,
      payload: body.payload,
      prevHash: body.prevHash,
    });
  // Keys in canonical (sorted) order: actor, ceremonyId, payload, prevHash, seq, stationId, time, type, v.
  return (
    `{"actor":${canonicalString(body.actor)},"ceremonyId":${canonicalString(body.ceremonyId)},"payload":${payloadText},` +
    `"prevHash":${canonicalString(body.prevHash)},"seq":${canonicalString(body.seq)},"stationId":${canonicalString(body.stationId)},` +
    `"time":${canonicalString(body.time)},"type":${canonicalString(body.type)},"v":1}`
  );
}

/**
 * The canonical text of one string field, remembering the last one: consecutive records mostly repeat
 * their ceremony, station, actor and type, and encoding them again was a tenth of verification's CPU.
 */
function lastEncoded(): (value: unknown) => string {
  let raw: unknown;
  let text = '';
  return (value) => {
    if (value !== raw || typeof value === 'object') {
      text = canonicalString(value);
      raw = value;
    }
    return text;
  };
}
const encodeActor = lastEncoded();
const encodeCeremony = lastEncoded();
const encodeStation = lastEncoded();
const encodeType = lastEncoded();

/**
 * recordDigest for a record whose `time` matches TIME_FORMAT, whose `prevHash` matches HASH_HEX and whose
 * `seq` is a safe integer, with its payload's stored canonical text: what the verifier has proven of every
 * record before it hashes it. Those three fields then need no escaping, so they are spliced in as they
 * are (the same bytes as recordDigest under that precondition, property-tested).
 */
export function checkedRecordDigest(body: RecordBody, payloadText: string): Buffer {
  return sha256Text(
    `${RECORD_DOMAIN_TEXT}{"actor":${encodeActor(body.actor)},"ceremonyId":${encodeCeremony(body.ceremonyId)},"payload":${payloadText},` +
      `"prevHash":"${body.prevHash}","seq":${body.seq},"stationId":${encodeStation(body.stationId)},` +
      `"time":"${body.time}","type":${encodeType(body.type)},"v":1}`,
  );
}

/** The exact bytes a record hash covers: the domain tag, then recordHashText. */
export function recordHashInput(body: RecordBody, payloadText?: string): Buffer {
  return Buffer.concat([RECORD_DOMAIN, Buffer.from(recordHashText(body, payloadText), 'utf8')]);
}

/**
 * The record hash as its 32 bytes. Hashed straight from the text (one UTF-8 encoding inside the hash
 * call, no intermediate Buffer): the same bytes as recordHashInput, property-tested.
 */
export function recordDigest(body: RecordBody, payloadText?: string): Buffer {
  return sha256Text(RECORD_DOMAIN_TEXT + recordHashText(body, payloadText));
}

/** Hex SHA-256 chaining a record to its predecessor (the body includes prevHash). */
export function computeRecordHash(body: RecordBody, payloadText?: string): string {
  return recordDigest(body, payloadText).toString('hex');
}

/** The record's Merkle leaf: RFC 9162 leaf hash over its 32-byte record hash, which commits to it all. */
export function recordLeafHash(recordHashHex: string): Buffer {
  return leafHash(Buffer.from(recordHashHex, 'hex'));
}

export const TIME_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

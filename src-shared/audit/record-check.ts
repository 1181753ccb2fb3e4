import { HASH_HEX, ZERO_HASH } from './hashing.js';
import { type KnownRecord, readPayload } from './payload-schemas.js';
import { type AuditRecord, TIME_FORMAT, checkedRecordDigest, recordDigest } from './record.js';
import { findSecretLookingField } from './secret-guard.js';

/**
 * What one record must be on its own, given only its predecessor's hash and time: a contiguous
 * sequence number, well-formed fields, the hash chain, a hash that matches its content, time that does
 * not go backwards, a payload that fits its type and holds nothing that looks secret. The log verifier
 * runs it on every record in order; a segment worker (verify-segment.ts) runs it on a range of records,
 * starting from the previous hash the range's first record names.
 */
export class RecordChecker {
  lastHash = ZERO_HASH;
  lastTime = '';
  /** The 32 bytes of the record hash check just proved: the Merkle leaf is hashed from them, not from hex. */
  lastDigest: Buffer = Buffer.alloc(0);

  /** `payloadText`: the payload's stored canonical text, if the caller has it (see recordHashInput). */
  check(
    r: AuditRecord,
    expected: number,
    payloadText: string | undefined,
  ): { seq: number; reason: string } | { known: KnownRecord | null } {
    const at = (reason: string): { seq: number; reason: string } => ({ seq: r.seq, reason });
    if (!Number.isSafeInteger(r.seq)) return { seq: expected, reason: 'sequence number is not an integer' };
    if (r.seq > expected)
      return {
        seq: expected,
        reason: `record ${expected} is missing: record ${r.seq} follows record ${expected - 1}`,
      };
    if (r.seq < expected)
      return at(`record ${r.seq} appears again or out of order after record ${expected - 1}`);
    if (typeof r.time !== 'string' || !TIME_FORMAT.test(r.time))
      return at('time is not an ISO-8601 UTC timestamp');
    if (typeof r.ceremonyId !== 'string' || r.ceremonyId.length > 200) return at('ceremony id is malformed');
    if (typeof r.actor !== 'string' || r.actor.length === 0 || r.actor.length > 200)
      return at('actor is malformed');
    if (typeof r.type !== 'string' || r.type.length === 0) return at('type is malformed');
    // Equal to the last proven hash (or ZERO_HASH) means well-formed: the pattern is only needed otherwise.
    if (typeof r.prevHash !== 'string' || (r.prevHash !== this.lastHash && !HASH_HEX.test(r.prevHash)))
      return at('previous-hash field is malformed');
    if (typeof r.hash !== 'string') return at('hash field is malformed');
    // Hashed before the checks that precede it in the answer: a hash equal to the digest's hex is
    // well-formed, so the pattern is only needed when they differ (what an intact log never pays).
    let digest: Buffer | undefined;
    try {
      digest = payloadText === undefined ? recordDigest(r) : checkedRecordDigest(r, payloadText);
    } catch {
      digest = undefined;
    }
    const hex = digest?.toString('hex');
    if (r.hash !== hex && !HASH_HEX.test(r.hash)) return at('hash field is malformed');
    if (r.prevHash !== this.lastHash)
      return at(`chain broken: previous hash does not match record ${expected - 1}`);
    if (!digest) return at('record content cannot be encoded canonically');
    if (hex !== r.hash) return at('record content does not match its hash (altered)');
    this.lastDigest = digest;
    if (r.time < this.lastTime) return at(`time goes backwards (${r.time} after ${this.lastTime})`);
    const read = readPayload(r.type, r.payload);
    if ('problem' in read) return at(read.problem);
    const secret = findSecretLookingField(r.payload);
    if (secret) return at(`payload field ${secret} looks like secret material`);
    return read;
  }

  /** The record passed every check: it is the predecessor of the next. */
  accept(r: AuditRecord): void {
    this.lastHash = r.hash;
    this.lastTime = r.time;
  }
}

import { spkiFingerprint } from '../digests.js';
import { canonicalString } from './canonical-json.js';
import { sha256 } from './hashing.js';
import { stationIdOf, verifyEd25519 } from './keys.js';
import type { KnownRecord } from './payload-schemas.js';
import type { AuditRecord } from './record.js';

type StationKeyPayload = Extract<KnownRecord, { type: 'station.key' }>['payload'];

/**
 * Which station may write a log, and how that changes. The first `station.key` record declares the
 * log's station; a later one may replace it only if it carries an `introduction` signed by the station
 * it replaces, over the new key and the chain head where it is introduced (so it cannot be replayed
 * into another log or position). Once replaced, a station writes nothing more. An auditor may pin
 * stations by fingerprint: trust then flows forward from a pinned station to the keys it introduced.
 */
export const STATION_INTRODUCTION_DOMAIN = Buffer.from('keyrite/audit/station-introduction/v1\n', 'utf8');

export interface StationIntroduction {
  /** The station id being replaced. */
  stationId: string;
  /** Its Ed25519 signature (base64) over stationIntroductionDigest. */
  signature: string;
}

export function stationIntroductionDigest(i: {
  stationId: string;
  publicKey: string;
  previousStationId: string;
  prevHash: string;
}): Buffer {
  const text = canonicalString({
    stationId: i.stationId,
    publicKey: i.publicKey,
    previousStationId: i.previousStationId,
    prevHash: i.prevHash,
  });
  return sha256(STATION_INTRODUCTION_DOMAIN, Buffer.from(text, 'utf8'));
}

/** A fingerprint as typed by an auditor: hex with optional spaces or colons, any case. */
export function normalizeFingerprint(text: string): string | undefined {
  const clean = text.replace(/[\s:]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(clean) ? clean : undefined;
}

export interface StationDeclaration {
  seq: number;
  stationId: string;
  publicKey: string;
  fingerprint: string;
  /** The station that introduced this one; absent for the log's first station. */
  introducedBy?: string;
  /** Pinned by the auditor, or introduced by a trusted station. */
  trusted: boolean;
}

export class StationChain {
  readonly declarations: StationDeclaration[] = [];
  private current: StationDeclaration | undefined;
  private readonly pins: ReadonlySet<string> | undefined;

  constructor(pinnedFingerprints?: readonly string[]) {
    this.pins = pinnedFingerprints && pinnedFingerprints.length > 0 ? new Set(pinnedFingerprints) : undefined;
  }

  get pinned(): boolean {
    return this.pins !== undefined;
  }

  /** The station allowed to write the next record, and to sign a checkpoint of the tree so far. */
  get currentStation(): StationDeclaration | undefined {
    return this.current;
  }

  /** Checks a `station.key` record, given its parsed payload; answers the problem, if any. */
  declare(r: AuditRecord, p: StationKeyPayload): string | undefined {
    const { publicKey, stationId } = p;
    if (stationIdOf(publicKey) !== stationId || r.stationId !== stationId)
      return 'station key record names a station id that does not match its key';
    const cur = this.current;
    if (cur && cur.stationId === stationId) {
      if (cur.publicKey !== publicKey) return 'station key record changes a station key already declared';
      return undefined; // the current station declaring itself again changes nothing
    }
    if (this.declarations.some((d) => d.stationId === stationId))
      return `station ${stationId} was replaced earlier in the log and cannot return`;
    const fingerprint = spkiFingerprint(publicKey);
    const intro = p.introduction;
    if (cur) {
      if (!intro)
        return `station key record declares a new station ${stationId} that station ${cur.stationId} did not introduce (a foreign or forged tail)`;
      if (intro.stationId !== cur.stationId)
        return `station ${stationId} claims an introduction by ${intro.stationId}, but the log's station is ${cur.stationId}`;
      const digest = stationIntroductionDigest({
        stationId,
        publicKey,
        previousStationId: cur.stationId,
        prevHash: r.prevHash,
      });
      if (!verifyEd25519(cur.publicKey, digest, intro.signature))
        return `the introduction of station ${stationId} is not signed by station ${cur.stationId}`;
    } else if (intro) {
      return 'the first station key of a log cannot be introduced by another station';
    }
    const d: StationDeclaration = {
      seq: r.seq,
      stationId,
      publicKey,
      fingerprint,
      ...(cur ? { introducedBy: cur.stationId } : {}),
      trusted: this.pins?.has(fingerprint) === true || (cur?.trusted ?? false),
    };
    this.declarations.push(d);
    this.current = d;
    return undefined;
  }

  /** A record other than `station.key` must come from the log's current station. */
  writerProblem(r: Pick<AuditRecord, 'stationId'>): string | undefined {
    if (!this.current) return `station ${r.stationId} has not declared its key in the log`;
    if (r.stationId === this.current.stationId) return undefined;
    if (this.declarations.some((d) => d.stationId === r.stationId))
      return `station ${r.stationId} writes after it was replaced by station ${this.current.stationId}`;
    return `station ${r.stationId} has not declared its key in the log`;
  }

  /** A checkpoint must be signed by the station that was current at its tree size. */
  signerProblem(stationId: string, stationPublicKey: string): string | undefined {
    const cur = this.current;
    if (!cur || cur.stationId !== stationId || cur.publicKey !== stationPublicKey)
      return 'is signed by a station whose key is not the log’s station at that point';
    return undefined;
  }
}

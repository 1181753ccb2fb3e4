import { HASH_HEX } from './hashing.js';
import { CompactRange, leafHash } from './merkle.js';
import type { KnownRecord, KnownRecordType } from './payload-schemas.js';
import type { AuditRecord } from './record.js';
import { RecordChecker } from './record-check.js';

/*
 * A log verified in segments, each by a worker thread (src-main/audit/verify-parallel.ts). A segment
 * is a range of 2^k records starting at a multiple of 2^k, so its Merkle subtree is a subtree of the
 * log's tree, and every check of a record that needs only its predecessor (RecordChecker) runs in the
 * worker, from the previous hash the segment's first record names. What needs the whole log before it —
 * which station may write, who is enrolled, open intents, checkpoints — is handed back as items, in
 * order, for LogVerifier.joinSegment to replay: the records that change or consult that state in full,
 * and for all others only where their station changes. A segment that finds anything wrong stops;
 * the caller then verifies the log one record at a time, so every finding reads as it always has.
 */

/** The perfect subtrees covering a range of leaves, largest first (CompactRange.frontier). */
export type Frontier = Array<{ hash: Uint8Array; height: number }>;

export type SegmentItem =
  /** From `seq` on, records that change no state are written by `stationId` (until the next item). */
  | { kind: 'writer'; seq: number; stationId: unknown }
  /** A record whose meaning depends on, or changes, what came before it in the log. */
  | { kind: 'event'; record: AuditRecord; known: KnownRecord }
  /** A checkpoint's tree size: the segment's subtrees up to it, and the time of the record at it. */
  | { kind: 'size'; seq: number; frontier: Frontier; time: string };

export interface SegmentSummary {
  firstSeq: number;
  count: number;
  firstPrevHash: string;
  firstTime: string;
  lastHash: string;
  lastTime: string;
  frontier: Frontier;
  items: SegmentItem[];
}

/** Records semanticProblem (verify-log.ts) reads beyond their station: replayed in full by the join. */
const EVENT_TYPES: ReadonlySet<KnownRecordType> = new Set<KnownRecordType>([
  'station.key',
  'participant.enrolled',
  'ceremony.witness-signoff',
  'witness.exception',
  'intent',
  'outcome',
  'audit.checkpoint',
  'audit.cosignature',
]);

const NO_RUN = Symbol('no run');

export class SegmentVerifier {
  private readonly records = new RecordChecker();
  private readonly tree = new CompactRange();
  private readonly items: SegmentItem[] = [];
  private runStation: unknown = NO_RUN;
  private eventChars = 0;
  private firstPrevHash = '';
  private firstTime = '';
  /** Set when the segment cannot vouch for its records; the caller then verifies the whole log in order. */
  problem: string | undefined;

  /**
   * `sizes`: the checkpoints' tree sizes (items are kept for those within the segment);
   * `maxEventChars`: the payload text the segment may hand back, so a hostile log of huge intents
   * cannot make one message unbounded (over it, the log is verified in order instead).
   */
  constructor(
    private readonly firstSeq: number,
    private readonly sizes: ReadonlySet<number>,
    private readonly maxEventChars: number,
  ) {}

  /** False when the segment stops (see `problem`). */
  add(r: AuditRecord, payloadText: string): boolean {
    if (this.problem !== undefined) return false;
    if (this.tree.size === 0) {
      if (typeof r.prevHash !== 'string' || !HASH_HEX.test(r.prevHash))
        return this.stop('the first record names no well-formed previous hash');
      this.records.lastHash = r.prevHash;
      this.firstPrevHash = r.prevHash;
      this.firstTime = String(r.time);
    }
    const checked = this.records.check(r, this.firstSeq + this.tree.size, payloadText);
    if ('reason' in checked) return this.stop(`record ${checked.seq}: ${checked.reason}`);
    this.tree.append(leafHash(this.records.lastDigest));
    this.records.accept(r);
    const known = checked.known;
    if (known !== null && EVENT_TYPES.has(known.type)) {
      this.eventChars += payloadText.length;
      if (this.eventChars > this.maxEventChars) return this.stop('too much to hand back');
      this.items.push({ kind: 'event', record: r, known });
      this.runStation = NO_RUN;
    } else if (r.stationId !== this.runStation) {
      this.items.push({ kind: 'writer', seq: r.seq, stationId: r.stationId });
      this.runStation = r.stationId;
    }
    if (this.sizes.has(r.seq))
      this.items.push({ kind: 'size', seq: r.seq, frontier: this.tree.frontier(), time: r.time });
    return true;
  }

  private stop(problem: string): false {
    this.problem = problem;
    return false;
  }

  summary(): SegmentSummary {
    return {
      firstSeq: this.firstSeq,
      count: this.tree.size,
      firstPrevHash: this.firstPrevHash,
      firstTime: this.firstTime,
      lastHash: this.records.lastHash,
      lastTime: this.records.lastTime,
      frontier: this.tree.frontier(),
      items: this.items,
    };
  }
}

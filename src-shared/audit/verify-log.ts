import { CompactRange, leafHash } from './merkle.js';
import type { KnownRecord } from './payload-schemas.js';
import type { AuditRecord } from './record.js';
import { RecordChecker } from './record-check.js';
import type { SegmentSummary } from './verify-segment.js';
import { type SignedCheckpoint, checkpointProblem } from './checkpoint.js';
import { cosignatureProblem, cosignerProblem } from './cosignature-rule.js';
import { spkiFingerprint } from '../digests.js';
import { type StationDeclaration, StationChain } from './station-chain.js';
import { witnessStatementProblem } from './witness-statement.js';

/** A participant's key as enrolled in the log, for the auditor to compare with what the person holds. */
export interface ParticipantKey {
  seq: number;
  name: string;
  role: string;
  fingerprint: string;
}

/** A witness's sign-off or exception, as the verifier found it: signed (and verified) or unsigned. */
export interface WitnessStatementCheck {
  seq: number;
  witnessId: string;
  kind: 'signoff' | 'exception';
  /** The enrolled key's fingerprint when the statement is signed (its signature verified); absent: unsigned. */
  fingerprint?: string;
}

export interface VerifyOk {
  ok: true;
  recordCount: number;
  rootHash: string;
  headHash: string;
  checkpointCount: number;
  /**
   * The unsealed tail: records after the newest checkpoint (other than that checkpoint's own
   * audit.checkpoint record, whose every field the checkpoint determines). No signature covers them.
   */
  uncheckpointedTail: number;
  trustedCheckpointSize?: number;
  /** Every station key the log declares, in order; with pins, whether each is trusted. */
  stations: StationDeclaration[];
  /** Every participant key enrolled in the log. */
  participantKeys: ParticipantKey[];
  /** Every witness statement, signed (verified against the witness's enrolled key) or unsigned (older logs). */
  witnessStatements: WitnessStatementCheck[];
  /** True when the auditor pinned stations and the newest checkpoint is signed by a trusted one. */
  pinned: boolean;
}

/** `firstBadSeq` is the first record found wrong; 0 when the problem is not tied to one record. */
export interface VerifyFailure {
  ok: false;
  firstBadSeq: number;
  reason: string;
}

export type VerifyResult = VerifyOk | VerifyFailure;

interface PendingCheckpoint {
  cp: SignedCheckpoint;
  problem: string | undefined;
  trusted: boolean;
  matchedByRecord: boolean;
}

function sizeOf(cp: unknown): number | undefined {
  const n = (cp as { treeSize?: unknown } | null)?.treeSize;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/**
 * Verifies a log one record at a time, in stored order, in O(log n) memory for the tree: the hash chain,
 * contiguous sequence numbers, non-decreasing time, every payload's schema and the secret guard, station
 * identity, intent/outcome pairing, and every checkpoint (signatures, co-signers enrolled in the log,
 * root equal to the tree at its size, matching its `audit.checkpoint` record), and every `audit.cosignature`
 * (names a checkpoint recorded earlier, by an enrolled signer with their key, over that checkpoint's
 * digest). A trusted checkpoint held
 * by the auditor must be a prefix of the log: this is what exposes a truncated or forked log.
 */
export class LogVerifier {
  private readonly tree = new CompactRange();
  private readonly bySize = new Map<number, PendingCheckpoint[]>();
  private readonly all: PendingCheckpoint[] = [];
  private readonly stations: StationChain;
  private readonly participantKeys: ParticipantKey[] = [];
  private readonly enrolled = new Map<string, string>();
  /** witnessId → the key the witness enrolled (their statements must be signed with it). */
  private readonly witnessKeys = new Map<string, string>();
  private readonly witnessStatements: WitnessStatementCheck[] = [];
  private readonly openIntents = new Set<number>();
  /** Checkpoints already recorded in the log, by tree size: what an `audit.cosignature` may name. */
  private readonly recordedCheckpoints = new Map<number, { cp: SignedCheckpoint; cosigners: Set<string> }>();
  private readonly records = new RecordChecker();
  private failure: VerifyFailure | undefined;
  private early: VerifyFailure | undefined;

  /**
   * `pinnedStations`: station key fingerprints (SHA-256 of the SPKI DER, hex) the auditor trusts; when
   * given, the newest checkpoint must be signed by one of them or by a station they introduced.
   */
  constructor(input: {
    checkpoints: readonly unknown[];
    trustedCheckpoint?: unknown;
    pinnedStations?: readonly string[];
  }) {
    this.stations = new StationChain(input.pinnedStations);
    const add = (cp: unknown, trusted: boolean): void => {
      const size = sizeOf(cp);
      const problem = checkpointProblem(cp);
      if (size === undefined) {
        this.early ??= {
          ok: false,
          firstBadSeq: 0,
          reason: `${trusted ? 'trusted ' : ''}checkpoint is malformed: ${problem ?? 'no tree size'}`,
        };
        return;
      }
      const p: PendingCheckpoint = { cp: cp as SignedCheckpoint, problem, trusted, matchedByRecord: trusted };
      this.all.push(p);
      const list = this.bySize.get(size) ?? [];
      list.push(p);
      this.bySize.set(size, list);
    };
    input.checkpoints.forEach((c) => add(c, false));
    if (input.trustedCheckpoint !== undefined) add(input.trustedCheckpoint, true);
  }

  get failed(): VerifyFailure | undefined {
    return this.failure ?? this.early;
  }

  /** Records a problem found outside the verifier (e.g. a row that cannot be decoded). */
  fail(seq: number, reason: string): VerifyFailure {
    this.failure ??= { ok: false, firstBadSeq: seq, reason };
    return this.failure;
  }

  /** `payloadText`: the payload's stored canonical text, if the caller has it (see recordHashInput). */
  add(r: AuditRecord, payloadText?: string): VerifyFailure | undefined {
    if (this.failed) return this.failed;
    const expected = this.tree.size + 1;
    const problem = this.recordProblem(r, expected, payloadText);
    if (problem) return this.fail(problem.seq, problem.reason);
    this.tree.append(leafHash(this.records.lastDigest));
    this.records.accept(r);
    const cps = this.bySize.get(this.tree.size);
    if (cps) {
      for (const p of cps) {
        const why = this.checkpointAtSizeProblem(p, this.tree.root().toString('hex'), r.time);
        if (why) return this.fail(r.seq, why);
      }
    }
    return undefined;
  }

  /** The tree sizes checkpoints are checked at: a segment hands back its tree at each of them. */
  get checkpointSizes(): number[] {
    return [...this.bySize.keys()];
  }

  /**
   * Continues the log with a segment verified elsewhere (verify-segment.ts): checks that it follows
   * on — its first record's sequence number, previous hash and time — and replays in order what needs
   * the log before it. False when anything is wrong or unproven, and the verifier is then spent: the
   * caller verifies the log record by record instead, which finds and words the problem exactly as
   * ever (this answers only whether the segment can be vouched for).
   */
  joinSegment(seg: SegmentSummary): boolean {
    if (this.failed || seg.count < 1 || seg.firstSeq !== this.tree.size + 1) return false;
    if (seg.firstPrevHash !== this.records.lastHash || seg.firstTime < this.records.lastTime) return false;
    try {
      const before = this.tree.copy();
      for (const item of seg.items) {
        if (item.kind === 'writer') {
          if (this.stations.writerProblem({ stationId: item.stationId as string })) return false;
        } else if (item.kind === 'event') {
          if (this.semanticProblem(item.record, item.known)) return false;
        } else {
          const tree = before.copy();
          for (const f of item.frontier) tree.appendSubtree(asBuffer(f.hash), f.height);
          if (tree.size !== item.seq) return false;
          const root = tree.root().toString('hex');
          for (const p of this.bySize.get(item.seq) ?? [])
            if (this.checkpointAtSizeProblem(p, root, item.time)) return false;
        }
      }
      for (const f of seg.frontier) this.tree.appendSubtree(asBuffer(f.hash), f.height);
    } catch {
      return false;
    }
    if (this.tree.size !== seg.firstSeq - 1 + seg.count) return false;
    this.records.lastHash = seg.lastHash;
    this.records.lastTime = seg.lastTime;
    return true;
  }

  private recordProblem(
    r: AuditRecord,
    expected: number,
    payloadText: string | undefined,
  ): { seq: number; reason: string } | undefined {
    const checked = this.records.check(r, expected, payloadText);
    if ('reason' in checked) return checked;
    return this.semanticProblem(r, checked.known);
  }

  private semanticProblem(
    r: AuditRecord,
    k: KnownRecord | null,
  ): { seq: number; reason: string } | undefined {
    const at = (reason: string): { seq: number; reason: string } => ({ seq: r.seq, reason });
    const station =
      k?.type === 'station.key' ? this.stations.declare(r, k.payload) : this.stations.writerProblem(r);
    if (station) return at(station);
    if (k?.type === 'participant.enrolled' && k.payload.publicKey !== undefined) {
      this.enrolled.set(k.payload.name, k.payload.publicKey);
      this.participantKeys.push({
        seq: r.seq,
        name: k.payload.name,
        role: k.payload.role,
        fingerprint: spkiFingerprint(k.payload.publicKey),
      });
      if (k.payload.role === 'witness' && k.payload.witnessId !== undefined)
        this.witnessKeys.set(k.payload.witnessId, k.payload.publicKey);
    }
    if (k?.type === 'ceremony.witness-signoff' || k?.type === 'witness.exception') {
      const why = this.witnessStatementProblem(r, k);
      if (why) return at(`witness statement record ${r.seq} (${r.type}): ${why}`);
    }
    if (k?.type === 'intent') this.openIntents.add(r.seq);
    if (k?.type === 'outcome') {
      const of = k.payload.intentSeq;
      if (!this.openIntents.delete(of))
        return at(`outcome refers to record ${of}, which is not an open intent`);
    }
    if (k?.type === 'audit.checkpoint') {
      const { treeSize: size, rootHash, stationSignature } = k.payload;
      const match = (this.bySize.get(size) ?? []).find(
        (c) => !c.trusted && c.cp.rootHash === rootHash && c.cp.stationSignature === stationSignature,
      );
      if (!match)
        return at(`the checkpoint at tree size ${size} recorded here is missing from the checkpoints table`);
      if (size !== r.seq - 1) return at('checkpoint record does not directly follow the tree it signs');
      const copy = checkpointRecordMismatch(r, match.cp);
      if (copy) return at(`the checkpoint record at tree size ${size} ${copy}`);
      match.matchedByRecord = true;
      this.recordedCheckpoints.set(size, { cp: match.cp, cosigners: new Set() });
    }
    if (k?.type === 'audit.cosignature') {
      const why = this.cosignatureProblem(r, k.payload);
      if (why) return at(`co-signature record ${r.seq}: ${why}`);
    }
    return undefined;
  }

  /** A witness's sign-off or exception: signed with the key they enrolled, over this statement at this place. */
  private witnessStatementProblem(
    r: AuditRecord,
    k: Extract<KnownRecord, { type: 'ceremony.witness-signoff' | 'witness.exception' }>,
  ): string | undefined {
    const p = k.payload;
    const witnessId = p.witnessId;
    if (witnessId === undefined)
      return p.signature === undefined && p.publicKey === undefined
        ? undefined
        : 'a signed statement must name its witness (witnessId)';
    const enrolledKey = this.witnessKeys.get(witnessId);
    const why = witnessStatementProblem(
      k.type === 'ceremony.witness-signoff'
        ? { ceremonyId: r.ceremonyId, witnessId, kind: 'signoff', chainHead: r.prevHash }
        : {
            ceremonyId: r.ceremonyId,
            witnessId,
            kind: 'exception',
            ...(k.payload.stepId !== undefined ? { stepId: k.payload.stepId } : {}),
            text: k.payload.text,
            chainHead: r.prevHash,
          },
      p,
      enrolledKey,
    );
    if (why) return why;
    this.witnessStatements.push({
      seq: r.seq,
      witnessId,
      kind: k.type === 'ceremony.witness-signoff' ? 'signoff' : 'exception',
      ...(p.signature !== undefined && enrolledKey !== undefined
        ? { fingerprint: spkiFingerprint(enrolledKey) }
        : {}),
    });
    return undefined;
  }

  /** A custodian's co-signature of an earlier checkpoint, under the one rule the store also applies. */
  private cosignatureProblem(
    r: AuditRecord,
    p: Extract<KnownRecord, { type: 'audit.cosignature' }>['payload'],
  ): string | undefined {
    const why = cosignatureProblem(r.ceremonyId, p, {
      checkpoint: (size, root) => {
        const recorded = this.recordedCheckpoints.get(size)?.cp;
        return recorded?.rootHash === root ? recorded : undefined;
      },
      enrolledKey: (signer) => this.enrolled.get(signer),
      alreadyCosigned: (size, signer) => this.recordedCheckpoints.get(size)?.cosigners.has(signer) === true,
    });
    if (!why) this.recordedCheckpoints.get(p.treeSize)?.cosigners.add(p.signer);
    return why;
  }

  /** `root`: the tree's root (hex) at the checkpoint's size; `lastTime`: the time of the record at it. */
  private checkpointAtSizeProblem(p: PendingCheckpoint, root: string, lastTime: string): string | undefined {
    const label = p.trusted ? 'trusted checkpoint' : `checkpoint at tree size ${p.cp.treeSize}`;
    if (p.problem) return `${label}: ${p.problem}`;
    if (p.cp.rootHash !== root) {
      return p.trusted
        ? `the log does not extend the trusted checkpoint: its first ${p.cp.treeSize} records differ (forked or rewritten)`
        : `${label} does not match the log's Merkle root (records altered, removed or reordered)`;
    }
    const signer = this.stations.signerProblem(p.cp.stationId, p.cp.stationPublicKey);
    if (signer) return `${label} ${signer}`;
    if (p.cp.time < lastTime) return `${label} is older than the records it covers`;
    for (const co of p.cp.cosignatures) {
      const who = cosignerProblem(co.signer, co.publicKey, this.enrolled.get(co.signer));
      if (who) return `${label} is co-signed, but ${who}`;
    }
    return undefined;
  }

  finish(): VerifyResult {
    if (this.failed) return this.failed;
    const n = this.tree.size;
    for (const p of this.all) {
      if (p.cp.treeSize > n) {
        return this.fail(
          n + 1,
          p.trusted
            ? `the log has ${n} records but the trusted checkpoint covers ${p.cp.treeSize}: records were removed or lost`
            : `a checkpoint covers ${p.cp.treeSize} records but the log has ${n}: records were removed or lost`,
        );
      }
      if (!p.matchedByRecord)
        return this.fail(
          p.cp.treeSize + 1,
          `the checkpoint at tree size ${p.cp.treeSize} has no audit.checkpoint record in the log`,
        );
    }
    const own = this.all.filter((p) => !p.trusted);
    const newest = own.reduce<PendingCheckpoint | undefined>(
      (m, p) => (m === undefined || p.cp.treeSize > m.cp.treeSize ? p : m),
      undefined,
    );
    const pinProblem = this.pinProblem(newest);
    if (pinProblem) return this.fail(pinProblem.seq, pinProblem.reason);
    const trusted = this.all.find((p) => p.trusted);
    return {
      ok: true,
      recordCount: n,
      rootHash: this.tree.root().toString('hex'),
      headHash: this.records.lastHash,
      checkpointCount: own.length,
      // A matched checkpoint's audit.checkpoint record directly follows it (checked in semanticProblem).
      uncheckpointedTail: newest ? n - newest.cp.treeSize - 1 : n,
      ...(trusted ? { trustedCheckpointSize: trusted.cp.treeSize } : {}),
      stations: this.stations.declarations,
      participantKeys: this.participantKeys,
      witnessStatements: this.witnessStatements,
      pinned: this.stations.pinned,
    };
  }

  /**
   * With pinned stations, the newest checkpoint (which covers every record before it) must be signed by
   * a pinned station or one it introduced; otherwise nothing in the log is vouched for by a trusted key.
   */
  private pinProblem(newest: PendingCheckpoint | undefined): { seq: number; reason: string } | undefined {
    if (!this.stations.pinned) return undefined;
    const decls = this.stations.declarations;
    const first = decls[0];
    if (!first) return { seq: 0, reason: 'the log declares no station key' };
    if (!newest)
      return {
        seq: 0,
        reason: 'the log has no signed checkpoint, so no pinned station vouches for any of it',
      };
    const signer = decls.find((d) => d.stationId === newest.cp.stationId);
    if (signer?.trusted) return undefined;
    return {
      seq: first.seq,
      reason: `the log is signed by station ${newest.cp.stationId} (fingerprint ${signer?.fingerprint ?? spkiFingerprint(newest.cp.stationPublicKey)}), which is not a station you pinned nor one introduced by it`,
    };
  }
}

/** A hash as a Buffer: one that crossed from a worker arrives as a plain Uint8Array. */
function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** The audit.checkpoint record repeats its checkpoint; nothing in it may differ (it is not signed itself). */
function checkpointRecordMismatch(r: AuditRecord, cp: SignedCheckpoint): string | undefined {
  const p = r.payload;
  const cosigners = cp.cosignatures.map((c) => c.signer);
  if (p['time'] !== cp.time) return 'gives another time than its checkpoint';
  if (r.ceremonyId !== cp.ceremonyId) return 'names another ceremony than its checkpoint';
  if (r.stationId !== cp.stationId) return 'is written by another station than the one that signed it';
  const listed = p['cosigners'] as unknown[];
  if (listed.length !== cosigners.length || listed.some((c, i) => c !== cosigners[i]))
    return 'lists other co-signers than its checkpoint';
  return undefined;
}

/** Verifies a whole log held in memory (see LogVerifier for what is checked). */
export function verifyLog(input: {
  records: readonly AuditRecord[];
  checkpoints: readonly SignedCheckpoint[];
  trustedCheckpoint?: SignedCheckpoint;
  pinnedStations?: readonly string[];
}): VerifyResult {
  const v = new LogVerifier({
    checkpoints: input.checkpoints,
    ...(input.trustedCheckpoint ? { trustedCheckpoint: input.trustedCheckpoint } : {}),
    ...(input.pinnedStations ? { pinnedStations: input.pinnedStations } : {}),
  });
  for (const r of input.records) if (v.add(r)) break;
  return v.finish();
}

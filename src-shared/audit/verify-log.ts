import { HASH_HEX, ZERO_HASH } from './hashing.js';
import { CompactRange, leafHash } from './merkle.js';
import { readPayload, type KnownRecord } from './payload-schemas.js';
import { type AuditRecord, TIME_FORMAT, checkedRecordDigest, recordDigest } from './record.js';
import { findSecretLookingField } from './secret-guard.js';
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
  private lastHash = ZERO_HASH;
  /** The 32 bytes of the record hash recordProblem just proved: the Merkle leaf is hashed from them, not from hex. */
  private lastDigest: Buffer = Buffer.alloc(0);
  private lastTime = '';
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
    this.tree.append(leafHash(this.lastDigest));
    this.lastHash = r.hash;
    this.lastTime = r.time;
    const cps = this.bySize.get(this.tree.size);
    if (cps) {
      for (const p of cps) {
        const why = this.checkpointAtSizeProblem(p, r);
        if (why) return this.fail(r.seq, why);
      }
    }
    return undefined;
  }

  private recordProblem(
    r: AuditRecord,
    expected: number,
    payloadText: string | undefined,
  ): { seq: number; reason: string } | undefined {
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
      digest = payloadText === undefined ? recordDigest(r, payloadText) : checkedRecordDigest(r, payloadText);
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
    return this.semanticProblem(r, read.known);
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

  private checkpointAtSizeProblem(p: PendingCheckpoint, last: AuditRecord): string | undefined {
    const label = p.trusted ? 'trusted checkpoint' : `checkpoint at tree size ${p.cp.treeSize}`;
    if (p.problem) return `${label}: ${p.problem}`;
    if (p.cp.rootHash !== this.tree.root().toString('hex')) {
      return p.trusted
        ? `the log does not extend the trusted checkpoint: its first ${p.cp.treeSize} records differ (forked or rewritten)`
        : `${label} does not match the log's Merkle root (records altered, removed or reordered)`;
    }
    const signer = this.stations.signerProblem(p.cp.stationId, p.cp.stationPublicKey);
    if (signer) return `${label} ${signer}`;
    if (p.cp.time < last.time) return `${label} is older than the records it covers`;
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
      headHash: this.lastHash,
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

import type { AuditRecord } from '../../src-shared/audit/record.js';
import { outputProblems } from './join-outputs.js';

/**
 * One ceremony across the two logs of a split ceremony (`keyrite audit verify A.db --join B.db`).
 * Each log is verified on its own first; this module only compares what the two logs say about each
 * other: the same ceremony and plan, one online and one offline station, and every bundle one station
 * wrote accepted by the other under the same digest (and nothing accepted that the other never wrote),
 * and the outputs for other clouds the online station shows exactly as the offline station logged them.
 * It reads records only, so it can be tested on any pair of record lists.
 */

export type BundleKind = 'request' | 'response';

export interface BundleWrite {
  kind: BundleKind;
  sequence: number;
  /** Undefined when the station stopped between writing the bundle and recording its digest. */
  digest?: string;
  /** The import parameters it carried (a later bundle with other ones supersedes it). */
  importTokenDigest: string;
  intentSeq: number;
}

export interface BundleAccept {
  kind: BundleKind;
  sequence: number;
  digest: string;
  stationFingerprint: string;
  seq: number;
}

export interface StationSide {
  path: string;
  role?: 'online' | 'offline';
  ceremonyId?: string;
  planDigest?: string;
  /** Every station key fingerprint the log declares (verify-log's stations), newest last. */
  fingerprints: string[];
  written: BundleWrite[];
  accepted: BundleAccept[];
  /** Bundles this station read and refused, by digest when it could compute one. */
  refused: { code: string; digest?: string; seq: number }[];
  /** The outputs for other clouds this log records (`wrap.output` payloads; online: relayed ones). */
  outputs: Record<string, unknown>[];
}

/** A bundle as both logs see it, for the report. */
export interface JoinedBundle {
  kind: BundleKind;
  sequence: number;
  digest: string;
  writer: 'online' | 'offline';
  /** What the reader did with it, or why the pair is still consistent. */
  fate: 'accepted' | 'refused' | 'accepted (write not recorded)' | 'superseded by new import parameters';
}

export interface JoinResult {
  ok: boolean;
  problems: string[];
  bundles: JoinedBundle[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const kindOf = (v: unknown): BundleKind => (v === 'response' ? 'response' : 'request');

/** Collects what one verified log says about the ceremony and its bundles. */
export function sideOf(path: string, records: readonly AuditRecord[], fingerprints: string[]): StationSide {
  const side: StationSide = { path, fingerprints, written: [], accepted: [], refused: [], outputs: [] };
  const writes = new Map<number, BundleWrite>();
  for (const r of records) {
    const p = r.payload;
    if (r.type === 'ceremony.started' && side.ceremonyId === undefined) {
      side.ceremonyId = r.ceremonyId;
      const planDigest = str(p['planDigest']);
      if (planDigest) side.planDigest = planDigest;
      const station = p['station'];
      if (station === 'online' || station === 'offline') side.role = station;
    } else if (r.type === 'intent' && p['action'] === 'media.write-bundle') {
      const d = p['details'] as Record<string, unknown>;
      writes.set(r.seq, {
        kind: kindOf(d['kind']),
        sequence: num(d['sequence']),
        importTokenDigest: str(d['importTokenDigest']) ?? '',
        intentSeq: r.seq,
      });
    } else if (r.type === 'outcome' && p['action'] === 'media.write-bundle') {
      const w = writes.get(num(p['intentSeq']));
      const digest = str((p['details'] as Record<string, unknown>)['bundleDigest']);
      if (!w) continue;
      const details = p['details'] as Record<string, unknown>;
      // A failed write put nothing on the medium that can be read as this bundle; one settled by
      // recovery ('reconciled': the station stopped before recording it) may be there, digest unknown.
      if (p['ok'] !== true && !('reconciled' in details)) writes.delete(w.intentSeq);
      else if (digest) w.digest = digest;
    } else if (r.type === 'bundle.accepted') {
      side.accepted.push({
        kind: kindOf(p['kind']),
        sequence: num(p['sequence']),
        digest: str(p['bundleDigest']) ?? '',
        stationFingerprint: str(p['stationFingerprint']) ?? '',
        seq: r.seq,
      });
    } else if (r.type === 'wrap.output') {
      side.outputs.push(p);
    } else if (r.type === 'bundle.refused') {
      const digest = str(p['bundleDigest']);
      side.refused.push({ code: str(p['code']) ?? '', ...(digest ? { digest } : {}), seq: r.seq });
    }
  }
  side.written = [...writes.values()];
  return side;
}

const label = (kind: BundleKind, sequence: number) => `the ${kind} bundle number ${sequence}`;

/** The checks between two sides; `describe` names a bundle with its digest as the caller shows it. */
export function joinSides(
  a: StationSide,
  b: StationSide,
  describe: (digest: string) => string = (d) => d,
): JoinResult {
  const problems: string[] = [];
  for (const s of [a, b]) {
    if (s.ceremonyId === undefined) problems.push(`${s.path} holds no ceremony (no ceremony.started record)`);
    else if (s.role === undefined)
      problems.push(`${s.path} is not one station of a split ceremony (its ceremony names no station)`);
  }
  if (problems.length > 0) return { ok: false, problems, bundles: [] };
  if (a.ceremonyId !== b.ceremonyId)
    problems.push(
      `not one ceremony: ${a.path} is ceremony ${a.ceremonyId}, ${b.path} is ceremony ${b.ceremonyId}`,
    );
  if (a.planDigest !== b.planDigest)
    problems.push(`the plans differ: ${a.path} ran plan digest ${a.planDigest}, ${b.path} ${b.planDigest}`);
  if (a.role === b.role)
    problems.push(`both logs are the ${a.role} station's: join the online log with the offline one`);
  if (a.fingerprints.some((f) => b.fingerprints.includes(f)))
    problems.push('both logs are signed by the same station key: one ceremony has two stations');
  if (problems.length > 0) return { ok: false, problems, bundles: [] };
  const bundles: JoinedBundle[] = [];
  for (const [writer, reader] of [
    [a, b],
    [b, a],
  ] as const)
    matchBundles(writer, reader, problems, bundles, describe);
  const [online, offline] = a.role === 'online' ? [a, b] : [b, a];
  problems.push(...outputProblems(online, offline));
  bundles.sort((x, y) => (x.kind === y.kind ? x.sequence - y.sequence : x.kind === 'request' ? -1 : 1));
  return { ok: problems.length === 0, problems, bundles };
}

function matchBundles(
  writer: StationSide,
  reader: StationSide,
  problems: string[],
  bundles: JoinedBundle[],
  describe: (digest: string) => string,
): void {
  const w = writer.role!;
  const r = reader.role!;
  for (const acc of reader.accepted) {
    const name = `${label(acc.kind, acc.sequence)} (digest ${describe(acc.digest)})`;
    if (!writer.fingerprints.includes(acc.stationFingerprint))
      problems.push(
        `the ${r} station accepted ${name} from station ${acc.stationFingerprint}, but the ${w} log is signed by station ${writer.fingerprints.at(-1) ?? '(none)'}`,
      );
    const wrote = writer.written.find((x) => x.kind === acc.kind && x.sequence === acc.sequence);
    if (!wrote) {
      problems.push(`unknown bundle: the ${r} station accepted ${name}, which the ${w} station never wrote`);
    } else if (wrote.digest === undefined) {
      // The writer stopped between writing and recording; the reader checked the signature of the
      // writer's station key, and the writer's recovery writes the next bundle under a new number.
      bundles.push({ ...pick(acc), writer: w, fate: 'accepted (write not recorded)' });
    } else if (wrote.digest !== acc.digest) {
      problems.push(
        `altered bundle: the ${r} station accepted ${name}, but the ${w} station wrote it with digest ${describe(wrote.digest)}`,
      );
    } else {
      bundles.push({ ...pick(acc), writer: w, fate: 'accepted' });
    }
  }
  for (const wrote of writer.written) {
    if (wrote.digest === undefined) continue;
    if (reader.accepted.some((x) => x.kind === wrote.kind && x.sequence === wrote.sequence)) continue;
    const name = `${label(wrote.kind, wrote.sequence)} (digest ${describe(wrote.digest)})`;
    if (reader.refused.some((x) => x.digest === wrote.digest)) {
      bundles.push({
        kind: wrote.kind,
        sequence: wrote.sequence,
        digest: wrote.digest,
        writer: w,
        fate: 'refused',
      });
      continue;
    }
    // The parameters expired before it was read: the writer rewound and wrote one for new parameters.
    if (
      writer.written.some(
        (x) =>
          x.kind === wrote.kind &&
          x.sequence > wrote.sequence &&
          x.importTokenDigest !== wrote.importTokenDigest,
      )
    ) {
      bundles.push({
        kind: wrote.kind,
        sequence: wrote.sequence,
        digest: wrote.digest,
        writer: w,
        fate: 'superseded by new import parameters',
      });
      continue;
    }
    problems.push(
      `missing bundle: the ${w} station wrote ${name}, and the ${r} station has no record of reading it (not carried across yet, lost, or its record removed)`,
    );
  }
}

const pick = (acc: BundleAccept) => ({ kind: acc.kind, sequence: acc.sequence, digest: acc.digest });

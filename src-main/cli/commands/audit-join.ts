import { toWords } from '../../../src-shared/words/pgp-words.js';
import { HASH_HEX } from '../../../src-shared/audit/hashing.js';
import { joinSides, sideOf, type StationSide } from '../../audit/join-logs.js';
import { openLogReadOnly } from '../../audit/opened-log.js';
import type { CliIO } from '../io.js';
import { printLogVerification } from './audit-verify-print.js';

/**
 * `keyrite audit verify A.db --join B.db`: the two logs of a split ceremony as one ceremony. Each
 * log must verify on its own (with the pins given, which may name both stations); then the bundles
 * one station wrote must be the ones the other accepted, digest for digest. Exit 0 joined, 1 not.
 * Unreadable files throw (exit 2 at the caller).
 */
export function verifyJoined(
  paths: [string, string],
  pins: readonly string[] | undefined,
  sqliteCheck: 'quick' | 'deep',
  requireSealed: boolean,
  io: CliIO,
): number {
  const sides: StationSide[] = [];
  let failed = false;
  for (const p of paths) {
    // One private evidence copy per log: the verification and the records are of the same bytes.
    const log = openLogReadOnly(p, pins, sqliteCheck);
    if (!printLogVerification(io, p, log.verification, requireSealed)) {
      failed = true;
      continue;
    }
    const { result } = log.verification;
    if (!result.ok) continue;
    sides.push(
      sideOf(
        p,
        log.records,
        result.stations.map((s) => s.fingerprint),
      ),
    );
  }
  if (failed) {
    io.out('split ceremony NOT joined: a log failed verification on its own');
    return 1;
  }
  const [a, b] = sides as [StationSide, StationSide];
  // Digests come from the logs: those after the newest checkpoint are chained, not signed, so a
  // malformed one is named (quoted) as a problem of the join rather than thrown while printing it.
  const shown = (d: string) => (HASH_HEX.test(d) ? d : JSON.stringify(d.slice(0, 80)));
  const wordsOf = (d: string) => (HASH_HEX.test(d) ? toWords(d) : '(not a SHA-256 digest)');
  const shortWords = (d: string) => `${shown(d)} (${wordsOf(d)})`;
  const join = joinSides(a, b, shortWords);
  io.out(`${join.ok ? 'split ceremony joined' : 'split ceremony NOT joined'}: ${a.ceremonyId ?? '?'}`);
  if (a.planDigest) io.out(`  plan digest: ${a.planDigest}`);
  for (const s of [a, b].sort((x, y) => (x.role === 'online' ? -1 : y.role === 'online' ? 1 : 0))) {
    const fp = s.fingerprints.at(-1) ?? '';
    io.out(`  ${s.role ?? 'unknown'} station: ${s.path}`);
    io.out(`    fingerprint: ${fp}`);
    io.out(`    words:       ${fp ? toWords(fp) : ''}`);
  }
  for (const x of join.bundles) {
    const reader = x.writer === 'online' ? 'offline' : 'online';
    const fate =
      x.fate === 'superseded by new import parameters' ? x.fate : `${x.fate} by the ${reader} station`;
    io.out(`  ${x.kind} bundle number ${x.sequence}: written by the ${x.writer} station, ${fate}`);
    io.out(`    digest: ${shown(x.digest)}`);
    io.out(`    words:  ${wordsOf(x.digest)}`);
    if (x.fate === 'accepted (write not recorded)')
      io.out(
        `    note: the ${x.writer} station stopped between writing this bundle and recording its digest`,
      );
  }
  for (const p of join.problems) io.out(`  problem: ${p}`);
  return join.ok ? 0 : 1;
}

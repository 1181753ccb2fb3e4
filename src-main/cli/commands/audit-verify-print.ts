import type { VerifyOk } from '../../../src-shared/audit/verify-log.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import type { DatabaseVerification } from '../../audit/verify-database.js';
import type { CliIO } from '../io.js';

function printIdentity(io: CliIO, result: VerifyOk): void {
  for (const s of result.stations) {
    io.out(
      `  station ${s.stationId} (declared at record ${s.seq}${s.introducedBy ? `, introduced by station ${s.introducedBy}` : ''})`,
    );
    io.out(`    fingerprint: ${s.fingerprint}`);
    io.out(`    words:       ${toWords(s.fingerprint)}`);
    if (result.pinned)
      io.out(`    trusted:     ${s.trusted ? 'yes (pinned, or introduced by a pinned station)' : 'no'}`);
  }
  if (!result.pinned)
    io.out(
      '  note: no station pinned — compare the fingerprint above with the one the station shows, or pass --station FINGERPRINT',
    );
  for (const k of result.participantKeys)
    io.out(
      `  ${k.role || 'participant'} ${k.name} enrolled at record ${k.seq}: key fingerprint ${k.fingerprint}`,
    );
  for (const w of result.witnessStatements)
    io.out(
      `  witness ${w.witnessId} ${w.kind === 'signoff' ? 'sign-off' : 'exception'} at record ${w.seq}: ${w.fingerprint ? `signature verified (key fingerprint ${w.fingerprint})` : 'unsigned (log from before witness keys)'}`,
    );
}

/**
 * What `keyrite audit verify` says of one log, and `--join` of each of its two: intact or failed (the
 * first bad record and why), records, root, the stations and keys it declares, the unsealed tail.
 * True when the log passes (with --require-sealed, only without an unsealed tail).
 */
export function printLogVerification(
  io: CliIO,
  db: string,
  outcome: DatabaseVerification,
  requireSealed: boolean,
): boolean {
  const { result, warnings, badRecord } = outcome;
  for (const w of warnings) io.err(`keyrite: warning: ${db}: ${w}`);
  if (!result.ok) {
    io.out(`audit log FAILED verification: ${db}`);
    io.out(
      result.firstBadSeq > 0
        ? `  first bad record: ${result.firstBadSeq}`
        : '  problem is not tied to one record',
    );
    io.out(`  why: ${result.reason}`);
    if (badRecord) {
      // As stored, which may itself be the altered part; JSON quoting keeps control characters visible.
      io.out(
        `  as stored: time ${JSON.stringify(badRecord.time)}, ceremony ${JSON.stringify(badRecord.ceremonyId)}, actor ${JSON.stringify(badRecord.actor)}, type ${JSON.stringify(badRecord.type)}`,
      );
    }
    return false;
  }
  const sealedFail = requireSealed && result.uncheckpointedTail > 0;
  io.out(`${sealedFail ? 'audit log FAILED verification' : 'audit log intact'}: ${db}`);
  io.out(`  records: ${result.recordCount}, signed checkpoints: ${result.checkpointCount}`);
  if (outcome.parallel)
    io.out(
      `  checked in ${outcome.parallel.segments} segments on ${outcome.parallel.workers} worker threads`,
    );
  io.out(`  merkle root: ${result.rootHash}`);
  io.out(`  root words:  ${toWords(result.rootHash)}`);
  printIdentity(io, result);
  if (result.trustedCheckpointSize !== undefined)
    io.out(`  extends your checkpoint at tree size ${result.trustedCheckpointSize}: yes`);
  if (result.uncheckpointedTail > 0) {
    const from = result.recordCount - result.uncheckpointedTail + 1;
    io.out(
      `  unsealed tail: records ${from}–${result.recordCount} (${result.uncheckpointedTail}) follow the newest checkpoint; no station signature covers them, so whoever can write the file could have added or changed them`,
    );
  }
  if (sealedFail) {
    io.out('  why: --require-sealed, and the log has an unsealed tail');
    return false;
  }
  return true;
}

import { parseArgs } from 'node:util';
import { KeyriteError } from '../../../src-shared/errors.js';
import { normalizeFingerprint } from '../../../src-shared/audit/station-chain.js';
import { verifyDatabaseParallel } from '../../audit/verify-database.js';
import { readBoundedText } from '../../media/bounded-file.js';
import { type CliIO, reportError, usageError } from '../io.js';
import { verifyJoined } from './audit-join.js';
import { printLogVerification } from './audit-verify-print.js';

export const verifyUsage = `keyrite audit verify DB [--join DB2] [--checkpoint FILE] [--station FINGERPRINT]... [--trusted-stations FILE] [--require-sealed] [--deep]

  verify      checks the log from its bytes alone (read-only, no station key needed): hash chain,
              Merkle tree, checkpoint signatures, schemas, and the station's identity: a new station
              key counts only if the previous station key introduced it. Prints the station's
              fingerprint (hex and words) and every key the log declares.
    --join DB2               the other station's log of a split ceremony: both must verify, be one
                             ceremony (same id and plan digest, one online and one offline station),
                             and every bundle one station wrote must be the one the other accepted,
                             digest for digest; a missing, altered or unknown bundle fails, named
                             with its kind, number and digest (hex and words)
    --checkpoint FILE        a checkpoint you kept earlier (keyrite audit checkpoint): the log must
                             extend it, so a truncated, rewritten or forked log fails
    --station FINGERPRINT    the station's key fingerprint as the station showed it (repeatable): the
                             log's newest checkpoint must be signed by it or by a station it introduced
    --trusted-stations FILE  fingerprints to pin, one per line (# starts a comment)
    --require-sealed         fail when records follow the newest checkpoint (an unsealed tail)
    --deep                   SQLite's full integrity_check (every index against its table) instead of
                             quick_check (every page and record); slower on large logs
              Exit 0 intact, 1 anything wrong, 2 unreadable.

example:
  keyrite audit verify ceremony/audit.db --checkpoint kept-checkpoint.json --station 3f9a…(64 hex digits)
  keyrite audit verify online/audit.db --join offline/audit.db`;

/** Reads one pinned fingerprint per line; a line may carry a label after the fingerprint. */
function readTrustedStations(file: string): string[] {
  let text: string;
  try {
    text = readBoundedText(file, 'trusted-stations');
  } catch (e) {
    throw new KeyriteError(
      'TRUSTED_STATIONS_UNREADABLE',
      e instanceof KeyriteError ? e.message : `cannot read the trusted-stations file ${file}`,
      'one station key fingerprint (64 hex digits) per line',
      { cause: e },
    );
  }
  const pins: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const fp = normalizeFingerprint(line.split(/\s+/)[0] ?? '');
    if (!fp)
      throw new KeyriteError(
        'TRUSTED_STATIONS_INVALID',
        `line ${i + 1} of ${file} is not a station key fingerprint`,
        'one fingerprint (64 hex digits, as the station shows it) per line, optionally followed by a label',
      );
    pins.push(fp);
  });
  if (pins.length === 0)
    throw new KeyriteError(
      'TRUSTED_STATIONS_INVALID',
      `${file} names no station`,
      'one station key fingerprint (64 hex digits) per line',
    );
  return pins;
}

function readCheckpointFile(file: string): unknown {
  let text: string;
  try {
    text = readBoundedText(file, 'checkpoint');
  } catch (e) {
    throw new KeyriteError(
      'CHECKPOINT_UNREADABLE',
      e instanceof KeyriteError ? e.message : `cannot read checkpoint file ${file}`,
      'pass the file written by keyrite audit checkpoint',
      { cause: e },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON: verification reports it as a malformed trusted checkpoint (exit 1).
    return { malformed: true };
  }
}

export async function verify(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      checkpoint: { type: 'string' },
      station: { type: 'string', multiple: true },
      'trusted-stations': { type: 'string' },
      'require-sealed': { type: 'boolean', default: false },
      deep: { type: 'boolean', default: false },
      join: { type: 'string' },
    },
    allowPositionals: true,
  });
  const [db, ...extra] = positionals;
  if (db === undefined || extra.length > 0)
    throw usageError('audit verify takes one database path', verifyUsage);
  let outcome;
  try {
    const pins = (values.station ?? []).map((s) => {
      const fp = normalizeFingerprint(s);
      if (!fp) throw usageError(`--station ${s} is not a key fingerprint (64 hex digits)`, verifyUsage);
      return fp;
    });
    if (values['trusted-stations']) pins.push(...readTrustedStations(values['trusted-stations']));
    if (values.join !== undefined) {
      if (values.checkpoint !== undefined)
        throw usageError(
          '--checkpoint applies to one log: verify each log with its own checkpoint',
          verifyUsage,
        );
      return verifyJoined(
        [db, values.join],
        pins.length > 0 ? pins : undefined,
        values.deep ? 'deep' : 'quick',
        values['require-sealed'] ?? false,
        io,
      );
    }
    const trusted = values.checkpoint === undefined ? undefined : readCheckpointFile(values.checkpoint);
    outcome = await verifyDatabaseParallel(
      db,
      trusted,
      pins.length > 0 ? pins : undefined,
      values.deep ? 'deep' : 'quick',
    );
  } catch (e) {
    return reportError(io, e, 2);
  }
  return printLogVerification(io, db, outcome, values['require-sealed'] ?? false) ? 0 : 1;
}

import type Database from 'better-sqlite3';
import { KeyriteError } from '../../src-shared/errors.js';
import { LogVerifier, type VerifyResult } from '../../src-shared/audit/verify-log.js';
import { MAX_FIELD_BYTES } from '../../src-shared/audit/record-limits.js';
import { type SqliteCheck, openAuditDatabaseReadOnly } from './database.js';
import { withEvidenceCopy, withEvidenceCopyAsync } from './evidence-snapshot.js';
import { readCheckpointRows, readStoredRecords, storedCheckpointRows } from './read-log.js';
import { planSegments, runSegments } from './verify-parallel.js';

export interface DatabaseVerification {
  result: VerifyResult;
  /** Facts an auditor should know that are not failures (e.g. append-only triggers missing). */
  warnings: string[];
  /** The stored row at the first bad sequence number, when there is one, so people can see what it was. */
  badRecord?: { seq: number; time: string; ceremonyId: string; actor: string; type: string };
  /** Set when the log was verified in segments on worker threads (verifyDatabaseParallel). */
  parallel?: { segments: number; workers: number };
}

/** Thrown when the file cannot be read at all (missing, not SQLite, no permission): exit 2, not 1. */
export function unreadable(path: string, cause: unknown): KeyriteError {
  return new KeyriteError(
    'AUDIT_DB_UNREADABLE',
    `cannot read ${path} as an audit database`,
    'check the path, that the file is a Keyrite audit.db and that you may read it',
    { cause },
  );
}

function sqliteCode(e: unknown): string {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : '';
}

/**
 * Verifies an audit database from its bytes alone: no station key, and read from a private copy so
 * nothing beside the evidence is created or changed (it may sit on read-only media).
 * Corruption that SQLite itself notices is a verification failure, not an unreadable file.
 */
export function verifyDatabase(
  path: string,
  trustedCheckpoint?: unknown,
  pinnedStations?: readonly string[],
  sqliteCheck: SqliteCheck = 'quick',
): DatabaseVerification {
  return withEvidenceCopy(path, (copy) =>
    verifyCopy(copy, path, trustedCheckpoint, pinnedStations, sqliteCheck),
  );
}

/**
 * verifyDatabase for a large log on worker threads (verify-parallel.ts): the same findings, messages
 * and result, in less wall time where cores are free. A log below the worker threshold, and any log
 * in which a segment finds anything wrong, is verified in order, exactly as verifyDatabase does.
 * `parallel` says how, when it was. `segmentRecords` (a power of two) is for tests.
 */
export async function verifyDatabaseParallel(
  path: string,
  trustedCheckpoint?: unknown,
  pinnedStations?: readonly string[],
  sqliteCheck: SqliteCheck = 'quick',
  options: { segmentRecords?: number } = {},
): Promise<DatabaseVerification> {
  return withEvidenceCopyAsync(path, async (copy) => {
    const db = openForVerification(copy, path, sqliteCheck);
    if ('result' in db) return db;
    try {
      const start = startVerification(db, trustedCheckpoint, pinnedStations);
      if ('result' in start) return start;
      const plan = start.verifier.failed ? undefined : planOrNone(db, options.segmentRecords);
      if (plan && (await runSegments(copy, plan, start.verifier))) {
        const result = start.verifier.finish();
        if (result.ok)
          return {
            result,
            warnings: start.warnings,
            parallel: { segments: plan.segments.length, workers: plan.workers },
          };
      }
      return verifyOpen(db, plan ? startVerification(db, trustedCheckpoint, pinnedStations) : start);
    } catch (e) {
      return readFailure(e);
    } finally {
      db.close();
    }
  });
}

/** A plan, or none where the numbering cannot even be read: the in-order verification says why. */
function planOrNone(db: Database.Database, segmentRecords?: number): ReturnType<typeof planSegments> {
  try {
    return planSegments(db, segmentRecords);
  } catch {
    return undefined;
  }
}

/** verifyDatabase on a private copy already taken (opened-log.ts: one copy for verification and records). */
export function verifyCopy(
  copy: string,
  path: string,
  trustedCheckpoint: unknown,
  pinnedStations: readonly string[] | undefined,
  sqliteCheck: SqliteCheck,
): DatabaseVerification {
  const db = openForVerification(copy, path, sqliteCheck);
  if ('result' in db) return db;
  try {
    return verifyOpen(db, startVerification(db, trustedCheckpoint, pinnedStations));
  } catch (e) {
    return readFailure(e);
  } finally {
    db.close();
  }
}

/** The copy opened and SQLite's own check passed, or the verification's answer when it did not. */
function openForVerification(
  copy: string,
  path: string,
  sqliteCheck: SqliteCheck,
): Database.Database | DatabaseVerification {
  try {
    return openAuditDatabaseReadOnly(copy, path, sqliteCheck);
  } catch (e) {
    if (e instanceof KeyriteError && e.code === 'AUDIT_DB_CORRUPT')
      return { result: { ok: false, firstBadSeq: 0, reason: e.message }, warnings: [] };
    if (e instanceof KeyriteError) throw e;
    if (sqliteCode(e).startsWith('SQLITE_CORRUPT'))
      return { result: { ok: false, firstBadSeq: 0, reason: 'the database file is damaged' }, warnings: [] };
    throw unreadable(path, e);
  }
}

/** A database that fails while it is read is a failed verification; anything else is thrown on. */
function readFailure(e: unknown): DatabaseVerification {
  if (sqliteCode(e).startsWith('SQLITE_'))
    return {
      result: {
        ok: false,
        firstBadSeq: 0,
        reason: `the database cannot be read to the end (${sqliteCode(e)})`,
      },
      warnings: [],
    };
  throw e;
}

interface Started {
  verifier: LogVerifier;
  warnings: string[];
}

/** The append-only triggers and the checkpoints table, read before any record: a verifier to feed. */
function startVerification(
  db: Database.Database,
  trustedCheckpoint: unknown,
  pinnedStations: readonly string[] | undefined,
): Started | DatabaseVerification {
  const warnings: string[] = [];
  const triggers = new Set(
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[],
  );
  for (const t of [
    'records_no_update',
    'records_no_delete',
    'checkpoints_no_update',
    'checkpoints_no_delete',
  ]) {
    if (!triggers.has(t))
      warnings.push(`append-only trigger ${t} is missing: the database was modified outside Keyrite`);
  }
  const rows = storedCheckpointRows(db);
  const checkpoints: unknown[] = [];
  for (const c of readCheckpointRows(rows)) {
    if ('problem' in c)
      return {
        result: { ok: false, firstBadSeq: 0, reason: `checkpoint row ${c.id}: ${c.problem}` },
        warnings,
      };
    checkpoints.push(c.checkpoint);
  }
  const verifier = new LogVerifier({
    checkpoints,
    ...(trustedCheckpoint !== undefined ? { trustedCheckpoint } : {}),
    ...(pinnedStations ? { pinnedStations } : {}),
  });
  return { verifier, warnings };
}

function verifyOpen(db: Database.Database, start: Started | DatabaseVerification): DatabaseVerification {
  if ('result' in start) return start;
  const { verifier, warnings } = start;
  // The stored text was just proven canonical by readStoredRecords, so the verifier may hash it as is.
  const bad = readStoredRecords(db, (r, payloadText) => verifier.add(r, payloadText) !== undefined);
  if (bad) verifier.fail(bad.seq, bad.problem);
  const result = verifier.finish();
  if (result.ok || result.firstBadSeq < 1) return { result, warnings };
  // As stored, but never a column over its limit (that may be exactly why the record is bad).
  const shown = (c: string) =>
    `CASE WHEN octet_length(${c}) <= ${MAX_FIELD_BYTES} THEN ${c} ELSE '(' || octet_length(${c}) || ' bytes, not shown)' END AS ${c}`;
  const row = db
    .prepare(
      `SELECT seq, ${['time', 'ceremony_id', 'actor', 'type'].map(shown).join(', ')} FROM records WHERE seq = ?`,
    )
    .get(result.firstBadSeq) as
    { seq: number; time: string; ceremony_id: string; actor: string; type: string } | undefined;
  if (!row) return { result, warnings };
  return {
    result,
    warnings,
    badRecord: {
      seq: row.seq,
      time: String(row.time),
      ceremonyId: String(row.ceremony_id),
      actor: String(row.actor),
      type: String(row.type),
    },
  };
}

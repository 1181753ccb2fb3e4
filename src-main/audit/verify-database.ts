import type Database from 'better-sqlite3';
import { KeyriteError } from '../../src-shared/errors.js';
import { LogVerifier, type VerifyResult } from '../../src-shared/audit/verify-log.js';
import { MAX_FIELD_BYTES } from '../../src-shared/audit/record-limits.js';
import { type SqliteCheck, openAuditDatabaseReadOnly } from './database.js';
import { withEvidenceCopy } from './evidence-snapshot.js';
import { readCheckpointRows, readStoredRecords, storedCheckpointRows } from './read-log.js';

export interface DatabaseVerification {
  result: VerifyResult;
  /** Facts an auditor should know that are not failures (e.g. append-only triggers missing). */
  warnings: string[];
  /** The stored row at the first bad sequence number, when there is one, so people can see what it was. */
  badRecord?: { seq: number; time: string; ceremonyId: string; actor: string; type: string };
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

/** verifyDatabase on a private copy already taken (opened-log.ts: one copy for verification and records). */
export function verifyCopy(
  copy: string,
  path: string,
  trustedCheckpoint: unknown,
  pinnedStations: readonly string[] | undefined,
  sqliteCheck: SqliteCheck,
): DatabaseVerification {
  let db: Database.Database;
  try {
    db = openAuditDatabaseReadOnly(copy, path, sqliteCheck);
  } catch (e) {
    if (e instanceof KeyriteError && e.code === 'AUDIT_DB_CORRUPT')
      return { result: { ok: false, firstBadSeq: 0, reason: e.message }, warnings: [] };
    if (e instanceof KeyriteError) throw e;
    if (sqliteCode(e).startsWith('SQLITE_CORRUPT'))
      return { result: { ok: false, firstBadSeq: 0, reason: 'the database file is damaged' }, warnings: [] };
    throw unreadable(path, e);
  }
  try {
    return verifyOpen(db, trustedCheckpoint, pinnedStations);
  } catch (e) {
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
  } finally {
    db.close();
  }
}

function verifyOpen(
  db: Database.Database,
  trustedCheckpoint: unknown,
  pinnedStations: readonly string[] | undefined,
): DatabaseVerification {
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

import path from 'node:path';
import type { SignedCheckpoint } from '../../src-shared/audit/checkpoint.js';
import type { AuditRecord } from '../../src-shared/audit/record.js';
import { KeyriteError } from '../../src-shared/errors.js';
import { type SqliteCheck, openAuditDatabaseReadOnly } from './database.js';
import { withEvidenceCopy } from './evidence-snapshot.js';
import { readCheckpointRows, readStoredRecords, storedCheckpointRows } from './read-log.js';
import { type DatabaseVerification, unreadable, verifyCopy } from './verify-database.js';

/** A ceremony log is hundreds of records; these bounds keep a hostile file from exhausting memory. */
export const OPENED_LOG_LIMITS = { records: 200_000, payloadBytes: 64 * 1024 * 1024 } as const;

/**
 * A log opened for reading by an auditor: verified from its bytes (read-only, works on write-protected
 * media), then every record that can be decoded. A damaged log still opens: the verification says what
 * is wrong, and the records up to the first row that cannot be read are there to look at.
 */
export interface OpenedLog {
  file: string;
  verification: DatabaseVerification;
  records: AuditRecord[];
  checkpoints: SignedCheckpoint[];
  /** The first row that could not be decoded; reading stopped there. */
  unreadable?: { seq: number; problem: string };
}

/**
 * The auditor's file is only ever read: like every evidence reader it works on a private copy
 * (evidence-snapshot.ts), so nothing appears beside it and write-protected media work. Verification
 * and the records come from the one copy, so they describe the same bytes even of a live log.
 */
export function openLogReadOnly(
  file: string,
  pinnedStations?: readonly string[],
  sqliteCheck: SqliteCheck = 'quick',
): OpenedLog {
  return withEvidenceCopy(file, (copy) => {
    try {
      const log = readCopy(copy, pinnedStations, sqliteCheck);
      const r = log.verification.result;
      // Messages name the file the auditor chose, never the private copy.
      if (!r.ok) r.reason = r.reason.replaceAll(copy, file);
      return { ...log, file };
    } catch (e) {
      if (e instanceof KeyriteError && e.message.includes(copy))
        throw new KeyriteError(e.code, e.message.replaceAll(copy, file), e.hint, { cause: e });
      throw e;
    }
  });
}

function tooLarge(file: string): KeyriteError {
  return new KeyriteError(
    'AUDIT_LOG_TOO_LARGE',
    `${path.basename(file)} is larger than any ceremony log (more than ${OPENED_LOG_LIMITS.records} records or ${OPENED_LOG_LIMITS.payloadBytes / 2 ** 20} MiB of payloads)`,
    'verify it with keyrite audit verify and export it with keyrite audit export on the command line',
  );
}

function readCopy(
  file: string,
  pinnedStations: readonly string[] | undefined,
  sqliteCheck: SqliteCheck,
): OpenedLog {
  // This is already the private copy: verified in place, not copied again.
  const verification = verifyCopy(file, file, undefined, pinnedStations, sqliteCheck);
  let db;
  try {
    db = openAuditDatabaseReadOnly(file);
  } catch (e) {
    // The verification above already reported a file SQLite cannot open as a failure: show that.
    if (!verification.result.ok) return { file, verification, records: [], checkpoints: [] };
    if (e instanceof KeyriteError) throw e;
    throw unreadable(file, e);
  }
  try {
    const records: AuditRecord[] = [];
    let bytes = 0;
    const bad: OpenedLog['unreadable'] = readStoredRecords(db, (r, payloadText) => {
      bytes += payloadText.length;
      if (records.length >= OPENED_LOG_LIMITS.records || bytes > OPENED_LOG_LIMITS.payloadBytes)
        throw tooLarge(file);
      records.push(r);
      return false;
    });
    const rows = storedCheckpointRows(db);
    const checkpoints = readCheckpointRows(rows).flatMap((c) =>
      'checkpoint' in c ? [c.checkpoint as SignedCheckpoint] : [],
    );
    return { file, verification, records, checkpoints, ...(bad ? { unreadable: bad } : {}) };
  } catch (e) {
    if (e instanceof KeyriteError) throw e;
    // SQLite gave up part-way (a damaged page): what verification found is the answer to show.
    if (!verification.result.ok) return { file, verification, records: [], checkpoints: [] };
    throw unreadable(file, e);
  } finally {
    db.close();
  }
}

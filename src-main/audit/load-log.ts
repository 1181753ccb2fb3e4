import type { SignedCheckpoint } from '../../src-shared/audit/checkpoint.js';
import type { AuditRecord } from '../../src-shared/audit/record.js';
import { KeyriteError } from '../../src-shared/errors.js';
import { openAuditDatabaseReadOnly } from './database.js';
import { withEvidenceCopy } from './evidence-snapshot.js';
import { readCheckpointRows, readStoredRecords, storedCheckpointRows } from './read-log.js';
import { unreadable } from './verify-database.js';

export interface LoadedLog {
  records: AuditRecord[];
  checkpoints: SignedCheckpoint[];
}

/** Reads a whole log for export, from a private copy (see evidence-snapshot.ts). Rows that cannot be decoded stop the export with a reason. */
export function loadLog(path: string): LoadedLog {
  return withEvidenceCopy(path, (copy) => loadCopy(copy, path));
}

function loadCopy(copy: string, path: string): LoadedLog {
  let db;
  try {
    db = openAuditDatabaseReadOnly(copy, path);
  } catch (e) {
    if (e instanceof KeyriteError) throw e;
    throw unreadable(path, e);
  }
  try {
    const records: AuditRecord[] = [];
    const bad = readStoredRecords(db, (r) => {
      records.push(r);
      return false;
    });
    if (bad)
      throw new KeyriteError(
        'AUDIT_LOG_DAMAGED',
        `audit record ${bad.seq} cannot be read: ${bad.problem}`,
        'run keyrite audit verify on the database',
      );
    const checkpoints: SignedCheckpoint[] = [];
    const rows = storedCheckpointRows(db);
    for (const c of readCheckpointRows(rows)) {
      if ('problem' in c)
        throw new KeyriteError(
          'AUDIT_LOG_DAMAGED',
          `checkpoint ${c.id} cannot be read: ${c.problem}`,
          'run keyrite audit verify on the database',
        );
      checkpoints.push(c.checkpoint as SignedCheckpoint);
    }
    return { records, checkpoints };
  } finally {
    db.close();
  }
}

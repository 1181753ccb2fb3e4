import type Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { openSqlite } from '../sqlite/open-sqlite.js';
import { preallocateWal } from './preallocate-wal.js';
import { KeyriteError } from '../../src-shared/errors.js';
import { diskFault } from '../media/disk-fault.js';
import { LATEST_VERSION, migrate, userVersion } from './migrations.js';

/**
 * SQLite's own check of the file. `quick` (quick_check) checks every page, record format and
 * constraint, and takes about a tenth of `deep` (integrity_check), which also proves every index
 * matches its table: audit verify's own hash chain and Merkle tree already prove each record, so the
 * deep check is for an auditor who asks for it (`keyrite audit verify --deep`).
 */
export type SqliteCheck = 'quick' | 'deep';

function integrityCheck(db: Database.Database, path: string, check: SqliteCheck = 'deep'): void {
  const pragma = check === 'quick' ? 'quick_check' : 'integrity_check';
  const rows = db.pragma(pragma) as Array<Record<string, string>>;
  if (rows.length !== 1 || rows[0]?.[pragma] !== 'ok') {
    throw new KeyriteError(
      'AUDIT_DB_CORRUPT',
      `the audit database ${path} is damaged (integrity check failed: SQLite ${pragma})`,
      'keep the file as evidence; verify a copy with keyrite audit verify',
    );
  }
}

/**
 * Pages the WAL takes before the store checkpoints it. SQLite reuses the WAL from its start only after
 * a checkpoint; until then every commit grows the file, and a durable commit that grows a file also
 * waits for the file system's own journal. At the default (1,000 pages) a whole ceremony appended in
 * that state: measured on ext4, 300 appends ran at 0.46-0.54x of a raw write + fsync with the default,
 * 0.80-0.85x with 128 pages (512 KiB), and 0.87x vs 0.90x once the WAL is reused; 32 pages checkpoint
 * so often they cost more than they save.
 */
const WAL_PAGES = 128;
/** The WAL's working size: a 32-byte header, then frames of a 24-byte header and a 4 KiB page (SQLite's
 * default page size, which Keyrite keeps), with room for the commit that crosses the checkpoint mark. */
export const WAL_BYTES = 32 + (WAL_PAGES + 32) * (24 + 4096);

/**
 * Whether `path` starts as an SQLite database in WAL mode (its header: the magic string, then read
 * and write versions 2 at offsets 18 and 19). Only such a file gets its WAL before it is opened: a
 * file that is something else is refused by the open, and nothing is left beside it.
 */
function isWalDatabase(path: string): boolean {
  try {
    const fd = openSync(path, 'r');
    try {
      const header = Buffer.alloc(20);
      return (
        readSync(fd, header, 0, 20, 0) === 20 &&
        header.toString('latin1', 0, 16) === 'SQLite format 3\0' &&
        header[18] === 2 &&
        header[19] === 2
      );
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Opens (creating if needed) the audit database for writing, durable on every commit. */
export function openAuditDatabase(path: string): Database.Database {
  // The WAL is given its working size before SQLite writes to it (preallocate-wal.ts): a log that
  // exists, before it is opened (opening it creates an empty WAL); a new one once it is in WAL mode
  // (switching a database into WAL mode deletes any WAL file beside it).
  const isNew = !existsSync(path) || statSync(path).size === 0;
  if (!isNew && isWalDatabase(path)) preallocateWal(path, WAL_BYTES);
  let db: Database.Database;
  try {
    db = openSqlite(path);
  } catch (e) {
    throw notOpenable(path, e);
  }
  try {
    db.pragma('journal_mode = WAL');
    if (isNew) preallocateWal(path, WAL_BYTES);
    // FULL: a commit is on disk when it returns, so an acknowledged record survives power loss.
    db.pragma('synchronous = FULL');
    db.pragma(`wal_autocheckpoint = ${WAL_PAGES}`);
    db.pragma('foreign_keys = ON');
    integrityCheck(db, path);
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    throw e instanceof KeyriteError ? e : notOpenable(path, e);
  }
}

function notOpenable(path: string, cause: unknown): KeyriteError {
  const disk = diskFault(cause, path);
  if (disk) return disk;
  return new KeyriteError(
    'AUDIT_DB_UNREADABLE',
    `cannot open ${path} as an audit database`,
    'check the path is a Keyrite audit.db (or a new file) in a directory you may write',
    { cause },
  );
}

/**
 * Opens an audit database read-only: no writes, no migration. SQLite still creates `-wal`/`-shm` beside
 * a WAL-mode file, so evidence is opened through evidence-snapshot.ts, on a private copy; `shownAs` is
 * the path people gave, for messages.
 */
export function openAuditDatabaseReadOnly(
  path: string,
  shownAs = path,
  check: SqliteCheck = 'quick',
): Database.Database {
  const db = openSqlite(path, { readonly: true, fileMustExist: true });
  try {
    integrityCheck(db, shownAs, check);
    const v = userVersion(db);
    if (v > LATEST_VERSION) {
      throw new KeyriteError(
        'AUDIT_DB_TOO_NEW',
        `the audit database is at schema version ${v}, newer than this Keyrite understands (${LATEST_VERSION})`,
        'verify it with the newer Keyrite that wrote it',
      );
    }
    if (v < 1)
      throw new KeyriteError(
        'AUDIT_DB_EMPTY',
        `${shownAs} is not a Keyrite audit database (no schema)`,
        'pass the audit.db a ceremony wrote',
      );
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KeyriteError } from '../../src-shared/errors.js';
import { copyBoundedFile } from '../media/bounded-file.js';

/**
 * Evidence is read from a private copy, never in place. SQLite opens a WAL-mode database — even
 * read-only — by creating `-wal` and `-shm` beside it (and leaves them there), and cannot open it at all
 * on read-only media when they are missing; its `immutable` flag would avoid both, but better-sqlite3 is
 * built without URI filenames, so the flag cannot be passed. So the database and its non-empty
 * write-ahead log or rollback journal (which hold committed records too) are copied into a directory
 * only this user can read, opened there, and removed after: nothing beside the evidence is created,
 * written or has its times changed, and a FIFO or device given as the database is refused unread.
 */
const COMPANIONS = ['-wal', '-journal'] as const;
/** A writer may commit while we copy; a copy whose sources changed underneath is taken again. */
const ATTEMPTS = 5;

type Signature = string;

function signatureOf(file: string): Signature {
  return COMPANIONS.map((suffix) => `${file}${suffix}`)
    .concat(file)
    .map((f) => {
      if (!existsSync(f)) return '-';
      const st = statSync(f);
      return `${st.ino}:${st.size}:${st.mtimeMs}`;
    })
    .join('|');
}

function copyOnce(file: string, dir: string): string {
  const copy = path.join(dir, 'audit.db');
  copyBoundedFile(file, copy, 'audit-db');
  for (const suffix of COMPANIONS) {
    const companion = `${file}${suffix}`;
    // An empty log or journal holds nothing; a missing one is the common case (a cleanly closed log).
    if (existsSync(companion) && statSync(companion).size > 0)
      copyBoundedFile(companion, `${copy}${suffix}`, 'audit-db');
  }
  return copy;
}

/**
 * Runs `use` on a private, consistent copy of the audit database at `file` and removes the copy after.
 * Errors reading the source are KeyriteErrors naming it (FILE_NOT_FOUND, FILE_ACCESS, FILE_NOT_REGULAR,
 * FILE_TOO_LARGE); a source that keeps changing is AUDIT_DB_BUSY.
 */
export function withEvidenceCopy<T>(file: string, use: (copy: string) => T): T {
  const { dir, copy } = takeCopy(file);
  try {
    return use(copy);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** withEvidenceCopy for work that finishes later (verification on worker threads): removed after it. */
export async function withEvidenceCopyAsync<T>(file: string, use: (copy: string) => Promise<T>): Promise<T> {
  const { dir, copy } = takeCopy(file);
  try {
    return await use(copy);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A consistent private copy of `file` in a new directory only this user can read. */
function takeCopy(file: string): { dir: string; copy: string } {
  let dir: string;
  try {
    dir = mkdtempSync(path.join(tmpdir(), 'keyrite-evidence-'));
  } catch (e) {
    throw new KeyriteError(
      'TEMP_COPY_FAILED',
      `cannot create a working directory under ${tmpdir()} to read ${file} from`,
      'point TMPDIR at a writable directory with room for a copy of the audit database',
      { cause: e },
    );
  }
  try {
    for (let attempt = 1; ; attempt++) {
      const before = signatureOf(file);
      const copy = copyOnce(file, dir);
      if (signatureOf(file) === before) return { dir, copy };
      if (attempt === ATTEMPTS)
        throw new KeyriteError(
          'AUDIT_DB_BUSY',
          `${file} kept changing while it was copied for reading`,
          'verify it when the ceremony writing it is idle, or verify a copy',
        );
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(path.join(tmpdir(), 'keyrite-evidence-'));
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

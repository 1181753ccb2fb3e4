import { KeyriteError } from '../../src-shared/errors.js';

/**
 * A full or failing disk is the machine's state, not a bug in Keyrite and not the user's mistake: it is
 * said as what happened to which disk and what to do. Nothing acknowledged is lost — a log append that
 * fails is rolled back whole (SQLite), a file write that fails leaves no file (temp + rename) — so the
 * ceremony resumes where it stopped once there is room again.
 */
const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'SQLITE_FULL']);
const FAILING = new Set(['EIO', 'SQLITE_IOERR']);

const RESUME =
  'resume the ceremony (keyrite rehearse|ceremony run … --resume, or reopen it in the app): ' +
  'everything recorded before the failure is kept and verifies';

/** The codes diskFault gives. */
export const DISK_FAULTS: ReadonlySet<string> = new Set(['DISK_FULL', 'DISK_IO_ERROR']);

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The coded error for a disk fault met while writing `where`, or undefined when `e` is not one. */
export function diskFault(e: unknown, where: string): KeyriteError | undefined {
  if (e instanceof KeyriteError) return undefined;
  const code = codeOf(e);
  if (code === undefined) return undefined;
  // SQLite extends its codes (SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC…): the family decides.
  const family = code.startsWith('SQLITE_') ? code.replace(/^(SQLITE_[A-Z]+)_.*$/, '$1') : code;
  if (FULL.has(family))
    return new KeyriteError(
      'DISK_FULL',
      code === 'EFBIG'
        ? `${where} cannot grow: the file-size limit of this disk or session is reached (EFBIG); the write stopped before it was acknowledged`
        : `the disk holding ${where} is full (${code}): the write stopped before it was acknowledged`,
      `free space on that disk (df "${where}"), then ${RESUME}`,
      { cause: e },
    );
  if (FAILING.has(family))
    return new KeyriteError(
      'DISK_IO_ERROR',
      `the disk holding ${where} reported an I/O error (${code})`,
      `check the disk (dmesg, its health); copy the ceremony directory to a sound disk, check the copy with keyrite audit verify, then ${RESUME}`,
      { cause: e },
    );
  return undefined;
}

/** Runs `write`; a disk fault it meets is thrown as the coded error naming `where`. */
export function onDisk<T>(where: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    throw diskFault(e, where) ?? e;
  }
}

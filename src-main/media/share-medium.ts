import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../src-shared/errors.js';

/** What was written to a medium, as read back from it. */
export interface MediumCopy {
  fileName: string;
  bytes: number;
  sha256: string;
}

/** A medium's identity, for "one medium per custodian": its device and the directory's real path. */
export interface MediumId {
  device: string;
  directory: string;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The device and real path of a chosen directory; refused clearly when it is not there. */
export function mediumOf(dir: string, whose: string): MediumId {
  try {
    const st = statSync(dir);
    if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    return { device: String(st.dev), directory: path.resolve(dir) };
  } catch (e) {
    throw mediumError(e, whose);
  }
}

/**
 * Copies `data` to `dir/fileName` on a removable medium so that the file there is either absent or
 * whole, and says so only after reading it back: a temp file in the same directory, written and
 * fsynced, linked into place (never replacing a file; media without hard links get a rename after a
 * fresh existence check), the directory fsynced, then the file read again and its SHA-256 compared and
 * its structure checked by `check`. A copy that fails any of this is removed again; the source is
 * never touched. An identical file already there (a copy made before) is verified and kept.
 */
export function copyToMedium(
  data: Buffer,
  dir: string,
  fileName: string,
  whose: string,
  check: (file: string) => void,
): MediumCopy {
  const dest = path.join(dir, fileName);
  const want = sha256(data);
  let created = false;
  try {
    if (!identicalFileAt(dest, want, whose)) {
      writeNew(dest, data);
      created = true;
    }
    syncDirectory(dir);
    const back = readFileSync(dest);
    if (back.length !== data.length || sha256(back) !== want)
      throw new KeyriteError(
        'MEDIUM_VERIFY_FAILED',
        `${fileName} on ${whose}'s medium does not read back as written`,
        'the medium may be failing: use another one; the share stays on the station',
      );
    check(dest);
    syncFile(dest);
    return { fileName, bytes: back.length, sha256: want };
  } catch (e) {
    if (created) removeQuietly(dest);
    throw e instanceof KeyriteError ? e : mediumError(e, whose);
  }
}

/** True when `dest` already holds exactly these bytes; refuses any other file of that name. */
function identicalFileAt(dest: string, want: string, whose: string): boolean {
  try {
    lstatSync(dest);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  if (sha256(readFileSync(dest)) === want) return true;
  throw new KeyriteError(
    'MEDIUM_FILE_EXISTS',
    `${whose}'s medium already holds a different ${path.basename(dest)}`,
    'use another medium, or move that file away first; Keyrite never replaces a file',
  );
}

function writeNew(dest: string, data: Buffer): void {
  const dir = path.dirname(dest);
  const tmp = path.join(dir, `.${path.basename(dest)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, dest);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw e;
      // FAT and exFAT sticks have no hard links: rename, after making sure nothing appeared meanwhile.
      let exists = true;
      try {
        lstatSync(dest);
      } catch {
        exists = false;
      }
      if (exists) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
      renameSync(tmp, dest);
    }
  } finally {
    removeQuietly(tmp);
  }
}

function syncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Windows cannot fsync a directory (the file is synced); everywhere else a failure here is real. */
function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch (e) {
    if (process.platform === 'win32') return;
    throw e;
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    if (process.platform !== 'win32') throw e;
  } finally {
    closeSync(fd);
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone (renamed into place, never made, or the medium was pulled)
  }
}

/** A file-system failure on a medium, said as what happened to the medium and what to do. */
export function mediumError(e: unknown, whose: string): KeyriteError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? 'error';
  const keep = 'nothing was left half-written there, and the share stays on the station';
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new KeyriteError(
        'MEDIUM_FULL',
        `${whose}'s medium is full (${code})`,
        `free some space on it or choose another medium; ${keep}`,
      );
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return new KeyriteError(
        'MEDIUM_READ_ONLY',
        `${whose}'s medium cannot be written: it is read-only or not writable here (${code})`,
        `unlock the medium (write-protect switch) or choose another one; ${keep}`,
      );
    case 'EEXIST':
      return new KeyriteError(
        'MEDIUM_FILE_EXISTS',
        `${whose}'s medium already holds a file of that name`,
        'use another medium, or move that file away first; Keyrite never replaces a file',
      );
    case 'ENOENT':
    case 'ENOTDIR':
    case 'ENODEV':
    case 'ENXIO':
    case 'EIO':
      return new KeyriteError(
        'MEDIUM_GONE',
        `${whose}'s medium is not there or cannot be read (${code})`,
        `insert it again (or choose another) and copy again; ${keep}`,
      );
    default:
      return new KeyriteError(
        'MEDIUM_WRITE',
        `writing to ${whose}'s medium failed (${code})`,
        `try another medium; ${keep}`,
      );
  }
}

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../src-shared/errors.js';
import { diskFault } from './disk-fault.js';
import { syncDirectory } from './atomic-file.js';

// A new file that must not replace anything: wrapped key material, exported reports, checkpoints.
// (atomic-file.ts's writeFileAtomic is for the ceremony's own files, which it may replace.)

/**
 * Refuses an --out that exists or whose directory does not: checked before any work (and before any
 * secret is read), so a bad --out costs nothing; writeNewFileAtomic checks again.
 */
export function assertOutputFree(out: string): void {
  let exists = true;
  try {
    lstatSync(out);
  } catch {
    exists = false;
  }
  if (exists) {
    throw new KeyriteError(
      'OUTPUT_EXISTS',
      `${out} already exists`,
      'choose a new --out file; Keyrite never overwrites',
    );
  }
  const dir = path.dirname(path.resolve(out));
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    throw new KeyriteError(
      'OUTPUT_WRITE',
      `cannot write ${out}: ${dir} is not a directory`,
      'create the directory first',
    );
  }
}

/**
 * Writes `data` to `out` so that `out` either does not exist or holds all of it: a temp file in the
 * same directory, fsynced, then hard-linked into place (link fails if `out` appeared meanwhile, so
 * nothing is ever overwritten). Filesystems without hard links (FAT media) fall back to rename after
 * a fresh existence check.
 */
export function writeNewFileAtomic(out: string, data: Buffer | string, mode = 0o600): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const dir = path.dirname(path.resolve(out));
  const tmp = path.join(dir, `.${path.basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw (
      diskFault(e, dir) ??
      new KeyriteError(
        'OUTPUT_WRITE',
        `cannot write in ${dir} (${code ?? 'error'})`,
        'check that the directory exists and is writable',
      )
    );
  }
  try {
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, out);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        throw new KeyriteError(
          'OUTPUT_EXISTS',
          `${out} already exists`,
          'choose a new --out file; Keyrite never overwrites',
        );
      }
      assertOutputFree(out);
      renameSync(tmp, out);
    }
    syncDirectoryIfPossible(dir);
  } catch (e) {
    if (e instanceof KeyriteError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw (
      diskFault(e, out) ??
      new KeyriteError(
        'OUTPUT_WRITE',
        `cannot write ${out} (${code ?? 'error'})`,
        'check the disk and the directory',
      )
    );
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // Already renamed into place, or never created: nothing to clean.
    }
  }
}

/** Some platforms (Windows) cannot fsync a directory; the file itself is already synced. */
function syncDirectoryIfPossible(dir: string): void {
  try {
    syncDirectory(dir);
  } catch {
    // nothing more a program can do here
  }
}

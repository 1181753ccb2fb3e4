import { closeSync, fsyncSync, linkSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { KeyriteError } from '../../src-shared/errors.js';

/**
 * Writes a file that must not exist yet, atomically: the content goes to a temporary file in the same
 * directory, is synced, then hard-linked to its name (link fails if the name exists, with no race)
 * so a reader never sees half a report and an existing report is never replaced.
 */
export function writeNewFileAtomic(target: string, data: string | Buffer): void {
  const dir = path.dirname(path.resolve(target));
  const tmp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new KeyriteError(
          'OUTPUT_EXISTS',
          `${target} already exists`,
          'choose another --out path; Keyrite never overwrites a report',
        );
      }
      throw e;
    }
    syncDirectory(dir);
  } finally {
    unlinkSync(tmp);
  }
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the file itself is already synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../src-shared/errors.js';
import { syncDirectory } from '../media/atomic-file.js';

function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
  fsyncSync(fd);
}

function cannotWrite(file: string, cause: unknown): KeyriteError {
  return new KeyriteError(
    'STATION_KEY_UNWRITABLE',
    `the station key ${file} cannot be written`,
    'check the directory exists and is writable by you',
    { cause },
  );
}

/** Creates the key file, owner-only, never replacing one that appeared meanwhile. */
export function writeKeyFileNew(file: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (e) {
    throw cannotWrite(file, e);
  }
  try {
    writeAll(fd, Buffer.from(text, 'utf8'));
  } finally {
    closeSync(fd);
  }
  syncDirectory(path.dirname(file));
}

/**
 * Replaces an unsealed key file by its sealed form: the sealed text goes to a temporary file first, the
 * old file's bytes are overwritten with zeros (as far as the file system lets a program reach them),
 * then the sealed file takes its name. A crash leaves either the old file or the new one.
 */
export function replaceFileSecurely(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeAll(fd, Buffer.from(text, 'utf8'));
    } finally {
      closeSync(fd);
    }
    const old = openSync(file, 'r+');
    try {
      writeAll(old, Buffer.alloc(fstatSync(old).size));
    } finally {
      closeSync(old);
    }
    renameSync(tmp, file);
    syncDirectory(path.dirname(file));
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed, or never created
    }
    throw cannotWrite(file, e);
  }
}

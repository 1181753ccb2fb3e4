import {
  closeSync,
  fsyncSync,
  openSync,
  renameSync,
  writeSync,
  mkdirSync,
  readFileSync,
  existsSync,
  rmSync,
} from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../../src-shared/digests.js';
import { onDisk } from './disk-fault.js';

/**
 * Writes a file so that after a crash it is either absent or complete: temp file, fsync, rename,
 * fsync of the directory. Removable media often lie about flushes; this is the most a program can do.
 */
export function writeFileAtomic(file: string, data: Uint8Array | string, mode = 0o600): void {
  onDisk(file, () => writeAndRename(file, data, mode));
}

function writeAndRename(file: string, data: Uint8Array | string, mode: number): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  // A leftover from a crashed run of this pid is removed; 'wx' then never follows a planted symlink
  // and always applies `mode`.
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', mode);
  try {
    try {
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDirectory(dir);
}

export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function sha256OfFile(file: string): string | null {
  if (!existsSync(file)) return null;
  return sha256Hex(readFileSync(file));
}

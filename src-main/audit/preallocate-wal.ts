import { closeSync, existsSync, linkSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { syncDirectory } from '../media/atomic-file.js';

/**
 * Room for a database's write-ahead log before SQLite writes to it.
 *
 * A WAL commit with synchronous=FULL ends in an fsync, and an fsync of a file that grew also commits
 * the file system's own journal (new blocks, new size): on the build machine's ext4 that made each of
 * a new log's first hundred or so commits cost about twice one that overwrites blocks the file already
 * has (measured with strace: a rehearsal's 115 log fsyncs averaged 471 µs, and 288 µs with the WAL
 * given its size here). SQLite reuses its WAL from the start after each checkpoint, so only the first fill grows
 * it, and SQLite deletes the WAL when the last connection closes, so every run of a ceremony began
 * with that fill. Giving it the file at its working size up front makes every commit an overwrite.
 *
 * The file is zeros, which SQLite reads as an empty log (no valid header; a frame is only ever read
 * after a header with matching salts and checksums). It is written under a temporary name and
 * hard-linked into place, so the WAL appears whole or not at all, and a WAL that exists (with frames
 * a crashed run left, or another connection's) is never touched: link refuses an existing name. The
 * directory is synced after the link, before any frame is committed into the file, so a committed
 * record never sits in a file whose name a power cut could lose. Any failure (a full disk, say) leaves
 * no temporary file and only costs the speed: SQLite then grows its WAL as it always did.
 */
export function preallocateWal(dbFile: string, bytes: number): boolean {
  const wal = `${dbFile}-wal`;
  if (existsSync(wal)) return false;
  const dir = path.dirname(dbFile);
  const tmp = path.join(dir, `.${path.basename(wal)}.${process.pid}.tmp`);
  let linked = false;
  try {
    // A leftover of a crashed run of this pid goes; 'wx' then never follows a planted symlink.
    rmSync(tmp, { force: true });
    // The permissions SQLite itself gives a WAL: those of its database file (which both callers have).
    const fd = openSync(tmp, 'wx', statSync(dbFile).mode & 0o777);
    try {
      const zeros = Buffer.alloc(Math.min(bytes, 1 << 20));
      for (let off = 0; off < bytes;) off += writeSync(fd, zeros, 0, Math.min(zeros.length, bytes - off));
    } finally {
      closeSync(fd);
    }
    linkSync(tmp, wal);
    linked = true;
    syncDirectory(dir);
    return true;
  } catch {
    // A WAL whose name may not be durable is not left for SQLite to commit into.
    if (linked) removeQuietly(wal);
    return false;
  } finally {
    removeQuietly(tmp);
  }
}

/** Removes a file this module made; one it cannot remove (a directory planted under its name) stays. */
function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // only speed was at stake
  }
}

import { closeSync, openSync, statfsSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** The filler may only fill a small file system (a test's tmpfs), never the machine's own disk. */
const MAX_FILLED_BYTES = 64 * 1024 * 1024;

/**
 * Test hook for the disk-fault campaign (honoured only under KEYRITE_TEST=1, see crash-point.ts):
 * KEYRITE_DISK_FULL_AT=<point> makes the disk full when the engine reaches that point, so the next
 * write that needs space meets the operating system's real error:
 * - KEYRITE_DISK_FULL_FILLER=<file on a small tmpfs>: fills that file system with that file (ENOSPC;
 *   SQLite says SQLITE_FULL). The test frees the space by deleting the file.
 * - otherwise (a runner that may not mount): lowers this process's file-size limit to 0 with
 *   prlimit, so every write that grows a file fails (EFBIG; SQLite says SQLITE_IOERR_WRITE).
 */
export function diskFullPoint(point: string): void {
  if (process.env['KEYRITE_DISK_FULL_AT'] !== point) return;
  const filler = process.env['KEYRITE_DISK_FULL_FILLER'];
  if (filler) fill(filler);
  else limitFileSize();
}

function fill(filler: string): void {
  const fs = statfsSync(filler.replace(/[^/]*$/, '') || '.');
  if (fs.blocks * fs.bsize > MAX_FILLED_BYTES)
    throw new Error(`refusing to fill ${filler}: its file system is larger than a test tmpfs`);
  const fd = openSync(filler, 'a');
  const chunk = Buffer.alloc(4096);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

function limitFileSize(): void {
  // Without a handler SIGXFSZ would kill the process; with one, the write fails with EFBIG instead.
  process.on('SIGXFSZ', () => {});
  const r = spawnSync('prlimit', ['--pid', String(process.pid), '--fsize=0:0'], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`prlimit could not limit the file size: ${r.stderr || r.error?.message}`);
}

import { closeSync, constants, fstatSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { KeyriteError } from '../../src-shared/errors.js';
import { fsError } from './secret-file.js';

/**
 * Every file Keyrite reads (other than secret material, see secret-file.ts) comes through here: only a
 * regular file (a FIFO would hang, /dev/zero would never end), at most its kind's cap, read with a
 * bound that holds even when the file grows while it is read. Callers get bytes or a KeyriteError that
 * names the file, what it was for and what to do.
 */
export const FILE_CAPS = {
  plan: { what: 'ceremony plan', max: 256 * 1024 },
  'import-parameters': { what: 'import parameters', max: 1024 * 1024 },
  /** Wrapping keys, import jobs, key exchange keys: public files of a few kilobytes. */
  public: { what: 'public key', max: 1024 * 1024 },
  checkpoint: { what: 'checkpoint', max: 64 * 1024 },
  'trusted-stations': { what: 'trusted-stations', max: 64 * 1024 },
  /** Backup share and custodian key files (sealed keys and one sealed share: a few kilobytes). */
  share: { what: 'share', max: 64 * 1024 },
  'station-key': { what: 'station key', max: 64 * 1024 },
  passphrase: { what: 'passphrase', max: 4096 },
  'ceremony-file': { what: 'ceremony', max: 16 * 1024 * 1024 },
  /** An audit database (and its -wal) is copied by copyBoundedFile, never read into memory whole. */
  'audit-db': { what: 'audit database', max: 4 * 1024 * 1024 * 1024 },
} as const;

export type FileKind = keyof typeof FILE_CAPS;

function notRegular(file: string, kind: FileKind, what: string = FILE_CAPS[kind].what): KeyriteError {
  return new KeyriteError(
    'FILE_NOT_REGULAR',
    `${what} ${file} is not a regular file`,
    `give the ${what} file itself (not a device, pipe or directory)`,
  );
}

function tooLarge(file: string, kind: FileKind, what: string = FILE_CAPS[kind].what): KeyriteError {
  const { max } = FILE_CAPS[kind];
  return new KeyriteError(
    'FILE_TOO_LARGE',
    `${what} file ${file} is larger than ${max.toLocaleString('en-US')} bytes`,
    `this is not a ${what} file Keyrite wrote or accepts; check the path`,
  );
}

/** Checks, without opening it, that `file` is a regular file within its kind's cap. */
export function assertBoundedRegularFile(
  file: string,
  kind: FileKind,
  what: string = FILE_CAPS[kind].what,
): void {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    throw fsError(e, file, what);
  }
  if (!st.isFile()) throw notRegular(file, kind, what);
  if (st.size > FILE_CAPS[kind].max) throw tooLarge(file, kind, what);
}

/**
 * Reads a whole regular file of `kind`, refusing anything else before reading a byte of it. `what`
 * names the file in messages when the kind's own name is too general (e.g. "wrapping key").
 */
export function readBoundedFile(file: string, kind: FileKind, what: string = FILE_CAPS[kind].what): Buffer {
  assertBoundedRegularFile(file, kind, what);
  let fd: number;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO since the check, open must not wait for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw fsError(e, file, what);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(file, kind, what);
    const max = FILE_CAPS[kind].max;
    // One byte more than the cap tells a file that grew past it from one that fits exactly.
    const buf = Buffer.alloc(Math.min(st.size, max) + 1);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    if (off > max) throw tooLarge(file, kind, what);
    if (off !== st.size)
      throw new KeyriteError(
        'FILE_READ',
        `${what} file ${file} changed while it was read`,
        'make sure nothing else writes to it, then try again',
      );
    return buf.subarray(0, off);
  } catch (e) {
    if (e instanceof KeyriteError) throw e;
    throw fsError(e, file, what);
  } finally {
    closeSync(fd);
  }
}

/** A bounded file as UTF-8 text. */
export function readBoundedText(file: string, kind: FileKind, what: string = FILE_CAPS[kind].what): string {
  return readBoundedFile(file, kind, what).toString('utf8');
}

/** What copyBoundedFile saw: enough to tell whether the source changed while it was copied. */
export interface CopiedFile {
  size: number;
  mtimeMs: number;
  ino: number;
}

/**
 * Copies a regular file of `kind` to `dest` (created, never overwritten, mode 0600) in bounded chunks,
 * with the same refusals as readBoundedFile: no FIFO, no device, nothing past the kind's cap.
 */
export function copyBoundedFile(file: string, dest: string, kind: FileKind): CopiedFile {
  assertBoundedRegularFile(file, kind);
  const { what, max } = FILE_CAPS[kind];
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw fsError(e, file, what);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(file, kind);
    const out = onDest(dest, () =>
      openSync(dest, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600),
    );
    try {
      const chunk = Buffer.alloc(1024 * 1024);
      let total = 0;
      for (;;) {
        const n = readSync(fd, chunk, 0, chunk.length, total);
        if (n === 0) break;
        total += n;
        if (total > max) throw tooLarge(file, kind);
        let written = 0;
        while (written < n) written += onDest(dest, () => writeSync(out, chunk, written, n - written));
      }
      return { size: total, mtimeMs: st.mtimeMs, ino: st.ino };
    } finally {
      closeSync(out);
    }
  } catch (e) {
    if (e instanceof KeyriteError) throw e;
    throw fsError(e, file, what);
  } finally {
    closeSync(fd);
  }
}

/** A failure writing the copy is about the destination (a full or read-only temp directory), not the source. */
function onDest<T>(dest: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException | undefined)?.code ?? 'error';
    throw new KeyriteError(
      'TEMP_COPY_FAILED',
      `cannot write the working copy ${dest} (${code})`,
      'make room in the temporary directory, or point TMPDIR at a writable directory with space',
      { cause: e },
    );
  }
}

import { fstatSync, readSync } from 'node:fs';
import { KeyriteError } from '../../src-shared/errors.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { FILE_CAPS, readBoundedFile } from '../media/bounded-file.js';

/**
 * Non-interactive secret input for scripts and CI: a file descriptor, a file, or (for the station
 * passphrase) an environment variable. Bytes stay in Buffers the caller wipes; nothing becomes a string.
 */
const MAX = FILE_CAPS.passphrase.max;

/** Reads everything from an inherited file descriptor, or says clearly why it cannot. */
export function readFromFd(fdText: string, option: string): Buffer {
  if (!/^\d+$/.test(fdText))
    throw new KeyriteError(
      'CLI_USAGE',
      `${option} takes a file descriptor number`,
      `e.g. ${option} 3 3<file`,
    );
  const fd = Number(fdText);
  // A descriptor the caller did not give is either closed or one of Node's own (an event queue, a
  // signal pipe): `npx` starts keyrite without the caller's extra descriptors, so fd 3 there is Node's.
  const notGiven = (why: string) =>
    new KeyriteError(
      'CLI_FD_NOT_OPEN',
      `file descriptor ${fd} (${option}) ${why}`,
      `open it when starting keyrite (e.g. ${option} ${fd} ${fd}<file); npx does not pass extra descriptors on, so run node_modules/.bin/keyrite directly or use the matching --…-file option`,
    );
  let stat;
  try {
    stat = fstatSync(fd);
  } catch {
    throw notGiven('is not open in this process');
  }
  if (!(stat.isFile() || stat.isFIFO() || stat.isSocket() || stat.isCharacterDevice()))
    throw notGiven('is not a file or pipe given to keyrite (it is one of Node’s own)');
  const buf = Buffer.alloc(MAX + 1);
  let off = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, off, buf.length - off, null);
      if (n === 0) break;
      off += n;
      if (off > MAX)
        throw new KeyriteError(
          'CLI_INPUT_TOO_LARGE',
          `${option} ${fd} gave more than ${MAX} bytes`,
          'give one passphrase per line, nothing else',
        );
    }
    const out = Buffer.alloc(off);
    buf.copy(out, 0, 0, off);
    return out;
  } catch (e) {
    if (e instanceof KeyriteError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new KeyriteError(
      'CLI_FD_UNREADABLE',
      `file descriptor ${fd} (${option}) cannot be read (${code})`,
      `give a file or pipe on descriptor ${fd} (e.g. ${fd}<file), or use the matching --…-file option`,
    );
  } finally {
    buf.fill(0);
  }
}

/** The first line of `input` (without its line ending) as a secret; `input` is wiped. */
export function firstLine(input: Buffer, what: string): SecretBuffer {
  try {
    let end = input.indexOf(0x0a);
    if (end < 0) end = input.length;
    if (end > 0 && input[end - 1] === 0x0d) end--;
    if (end === 0)
      throw new KeyriteError(
        'PASSPHRASE_EMPTY',
        `the ${what} given is empty`,
        `put the ${what} on the first line`,
      );
    const out = SecretBuffer.alloc(end);
    out.use((o) => input.copy(o, 0, 0, end));
    return out;
  } finally {
    input.fill(0);
  }
}

export function readSecretInputFile(file: string): Buffer {
  return readBoundedFile(file, 'passphrase');
}

/** Takes the variable's value out of the environment (so child processes do not inherit it). */
export function takeEnvSecret(name: string): Buffer | undefined {
  const v = process.env[name];
  if (v === undefined) return undefined;
  delete process.env[name];
  return Buffer.from(v, 'utf8');
}

import { KeyriteError } from '../../src-shared/errors.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';

const MAX = 1024;

/**
 * Line editing for a no-echo prompt, on bytes: printable bytes append, backspace/delete removes,
 * Enter finishes, Ctrl-C / Ctrl-D cancel. The typed line never becomes a string, and the working
 * buffer is wiped when the line is handed over or abandoned.
 */
export class SecretLineEditor {
  #buf = Buffer.alloc(MAX);
  #len = 0;

  /** Feeds keystrokes; returns 'done' with the line, 'cancel', or 'more'. */
  feed(chunk: Buffer): { state: 'more' } | { state: 'cancel' } | { state: 'done'; line: Buffer } {
    try {
      for (const b of chunk) {
        if (b === 0x03 || b === 0x04) {
          this.wipe();
          return { state: 'cancel' };
        }
        if (b === 0x0d || b === 0x0a) {
          const line = Buffer.alloc(this.#len);
          this.#buf.copy(line, 0, 0, this.#len);
          this.wipe();
          return { state: 'done', line };
        }
        if (b === 0x7f || b === 0x08) {
          if (this.#len > 0) this.#buf[--this.#len] = 0;
          continue;
        }
        if (b < 0x20) continue; // other control bytes (escape sequences' lead) are ignored
        if (this.#len >= MAX)
          throw new KeyriteError(
            'PASSPHRASE_TOO_LONG',
            `a passphrase is at most ${MAX} bytes`,
            'type a shorter passphrase',
          );
        this.#buf[this.#len++] = b;
      }
      return { state: 'more' };
    } finally {
      chunk.fill(0);
    }
  }

  wipe(): void {
    this.#buf.fill(0);
    this.#len = 0;
  }
}

/** Reads one line from a TTY in raw mode with no echo, into a Buffer. */
export function readSecretLineFromTty(prompt: string): Promise<Buffer> {
  const stdin = process.stdin;
  if (!stdin.isTTY)
    throw new KeyriteError(
      'CEREMONY_NO_TTY',
      'passphrases can only be typed at a terminal, and this is not one',
      'run keyrite ceremony in a terminal (or, for automated tests, pass --passphrase-fd)',
    );
  const editor = new SecretLineEditor();
  // Echo off first, prompt second: whatever is typed once the prompt shows is never echoed.
  stdin.setRawMode(true);
  stdin.resume();
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: Buffer) => {
      try {
        const r = editor.feed(chunk);
        if (r.state === 'done') {
          finish();
          resolve(r.line);
        } else if (r.state === 'cancel') {
          finish();
          reject(
            new KeyriteError(
              'CEREMONY_CANCELLED',
              'cancelled at the passphrase prompt',
              'reopen the ceremony with --resume to continue where it stopped',
            ),
          );
        }
      } catch (e) {
        editor.wipe();
        finish();
        reject(e);
      }
    };
    stdin.on('data', onData);
  });
}

/** Reads a plain (echoed, non-secret) answer line from the terminal. */
export function readAnswer(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    process.stderr.write(prompt);
    const onData = (d: Buffer) => {
      process.stdin.off('data', onData);
      process.stdin.pause();
      resolve(d.toString('utf8').trim());
    };
    process.stdin.resume();
    process.stdin.on('data', onData);
  });
}

function hexNibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/**
 * Decodes a typed hex component into secret bytes without ever making a string of it; spaces are
 * allowed between groups. The typed buffer is wiped.
 */
export function decodeHexComponent(typed: Buffer, length: number): SecretBuffer {
  const out = SecretBuffer.alloc(length);
  try {
    let n = 0;
    let hi = -1;
    out.use((o) => {
      for (const c of typed) {
        if (c === 0x20) continue;
        const v = hexNibble(c);
        if (v < 0 || n >= length)
          throw new KeyriteError(
            'COMPONENT_FORMAT',
            `a component is exactly ${length * 2} hex digits`,
            'type the component again from its form',
          );
        if (hi < 0) hi = v;
        else {
          o[n++] = (hi << 4) | v;
          hi = -1;
        }
      }
    });
    if (n !== length || hi >= 0)
      throw new KeyriteError(
        'COMPONENT_FORMAT',
        `a component is exactly ${length * 2} hex digits`,
        'type the component again from its form',
      );
    return out;
  } catch (e) {
    out.dispose();
    throw e;
  } finally {
    typed.fill(0);
  }
}

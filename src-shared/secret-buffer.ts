import { Buffer } from 'node:buffer';

/**
 * Custody of secret bytes. The bytes live in a Buffer.alloc'd region (never the shared pool, never a
 * string) and are overwritten with zeros on dispose. `use` lends the bytes for the duration of a
 * callback; nothing may keep a reference past it.
 *
 * Lives in src-shared (not src-main/secrets) because the wrap module, which is shared, consumes it.
 */
export class SecretBuffer {
  #bytes: Buffer | null;

  private constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  /** A fresh zero-filled secret of `length` bytes, to be filled by the caller through `use`. */
  static alloc(length: number): SecretBuffer {
    return new SecretBuffer(Buffer.alloc(length));
  }

  /** Copies `source` into fresh memory and zeroes `source`, which the caller must no longer use. */
  static adopt(source: Uint8Array): SecretBuffer {
    const bytes = Buffer.alloc(source.length);
    bytes.set(source);
    source.fill(0);
    return new SecretBuffer(bytes);
  }

  get length(): number {
    return this.#live().length;
  }

  get disposed(): boolean {
    return this.#bytes === null;
  }

  use<T>(fn: (bytes: Buffer) => T): T {
    return fn(this.#live());
  }

  async useAsync<T>(fn: (bytes: Buffer) => Promise<T>): Promise<T> {
    return fn(this.#live());
  }

  dispose(): void {
    if (this.#bytes) {
      this.#bytes.fill(0);
      this.#bytes = null;
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Secrets never print: not in logs, not in errors, not through util.inspect. */
  toString(): string {
    return '[SecretBuffer]';
  }

  toJSON(): string {
    return '[SecretBuffer]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `[SecretBuffer ${this.#bytes ? this.#bytes.length + ' bytes' : 'disposed'}]`;
  }

  #live(): Buffer {
    if (!this.#bytes) throw new Error('SecretBuffer used after dispose');
    return this.#bytes;
  }
}

/** Runs `fn` with `secret` and disposes it afterwards, on success and on every error path. */
export async function withSecret<T>(
  secret: SecretBuffer,
  fn: (s: SecretBuffer) => Promise<T> | T,
): Promise<T> {
  try {
    return await fn(secret);
  } finally {
    secret.dispose();
  }
}

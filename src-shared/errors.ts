/**
 * Every failure a user can meet is a KeyriteError: a stable `code` for programs, a one-line `message`
 * for people and a `hint` that says what to do. Messages never contain secret material.
 */
const KEYRITE_ERROR: unique symbol = Symbol.for('keyrite.KeyriteError');

export class KeyriteError extends Error {
  readonly code: string;
  readonly hint: string;
  /**
   * Marks a KeyriteError made by any copy of this module: the bundled command line carries one copy in
   * its command table and one in each command's bundle, and the table reports what a command throws.
   */
  readonly [KEYRITE_ERROR] = true;

  constructor(code: string, message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyriteError';
    this.code = code;
    this.hint = hint;
  }

  /** The shape that crosses IPC and the CLI: no stack, no cause. */
  toJSON(): { code: string; message: string; hint: string } {
    return { code: this.code, message: this.message, hint: this.hint };
  }
}

/** A KeyriteError, from this copy of the module or another one (see KEYRITE_ERROR). */
export function isKeyriteError(e: unknown): e is KeyriteError {
  return (
    e instanceof KeyriteError ||
    (e instanceof Error && (e as Partial<Record<typeof KEYRITE_ERROR, unknown>>)[KEYRITE_ERROR] === true)
  );
}

/** For exhaustive switches: the compiler proves this is unreachable. */
export function missingCase(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}

/**
 * Every failure a user can meet is a KeyriteError: a stable `code` for programs, a one-line `message`
 * for people and a `hint` that says what to do. Messages never contain secret material.
 */
export class KeyriteError extends Error {
  readonly code: string;
  readonly hint: string;

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

export function isKeyriteError(e: unknown): e is KeyriteError {
  return e instanceof KeyriteError;
}

/** For exhaustive switches: the compiler proves this is unreachable. */
export function missingCase(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}

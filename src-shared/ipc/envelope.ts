/**
 * What every operation resolves to. Failures travel as data, not as rejected promises: Electron
 * rewrites the message of an error thrown from a handler and contextBridge drops an error's extra
 * properties, so `{code, message, hint}` would not survive as a throw.
 */
export interface IpcFailure {
  code: string;
  message: string;
  hint: string;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcFailure };

export function success<T>(value: T): IpcResult<T> {
  return { ok: true, value };
}

export function failure(code: string, message: string, hint: string): IpcResult<never> {
  return { ok: false, error: { code, message, hint } };
}

/** Narrowing guard for results that come back through an untyped transport. */
export function isIpcResult(value: unknown): value is IpcResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; value?: unknown; error?: unknown };
  if (v.ok === true) return 'value' in v;
  if (v.ok !== false || typeof v.error !== 'object' || v.error === null) return false;
  const e = v.error as Record<string, unknown>;
  return typeof e.code === 'string' && typeof e.message === 'string' && typeof e.hint === 'string';
}

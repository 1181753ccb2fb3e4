import type { KeyriteApi } from '../../src-shared/ipc/api.js';
import type { IpcFailure, IpcResult } from '../../src-shared/ipc/envelope.js';

declare global {
  interface Window {
    readonly keyrite?: KeyriteApi;
  }
}

/** A refusal or failure from main, carrying its code and hint for the screen to show. */
export class OperationFailed extends Error {
  readonly code: string;
  readonly hint: string;
  constructor(failure: IpcFailure) {
    super(failure.message);
    this.name = 'OperationFailed';
    this.code = failure.code;
    this.hint = failure.hint;
  }
}

export function api(): KeyriteApi {
  const k = window.keyrite;
  if (!k) {
    throw new OperationFailed({
      code: 'NO_BRIDGE',
      message: 'This page is not running inside Keyrite.',
      hint: 'Start Keyrite with `npm start` instead of opening the page directly.',
    });
  }
  return k;
}

/** Unwraps an operation's result: the value, or an OperationFailed thrown for the screen's catch. */
export async function unwrap<T>(pending: Promise<IpcResult<T>>): Promise<T> {
  const r = await pending;
  if (r.ok) return r.value;
  throw new OperationFailed(r.error);
}

export function asFailure(e: unknown): IpcFailure {
  if (e instanceof OperationFailed) return { code: e.code, message: e.message, hint: e.hint };
  return { code: 'RENDERER', message: 'Something went wrong on this screen.', hint: 'Reload the window.' };
}

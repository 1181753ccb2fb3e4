import type { IpcFailure } from '../../../src-shared/ipc/envelope.js';

/** The engine's refusals start in lower case (they also end up in logs); on screen they are sentences. */
export function asSentences(f: IpcFailure): IpcFailure {
  const s = (t: string) => {
    const x = t.charAt(0).toUpperCase() + t.slice(1);
    return /[.!?]$/.test(x) ? x : `${x}.`;
  };
  return { code: f.code, message: s(f.message), hint: s(f.hint) };
}

import type { IpcFailure } from '../../src-shared/ipc/index.js';
import { isKeyriteError } from '../../src-shared/errors.js';
import { diskFault } from '../media/disk-fault.js';

/**
 * The only way an error leaves main: a KeyriteError keeps its code, message and hint (written for
 * people, never containing secrets); anything else becomes a fixed INTERNAL message, because its text
 * may name paths, library internals or worse.
 */
export function toFailure(error: unknown): IpcFailure {
  const known = isKeyriteError(error) ? error : diskFault(error, 'the ceremony files');
  if (known) return { code: known.code, message: known.message, hint: known.hint };
  return {
    code: 'INTERNAL',
    message: 'Keyrite hit an unexpected problem and stopped this action.',
    hint: 'The audit log records what happened; try again, and report it if it repeats.',
  };
}

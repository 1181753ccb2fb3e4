import { KeyriteError } from '../../../src-shared/errors.js';

/** For an operation whose service this build does not have: a coded refusal, never a fake answer. */
export function notAvailable(what: string): never {
  throw new KeyriteError(
    'NOT_AVAILABLE',
    `${what} is not available in this build of Keyrite.`,
    'Use the keyrite command line for this step, or update Keyrite.',
  );
}

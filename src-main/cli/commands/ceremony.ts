import type { Command } from '../io.js';
import { KeyriteError } from '../../../src-shared/errors.js';

// PLACEHOLDER: replaced by the real command; must not survive to a landing.
export const command: Command = {
  summary: '(being built)',
  usage: 'keyrite ceremony',
  async run() {
    throw new KeyriteError('NOT_BUILT', 'keyrite ceremony is not built yet', 'see README: what works today');
  },
};

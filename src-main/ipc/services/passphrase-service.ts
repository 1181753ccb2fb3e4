import type { KeyriteServices } from '../services.js';
import { GENERATED_BITS, GENERATED_WORDS } from '../../secrets/diceware.js';
import { generateWords } from '../../secrets/generated-passphrase.js';
import type { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { DEFAULT_SCRYPT_COST } from '../../secrets/passphrase-seal.js';
import { PASSPHRASE_POLICY, PASSPHRASE_RULE, checkPassphrase } from '../../secrets/passphrase-policy.js';

/**
 * The passphrase policy for front ends: its text and numbers, a check that judges a candidate exactly
 * as enrollment will (same names counted against it), and generated passphrases. `ceremonyId` names the
 * loaded ceremony, if any. The policy itself is enforced where keys are sealed, not here.
 */
export function passphraseService(
  ceremonyId: () => string | undefined,
): Pick<KeyriteServices, 'passphrase.policy' | 'passphrase.check' | 'passphrase.generate'> {
  const context = (custodianId: string | undefined): string[] =>
    [ceremonyId(), custodianId].filter((s): s is string => s !== undefined);
  return {
    'passphrase.policy': async () => ({
      rule: PASSPHRASE_RULE,
      minCharacters: PASSPHRASE_POLICY.minCharacters,
      maxBytes: PASSPHRASE_POLICY.maxBytes,
      minScore: PASSPHRASE_POLICY.minScore,
      minGuessesLog10: PASSPHRASE_POLICY.minGuessesLog10,
      generatedWords: GENERATED_WORDS,
      generatedBits: GENERATED_BITS,
      kdf: {
        algorithm: 'scrypt',
        ...DEFAULT_SCRYPT_COST,
        memoryMiB: (128 * DEFAULT_SCRYPT_COST.N * DEFAULT_SCRYPT_COST.r) / 2 ** 20,
      },
    }),
    'passphrase.check': async (r) => {
      // Bytes, as the contract requires; the estimator alone holds them as text, for the length of the check.
      const bytes = r.passphrase;
      try {
        const v = checkPassphrase(bytes, context(r.custodianId));
        return {
          acceptable: v.acceptable,
          score: v.score,
          guessesLog10: v.guessesLog10,
          problems: v.problems,
          ...(v.warning ? { warning: v.warning } : {}),
          suggestions: v.suggestions,
        };
      } finally {
        bytes.fill(0);
      }
    },
    'passphrase.generate': async (r) => {
      const g = wordsThatPassTheEstimate(context(r.custodianId));
      try {
        // Shown to the one custodian who enrolls with it: it must reach their screen as text.
        return { passphrase: g.use((b) => b.toString('utf8')), words: GENERATED_WORDS, bits: GENERATED_BITS };
      } finally {
        g.dispose();
      }
    },
  };
}

/**
 * Six generated words the strength estimate also accepts. The app's passphrase reaches the renderer as
 * text and comes back as bytes typed (or pasted) into the enrollment form: new bytes, which the seal
 * estimates like any chosen passphrase. Re-drawn in the rare case the estimate would refuse them, so
 * what the app offers always passes.
 */
function wordsThatPassTheEstimate(context: readonly string[]): SecretBuffer {
  for (;;) {
    const g = generateWords();
    if (g.use((b) => checkPassphrase(b, context).acceptable)) return g;
    g.dispose();
  }
}

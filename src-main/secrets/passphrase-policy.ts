import { KeyriteError } from '../../src-shared/errors.js';
import type { SecretBuffer } from '../../src-shared/secret-buffer.js';
import type { PassphraseStrength } from '../../src-shared/ceremony/passphrase-strength.js';
import { estimateStrength } from './strength-estimator.js';
import { generatedOrigin, type GeneratedOrigin } from './generated-passphrase.js';

/**
 * The passphrase policy, enforced where a key is sealed under a passphrase (passphrase-seal.ts), so no
 * front end can bypass it; front ends only explain it (the rule text, the check below). A passphrase
 * Keyrite generated itself is judged by its entropy by construction instead of the estimate (below).
 *
 * Why these numbers: each guess against a sealed key costs one scrypt derivation at Keyrite's default
 * cost (about 1 s and 256 MiB on a 2-core workstation), so 10^12 estimated guesses is tens of
 * thousands of core-years, and zxcvbn's estimate is for an attacker who tries common passwords,
 * words, names, keyboard walks, dates and the ceremony's own names first.
 */
export const PASSPHRASE_POLICY = {
  minCharacters: 12,
  maxBytes: 1024,
  /** zxcvbn score 4 means at least 10^10 guesses; Keyrite asks for 10^12. */
  minScore: 4,
  minGuessesLog10: 12,
} as const;

export const PASSPHRASE_RULE =
  `A passphrase needs at least ${PASSPHRASE_POLICY.minCharacters} characters and must resist at least ` +
  `10^${PASSPHRASE_POLICY.minGuessesLog10} guesses as estimated by zxcvbn (score ${PASSPHRASE_POLICY.minScore} ` +
  'of 4), which tries common passwords, words, names, dates, keyboard patterns and the ceremony’s own ' +
  'names first. Several unrelated words are the easy way: take a generated passphrase of six words.';

export interface PassphraseVerdict {
  acceptable: boolean;
  score: number;
  guessesLog10: number;
  /** Why it is refused, in the policy's own terms; empty when acceptable. */
  problems: string[];
  warning: string | undefined;
  suggestions: string[];
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function characterCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The rules that need no estimate: size, UTF-8, characters. Returns the text to estimate, or the refusal. */
function basicRules(bytes: Uint8Array): { text: string; problems: string[] } | PassphraseVerdict {
  if (bytes.length > PASSPHRASE_POLICY.maxBytes)
    return refusal([`a passphrase is at most ${PASSPHRASE_POLICY.maxBytes} bytes`]);
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return refusal(['the passphrase is not valid UTF-8 text']);
  }
  const problems: string[] = [];
  if (characterCount(text) < PASSPHRASE_POLICY.minCharacters)
    problems.push(`it has fewer than ${PASSPHRASE_POLICY.minCharacters} characters`);
  return { text, problems };
}

/** Judges passphrase bytes (UTF-8) against the policy. `context`: names an attacker would try first. */
export function checkPassphrase(bytes: Uint8Array, context: readonly string[] = []): PassphraseVerdict {
  const basic = basicRules(bytes);
  if ('acceptable' in basic) return basic;
  const { text, problems } = basic;
  const est = estimateStrength(text, ['keyrite', ...context]);
  if (est.score < PASSPHRASE_POLICY.minScore || est.guessesLog10 < PASSPHRASE_POLICY.minGuessesLog10)
    problems.push(
      `it is estimated to fall after about 10^${Math.floor(est.guessesLog10)} guesses; ` +
        `at least 10^${PASSPHRASE_POLICY.minGuessesLog10} are needed`,
    );
  return { acceptable: problems.length === 0, ...est, problems };
}

/**
 * A passphrase Keyrite generated (generated-passphrase.ts) is judged by what it is made of, not guessed
 * at: its entropy by construction must reach the same 10^12 guesses (2^40), and the other rules apply.
 * zxcvbn would only estimate how a person might have chosen it, which no person did.
 */
function checkGenerated(bytes: Uint8Array, origin: GeneratedOrigin): PassphraseVerdict {
  const basic = basicRules(bytes);
  if ('acceptable' in basic) return basic;
  const { problems } = basic;
  const guessesLog10 = Math.floor(origin.bits * Math.log10(2) * 10) / 10;
  if (guessesLog10 < PASSPHRASE_POLICY.minGuessesLog10)
    problems.push(
      `it was generated with ${origin.bits} bits, about 10^${Math.floor(guessesLog10)} guesses; ` +
        `at least 10^${PASSPHRASE_POLICY.minGuessesLog10} are needed`,
    );
  return {
    acceptable: problems.length === 0,
    score: PASSPHRASE_POLICY.minScore,
    guessesLog10,
    problems,
    warning: undefined,
    suggestions: [],
  };
}

function refusal(problems: string[]): PassphraseVerdict {
  return { acceptable: false, score: 0, guessesLog10: 0, problems, warning: undefined, suggestions: [] };
}

/**
 * Throws PASSPHRASE_WEAK, saying why and what to do, unless the passphrase meets the policy; says how it
 * met it (generated, with its bits, or chosen and estimated) for the enrollment record.
 */
export function assertPassphraseAcceptable(
  passphrase: SecretBuffer,
  context: readonly string[] = [],
): PassphraseStrength {
  const origin = generatedOrigin(passphrase);
  const verdict = passphrase.use((b) => (origin ? checkGenerated(b, origin) : checkPassphrase(b, context)));
  if (verdict.acceptable)
    return origin
      ? { origin: 'generated', method: origin.method, bits: origin.bits }
      : { origin: 'chosen', judged: 'estimated' };
  const why = [...verdict.problems, ...(verdict.warning ? [verdict.warning] : [])].join('; ');
  throw new KeyriteError(
    'PASSPHRASE_WEAK',
    `this passphrase is too easy to guess: ${why}`,
    `${PASSPHRASE_RULE}${verdict.suggestions.length > 0 ? ` ${verdict.suggestions.join(' ')}` : ''}`,
  );
}

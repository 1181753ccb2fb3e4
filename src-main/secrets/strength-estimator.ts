import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

/** What the estimator says about one passphrase; no part of the passphrase itself. */
export interface StrengthEstimate {
  /** zxcvbn's score, 0 (trivial) to 4 (at least 10^10 guesses). */
  score: number;
  /** log10 of the estimated number of guesses an informed attacker needs. */
  guessesLog10: number;
  warning: string | undefined;
  suggestions: string[];
}

let factory: ZxcvbnFactory | undefined;

/**
 * zxcvbn-ts with its English and common dictionaries (password lists, names, Wikipedia words,
 * keyboard patterns), all bundled in the packages: nothing is fetched. Built once (about half a
 * second) and kept. Levenshtein matching stays off: it made one check cost 0.5–2 s (too slow for a
 * meter that follows typing) while l33t, dictionary, sequence and repeat matching already refuse the
 * weak passphrases the review used (password12, qwertyuiop, 1234567890).
 */
function estimator(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    useLevenshteinDistance: false,
  });
  return factory;
}

/**
 * Estimates a passphrase given as text. zxcvbn works on strings, so the caller's bytes become one
 * short-lived string here: the one place a passphrase is a string in main, and it is never stored.
 * `context` lists words an attacker would try first (ceremony and custodian ids).
 */
export function estimateStrength(text: string, context: readonly string[]): StrengthEstimate {
  const r = estimator().check(text, [...context]);
  return {
    score: r.score,
    guessesLog10: Math.round(r.guessesLog10 * 10) / 10,
    warning: r.feedback.warning ?? undefined,
    suggestions: [...r.feedback.suggestions],
  };
}

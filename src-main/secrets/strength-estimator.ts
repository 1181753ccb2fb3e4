import { createRequire } from 'node:module';
import type * as Core from '@zxcvbn-ts/core';
import type * as Common from '@zxcvbn-ts/language-common';
import type * as En from '@zxcvbn-ts/language-en';

/** What the estimator says about one passphrase; no part of the passphrase itself. */
export interface StrengthEstimate {
  /** zxcvbn's score, 0 (trivial) to 4 (at least 10^10 guesses). */
  score: number;
  /** log10 of the estimated number of guesses an informed attacker needs. */
  guessesLog10: number;
  warning: string | undefined;
  suggestions: string[];
}

let factory: Core.ZxcvbnFactory | undefined;

/**
 * zxcvbn-ts with its English and common dictionaries (password lists, names, Wikipedia words,
 * keyboard patterns), all bundled in the packages: nothing is fetched. Built once (about half a
 * second) and kept. Levenshtein matching stays off: it made one check cost 0.5–2 s (too slow for a
 * meter that follows typing) while l33t, dictionary, sequence and repeat matching already refuse the
 * weak passphrases the review used (password12, qwertyuiop, 1234567890).
 *
 * Loaded on the first check, not on import: the station key's module imports the policy, so every
 * command would otherwise pay for loading and unpacking about 235,000 words (a quarter of a second of
 * CPU and some 30 MiB) although only enrolment and the passphrase meter ever estimate anything.
 */
function estimator(): Core.ZxcvbnFactory {
  if (factory) return factory;
  const load = createRequire(__filename);
  const { ZxcvbnFactory } = load('@zxcvbn-ts/core') as typeof Core;
  const common = load('@zxcvbn-ts/language-common') as typeof Common;
  const en = load('@zxcvbn-ts/language-en') as typeof En;
  factory = new ZxcvbnFactory({
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

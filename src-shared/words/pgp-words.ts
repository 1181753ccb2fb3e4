import { PGP_EVEN_WORDS, PGP_ODD_WORDS } from './pgp-word-list.js';

/** Bytes (or a hex string) as PGP words, e.g. e5 82 → "topmost Istanbul". */
export function toPgpWords(input: Buffer | string): string[] {
  const bytes = typeof input === 'string' ? hexBytes(input) : input;
  return Array.from(bytes, (b, i) => (i % 2 === 0 ? PGP_EVEN_WORDS[b]! : PGP_ODD_WORDS[b]!));
}

/** Words back to bytes, case-insensitively; refuses an unknown word or a word in the wrong position. */
export function fromPgpWords(words: readonly string[]): Buffer {
  return Buffer.from(
    words.map((w, i) => {
      const list = i % 2 === 0 ? PGP_EVEN_WORDS : PGP_ODD_WORDS;
      const b = list.findIndex((x) => x.toLowerCase() === w.toLowerCase());
      if (b < 0)
        throw new RangeError(
          `word ${i + 1} ("${w}") is not a PGP ${i % 2 === 0 ? 'even' : 'odd'}-position word`,
        );
      return b;
    }),
  );
}

function hexBytes(hex: string): Buffer {
  const clean = hex.replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new RangeError('not a hex string');
  return Buffer.from(clean, 'hex');
}

/** Bytes (or a hex string) as one line of PGP words, as people read them aloud. */
export function toWords(input: Buffer | string): string {
  return toPgpWords(input).join(' ');
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PGP_EVEN_WORDS, PGP_ODD_WORDS } from '../../../src-shared/words/pgp-word-list.js';
import { fromPgpWords, toPgpWords } from '../../../src-shared/words/pgp-words.js';

void test('the word lists are complete and unambiguous', () => {
  assert.equal(PGP_EVEN_WORDS.length, 256);
  assert.equal(PGP_ODD_WORDS.length, 256);
  assert.equal(new Set([...PGP_EVEN_WORDS, ...PGP_ODD_WORDS].map((w) => w.toLowerCase())).size, 512);
});

void test('known encodings from the published list', () => {
  assert.deepEqual(toPgpWords('e582'), ['topmost', 'Istanbul']);
  assert.deepEqual(toPgpWords('00ff'), ['aardvark', 'Yucatan']);
  assert.deepEqual(toPgpWords(Buffer.from([0xff, 0x00])), ['Zulu', 'adroitness']);
});

void test('words round-trip and a swapped pair is refused', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (u) =>
      assert.ok(fromPgpWords(toPgpWords(Buffer.from(u))).equals(Buffer.from(u))),
    ),
  );
  assert.throws(() => fromPgpWords(['Istanbul', 'topmost']), RangeError);
});

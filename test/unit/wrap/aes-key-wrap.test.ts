import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { aesKeyUnwrapPad, aesKeyWrapPad } from '../../../src-shared/wrap/index.js';
import { hex, onlyKeyriteErrors, throwsCode } from './harness/helpers.js';

// RFC 5649 section 6: the two published vectors (192-bit KEK).
const KEK = hex('5840df6e29b02af1 ab493b705bf16ea1 ae8338f4dcc176a8');
const VECTORS = [
  {
    plain: hex('c37b7e6492584340 bed1220780894115 5068f738'),
    wrapped: hex('138bdeaa9b8fa7fc 61f97742e72248ee 5ae6ae5360d1ae6a 5f54f373fa543b6a'),
  },
  { plain: hex('466f7250617369'), wrapped: hex('afbeb0f07dfbf541 9200f2ccb50bb24f') },
];

void test('RFC 5649 test vectors wrap and unwrap byte for byte', () => {
  for (const v of VECTORS) {
    assert.deepEqual(aesKeyWrapPad(KEK, v.plain), v.wrapped);
    assert.deepEqual(aesKeyUnwrapPad(KEK, v.wrapped), v.plain);
  }
});

void test('round trip for every length 1..80 with 128, 192 and 256-bit keks', () => {
  for (const kekLen of [16, 24, 32]) {
    const kek = randomBytes(kekLen);
    for (let n = 1; n <= 80; n++) {
      const p = randomBytes(n);
      const w = aesKeyWrapPad(kek, p);
      assert.equal(w.length, 8 + Math.ceil(n / 8) * 8);
      assert.deepEqual(aesKeyUnwrapPad(kek, w), p);
    }
  }
});

void test('a wrong kek, a flipped bit or a cut is UNWRAP_FAILED', () => {
  const kek = randomBytes(32);
  const w = aesKeyWrapPad(kek, randomBytes(32));
  throwsCode(() => aesKeyUnwrapPad(randomBytes(32), w), 'UNWRAP_FAILED');
  for (let i = 0; i < w.length * 8; i += 7) {
    const bad = Buffer.from(w);
    bad[i >> 3] = (bad[i >> 3] as number) ^ (1 << (i & 7));
    throwsCode(() => aesKeyUnwrapPad(kek, bad), 'UNWRAP_FAILED');
  }
  throwsCode(() => aesKeyUnwrapPad(kek, w.subarray(0, w.length - 8)), 'UNWRAP_FAILED');
  throwsCode(() => aesKeyUnwrapPad(kek, w.subarray(0, 8)), 'UNWRAP_FAILED');
  throwsCode(() => aesKeyUnwrapPad(kek, Buffer.concat([w, Buffer.alloc(3)])), 'UNWRAP_FAILED');
});

void test('bad inputs to wrap are coded errors', () => {
  throwsCode(() => aesKeyWrapPad(randomBytes(32), Buffer.alloc(0)), 'AES_WRAP_INPUT');
  throwsCode(() => aesKeyWrapPad(randomBytes(20), Buffer.alloc(8)), 'AES_KEY_SIZE');
});

void test('property: wrap/unwrap round-trips any plaintext', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 1, maxLength: 300 }),
      (k, p) => {
        const kek = Buffer.from(k);
        assert.deepEqual(aesKeyUnwrapPad(kek, aesKeyWrapPad(kek, Buffer.from(p))), Buffer.from(p));
      },
    ),
    { numRuns: 200 },
  );
});

void test('property: unwrap of random, truncated or bit-flipped input only ever fails with a KeyriteError', () => {
  const kek = randomBytes(32);
  const good = aesKeyWrapPad(kek, randomBytes(40));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      onlyKeyriteErrors(() => aesKeyUnwrapPad(kek, Buffer.from(bytes)));
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.nat(good.length), fc.nat(good.length * 8 - 1), (cut, bit) => {
      throwsCode(
        () => aesKeyUnwrapPad(kek, good.subarray(0, Math.min(cut, good.length - 1))),
        'UNWRAP_FAILED',
      );
      const flipped = Buffer.from(good);
      flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
      throwsCode(() => aesKeyUnwrapPad(kek, flipped), 'UNWRAP_FAILED');
    }),
    { numRuns: 200 },
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  canonicalString,
  decodeCanonical,
  encodeCanonical,
} from '../../../src-shared/audit/canonical-json.js';

/** Values the codec accepts: JSON with safe integers only (no floats, no -0). */
const canonicalArb = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger().map((n) => (Object.is(n, -0) ? 0 : n)),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }), tie('value'), {
      maxKeys: 5,
      noNullPrototype: true,
    }),
  ),
})).value;

/** An independent oracle: JSON.stringify over a copy whose keys were inserted in sorted order. */
function sortedCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedCopy);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      // defineProperty so a "__proto__" key stays a key, as JSON.parse makes it.
      Object.defineProperty(out, k, {
        value: sortedCopy((v as Record<string, unknown>)[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}

void test('canonical JSON round-trips and matches sorted-key JSON.stringify', () => {
  fc.assert(
    fc.property(canonicalArb, (v) => {
      const bytes = encodeCanonical(v);
      assert.deepEqual(decodeCanonical(bytes), v);
      assert.ok(encodeCanonical(decodeCanonical(bytes)).equals(bytes));
      // Integer-like keys are where JS object order and sorted order part ways; compare text only otherwise.
      if (!JSON.stringify(v).match(/"\d+":/)) assert.equal(canonicalString(v), JSON.stringify(sortedCopy(v)));
    }),
    { numRuns: 400 },
  );
});

void test('the encoding does not depend on key insertion order', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 8 }), (d) => {
      const reversed = Object.fromEntries(Object.entries(d).reverse());
      assert.equal(canonicalString(d), canonicalString(reversed));
    }),
  );
});

void test('keys sort by UTF-16 code units as JCS specifies', () => {
  // U+1F600 (surrogates D83D..) sorts before U+FB01 in UTF-16 order, after it in code point order.
  assert.equal(
    canonicalString({ '\uFB01': 1, '\u{1F600}': 2, a: 3, B: 4 }),
    '{"B":4,"a":3,"\u{1F600}":2,"\uFB01":1}',
  );
  assert.equal(
    canonicalString({ s: 'line\nquote"back\\ctl\u0001' }),
    '{"s":"line\\nquote\\"back\\\\ctl\\u0001"}',
  );
});

void test('values outside the subset are refused', () => {
  for (const bad of [
    1.5,
    NaN,
    Infinity,
    -0,
    2 ** 53,
    undefined,
    () => 1,
    new Date(0),
    new Map(),
    10n,
    '\uD800',
    { ['\uDC00']: 1 },
  ]) {
    assert.throws(() => encodeCanonical({ v: bad }), { code: 'AUDIT_NOT_CANONICAL' }, String(bad));
  }
});

void test('decoding refuses every non-canonical spelling', () => {
  const bad = [
    '{"a":1, "b":2}',
    '{"b":1,"a":2}',
    '{"a":1,"a":2}',
    '{"a":1.0}',
    '{"a":1e2}',
    '{"a":"\\u0041"}',
    '{"a":-0}',
    ' {"a":1}',
    '{"a":9007199254740993}',
    '{"a":"\u007f"}'.replace('\u007f', '\\u007f'),
    'not json',
  ];
  for (const b of bad) assert.throws(() => decodeCanonical(b), { code: 'AUDIT_NOT_CANONICAL' }, b);
  assert.throws(() => decodeCanonical(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])), {
    code: 'AUDIT_NOT_CANONICAL',
  });
});

void test('any single-byte change to an encoding is refused or decodes to a different value', () => {
  fc.assert(
    fc.property(canonicalArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (v, pos, xor) => {
      const bytes = encodeCanonical(v);
      const edited = Buffer.from(bytes);
      const i = pos % edited.length;
      edited[i] = edited[i]! ^ xor;
      let decoded: unknown;
      try {
        decoded = decodeCanonical(edited);
      } catch {
        return;
      }
      assert.notDeepEqual(decoded, v);
    }),
    { numRuns: 400 },
  );
});

/** The rule itself, spelled the slow way: the text is canonical iff re-encoding its value gives it back. */
function canonicalByReencoding(text: string): boolean {
  try {
    return canonicalString(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}

const acceptedByDecode = (text: string): boolean => {
  try {
    decodeCanonical(text);
    return true;
  } catch {
    return false;
  }
};

void test('decoding (with its fast path) accepts exactly the texts that re-encode to themselves', () => {
  const nested = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  for (const [text, canonical] of [
    ['{"a":1.5}', false],
    ['{"a":[1.25,2]}', false],
    ['{"a":{"c":1,"b":2}}', false],
    ['{"10":1,"9":2}', true],
    ['{"9":2,"10":1}', false],
    ['{"a":9007199254740991}', true],
    ['{"a":-9007199254740991}', true],
    ['{"a":"\\ud800"}', false],
    ['{"a":"\ud83d\ude00"}', true],
    ['{"__proto__":1,"a":2}', true],
    [`{"a":${nested(63)}}`, true],
    [`{"a":${nested(64)}}`, false],
  ] as const) {
    assert.equal(acceptedByDecode(text), canonical, text);
    assert.equal(canonicalByReencoding(text), canonical, `oracle: ${text}`);
  }
  // JSON with floats, -0, any key order, deep nesting: written in JS order, canonical, or sorted.
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (v, sorted) => {
      for (const text of [JSON.stringify(v), JSON.stringify(sorted ? sortedCopy(v) : v)]) {
        assert.equal(acceptedByDecode(text), canonicalByReencoding(text), text);
      }
      let canonical: string | undefined;
      try {
        canonical = canonicalString(v);
      } catch {
        return;
      }
      assert.equal(acceptedByDecode(canonical), true, canonical);
    }),
    { numRuns: 1000 },
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DerError,
  TAG,
  bitLength,
  children,
  encodeTlv,
  readOnly,
  readTlv,
  unsignedInteger,
} from '../../../src-shared/wrap/der.js';
import { readPkcs8 } from '../../../src-shared/wrap/pkcs8.js';

/** Calls fn; anything thrown must be a DerError (the only failure the DER reader may produce). */
function onlyDerErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
  }
}

void test('encode and read agree for short, 1-byte and 2-byte lengths', () => {
  for (const n of [0, 1, 127, 128, 255, 256, 3000]) {
    const v = Buffer.alloc(n, 7);
    const der = encodeTlv(TAG.OCTET_STRING, v);
    assert.deepEqual(readOnly(der, TAG.OCTET_STRING), v);
  }
});

void test('non-DER encodings are refused: indefinite, non-minimal, truncated, trailing bytes', () => {
  assert.throws(() => readTlv(Buffer.from([0x30, 0x80, 0, 0]), 0), DerError);
  assert.throws(() => readTlv(Buffer.from([0x04, 0x81, 0x05, 1, 2, 3, 4, 5]), 0), DerError);
  assert.throws(() => readTlv(Buffer.from([0x04, 0x05, 1, 2]), 0), DerError);
  assert.throws(() => readOnly(Buffer.from([0x04, 0x01, 1, 0]), TAG.OCTET_STRING), DerError);
  assert.throws(() => readTlv(Buffer.from([0x04, 0x85, 1, 1, 1, 1, 1]), 0), DerError);
});

void test('integers: sign byte stripped, negatives refused, bit lengths', () => {
  assert.deepEqual(unsignedInteger(Buffer.from([0, 0x80])), Buffer.from([0x80]));
  assert.throws(() => unsignedInteger(Buffer.from([0x80])), DerError);
  assert.equal(bitLength(Buffer.from([0, 1, 0])), 9);
  assert.equal(bitLength(Buffer.from([0])), 0);
});

void test('property: the reader and the PKCS#8 reader only ever throw DerError on any input', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
      const buf = Buffer.from(b);
      onlyDerErrors(() => readTlv(buf, 0));
      onlyDerErrors(() => children(buf));
      onlyDerErrors(() => readPkcs8(buf));
    }),
    { numRuns: 1000 },
  );
  // Random nested structures: SEQUENCEs of random elements, which get past the outer checks.
  const element = fc.tuple(
    fc.constantFrom(0x02, 0x04, 0x06, 0x30, 0xa0, 0xa1),
    fc.uint8Array({ maxLength: 40 }),
  );
  fc.assert(
    fc.property(fc.array(element, { maxLength: 6 }), (els) => {
      const der = encodeTlv(TAG.SEQUENCE, ...els.map(([t, v]) => encodeTlv(t, Buffer.from(v))));
      onlyDerErrors(() => readPkcs8(der));
    }),
    { numRuns: 500 },
  );
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalString } from '../../../src-shared/audit/canonical-json.js';
import {
  checkedRecordDigest,
  computeRecordHash,
  recordDigest,
  recordHashInput,
} from '../../../src-shared/audit/record.js';

void test('the spliced-payload hash input is byte-identical to the full canonical encoding', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 30 });
  fc.assert(
    fc.property(
      fc.record({
        seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        time: text,
        ceremonyId: text,
        stationId: text,
        actor: text,
        type: text,
        prevHash: text,
        payload: fc.dictionary(text, fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null)), {
          noNullPrototype: true,
        }),
      }),
      (body) => {
        assert.ok(recordHashInput(body).equals(recordHashInput(body, canonicalString(body.payload))));
      },
    ),
    { numRuns: 500 },
  );
});

void test('the record digest is SHA-256 of the hash input, on both paths', () => {
  const text = fc.string({ unit: 'binary', maxLength: 30 });
  fc.assert(
    fc.property(
      fc.record({
        seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        time: text,
        ceremonyId: text,
        stationId: text,
        actor: text,
        type: text,
        prevHash: text,
        payload: fc.dictionary(text, fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null)), {
          noNullPrototype: true,
        }),
      }),
      (body) => {
        let expected: string;
        try {
          expected = createHash('sha256').update(recordHashInput(body)).digest('hex');
        } catch {
          // Not encodable (a lone surrogate): the digest must refuse too, on both paths.
          assert.throws(() => recordDigest(body), { code: 'AUDIT_NOT_CANONICAL' });
          return;
        }
        assert.equal(recordDigest(body).toString('hex'), expected);
        assert.equal(recordDigest(body, canonicalString(body.payload)).toString('hex'), expected);
        assert.equal(computeRecordHash(body), expected);
      },
    ),
    { numRuns: 500 },
  );
});

void test('the checked digest equals the record digest for every record meeting its precondition', () => {
  const text = fc.string({ unit: 'binary', maxLength: 30 });
  const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
  const time = fc
    .date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2099-12-31T23:59:59Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString());
  const body = fc.record({
    seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    time,
    ceremonyId: fc.oneof(text, fc.constant('ceremony-1')),
    stationId: fc.oneof(text, fc.constant('0123456789abcdef0123456789abcdef')),
    actor: fc.oneof(text, fc.constant('station')),
    type: fc.oneof(text, fc.constant('note')),
    prevHash: hex64,
    payload: fc.dictionary(text, fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null)), {
      noNullPrototype: true,
    }),
  });
  // Sequences of records, so the remembered encodings of repeated fields are exercised and changed.
  fc.assert(
    fc.property(fc.array(body, { minLength: 1, maxLength: 8 }), (bodies) => {
      for (const b of bodies) {
        let expected: string | undefined;
        try {
          expected = recordDigest(b).toString('hex');
        } catch {
          expected = undefined;
        }
        let payloadText: string;
        try {
          payloadText = canonicalString(b.payload);
        } catch {
          continue;
        }
        if (expected === undefined) {
          assert.throws(() => checkedRecordDigest(b, payloadText), { code: 'AUDIT_NOT_CANONICAL' });
          continue;
        }
        assert.equal(checkedRecordDigest(b, payloadText).toString('hex'), expected);
      }
    }),
    { numRuns: 500 },
  );
});

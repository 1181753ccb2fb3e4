import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalString } from '../../../src-shared/audit/canonical-json.js';
import { computeRecordHash, recordDigest, recordHashInput } from '../../../src-shared/audit/record.js';

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

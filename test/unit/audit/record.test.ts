import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalString } from '../../../src-shared/audit/canonical-json.js';
import { recordHashInput } from '../../../src-shared/audit/record.js';

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

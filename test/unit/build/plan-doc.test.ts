import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PLAN_DOC, generatedPlanDoc } from '../../../src-main/build/plan-doc.js';
import { PLAN_FIELD_DOCS } from '../../../src-shared/plan/plan-fields.js';
import { planFields } from '../../../src-shared/plan/plan-json-schema.js';

void test('every field of the plan schema is described, and every description names a field', () => {
  const paths = planFields().map((f) => f.path);
  const missing = paths.filter((p) => PLAN_FIELD_DOCS[p] === undefined);
  const stale = Object.keys(PLAN_FIELD_DOCS).filter((p) => !paths.includes(p));
  assert.deepEqual(missing, [], 'describe these new plan fields in src-shared/plan/plan-fields.ts');
  assert.deepEqual(stale, [], 'these described fields are no longer in the plan schema');
});

void test('docs/PLAN.md’s generated sections match the schema and the shipped plans (run `npm run docs`)', () => {
  const current = readFileSync(PLAN_DOC, 'utf8');
  assert.equal(generatedPlanDoc(current), current, 'docs/PLAN.md is stale: run `npm run docs`');
  for (const mode of ['csprng', 'split-knowledge', 'existing-file', 'existing-shares'])
    assert.match(current, new RegExp(`material: \\{ mode: ${mode}`), `an example for ${mode}`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { validatePlan } from '../../../src-shared/ceremony/plan.js';
import { preflightRefusals, type CompatibilityCheck } from '../../../src-shared/ceremony/preflight.js';
import { assertCompatible } from '../../../src-shared/wrap/index.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { readPlanFile } from '../../../src-main/ceremony/plan-file.js';

const fixture = path.resolve(__dirname, '../../fixtures/plans/rehearsal-symmetric.yaml');

void test('the built-in rehearsal plan is the shipped fixture plan, digest for digest, and passes pre-flight', () => {
  const builtIn = validatePlan(defaultRehearsalPlan());
  assert.equal(validatePlan(readPlanFile(fixture)).digest, builtIn.digest);
  assert.deepEqual(
    preflightRefusals(builtIn.plan, new Date(), assertCompatible as unknown as CompatibilityCheck),
    [],
  );
});

void test('a plan file that cannot be read is refused with the file named', () => {
  assert.throws(() => readPlanFile(path.join(__dirname, 'no-such-plan.yaml')), { code: 'PLAN_UNREADABLE' });
});

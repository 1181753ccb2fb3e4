import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyEvent,
  foldEvents,
  initialState,
  isGuarded,
  nextStep,
} from '../../../src-shared/ceremony/state-machine.js';
import { validatePlan } from '../../../src-shared/ceremony/plan.js';
import { basePlanDoc } from './harness/plan-doc.js';

const { plan, digest } = validatePlan(basePlanDoc());

void test('a fresh ceremony starts at enrollment and skips what the plan does not need', () => {
  const s = initialState('c1', digest, plan);
  assert.equal(nextStep(s), 'enroll');
  assert.equal(s.steps['grant'], 'skipped');
  assert.equal(s.steps['create-key'], 'pending');
  assert.equal(s.steps['backup-shares'], 'pending');
});

void test('steps run only in order', () => {
  const s = initialState('c1', digest, plan);
  assert.throws(() => applyEvent(s, { kind: 'step-started', step: 'import' }), {
    code: 'CEREMONY_OUT_OF_ORDER',
  });
  assert.throws(() => applyEvent(s, { kind: 'step-completed', step: 'enroll', facts: {} }), {
    code: 'CEREMONY_OUT_OF_ORDER',
  });
  const s1 = applyEvent(s, { kind: 'step-started', step: 'enroll' });
  assert.throws(() => applyEvent(s1, { kind: 'step-started', step: 'preflight' }), {
    code: 'CEREMONY_OUT_OF_ORDER',
  });
  const s2 = applyEvent(s1, { kind: 'step-completed', step: 'enroll', facts: { note: 'x' } });
  assert.equal(nextStep(s2), 'preflight');
  assert.equal(s2.facts['note'], 'x');
});

void test('a failed step is the next step again; a rewind re-opens every later step', () => {
  let s = initialState('c1', digest, plan);
  for (const step of [
    'enroll',
    'preflight',
    'create-key',
    'import-parameters',
    'generate-material',
  ] as const) {
    s = foldEvents(s, [
      { kind: 'step-started', step },
      { kind: 'step-completed', step, facts: {} },
    ]);
  }
  s = applyEvent(s, { kind: 'step-started', step: 'backup-shares' });
  s = applyEvent(s, { kind: 'step-failed', step: 'backup-shares', reason: 'disk' });
  assert.equal(nextStep(s), 'backup-shares');
  s = applyEvent(s, { kind: 'rewound', to: 'generate-material', reason: 'material lost' });
  assert.equal(nextStep(s), 'generate-material');
  assert.equal(s.steps['create-key'], 'done');
  assert.equal(s.steps['grant'], 'skipped');
});

void test('close ends the ceremony; nothing applies after it', () => {
  let s = initialState('c1', digest, plan);
  for (const step of [
    'enroll',
    'preflight',
    'create-key',
    'import-parameters',
    'generate-material',
    'backup-shares',
    'verify-shares',
    'wrap',
    'import',
    'verify',
    'handover',
    'close',
  ] as const) {
    s = foldEvents(s, [
      { kind: 'step-started', step },
      { kind: 'step-completed', step, facts: {} },
    ]);
  }
  assert.equal(s.closed, true);
  assert.equal(nextStep(s), null);
  assert.throws(() => applyEvent(s, { kind: 'rewound', to: 'import', reason: 'x' }), {
    code: 'CEREMONY_OUT_OF_ORDER',
  });
});

void test('guarded steps come from the plan, and skipped steps are never guarded', () => {
  assert.equal(isGuarded(plan, 'import'), true);
  assert.equal(isGuarded(plan, 'wrap'), false);
  const noBackup = validatePlan({ ...basePlanDoc(), backup: { shares: false } }).plan;
  assert.equal(isGuarded(noBackup, 'backup-shares'), false);
});

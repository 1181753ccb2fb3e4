import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GUARDABLE_STEPS,
  STEP_CATALOGUE,
  isStepId,
  type StepId,
} from '../../../src-shared/ceremony/steps.js';
import {
  CEREMONY_KINDS,
  STEPS,
  initialState,
  skippedSteps,
} from '../../../src-shared/ceremony/state-machine.js';
import { validatePlan } from '../../../src-shared/ceremony/plan.js';
import { STEP_RUNNERS } from '../../../src-main/ceremony/steps/index.js';
import { SPLIT_ORDERS, isPeerStep, stationOrder } from '../../../src-shared/ceremony/stations.js';
import { basePlanDoc, setIn } from './harness/plan-doc.js';

const ids = Object.keys(STEP_CATALOGUE).filter(isStepId);

void test('every step of every ceremony kind is in the catalogue once and has one run function', () => {
  for (const [kind, order] of Object.entries(CEREMONY_KINDS)) {
    assert.equal(new Set(order).size, order.length, `${kind} lists a step twice`);
    for (const s of order) assert.ok(isStepId(s), `${kind}: ${s}`);
  }
  assert.deepEqual([...ids].sort(), Object.keys(STEP_RUNNERS).sort());
  for (const id of ids) assert.equal(typeof STEP_RUNNERS[id], 'function', id);
});

void test('a step shows only facts it establishes, and says where it runs and who acts', () => {
  for (const id of ids) {
    const d = STEP_CATALOGUE[id];
    assert.ok(d.title.length > 0 && d.description.length > 0, id);
    assert.ok(['online', 'offline', 'either'].includes(d.station), id);
    assert.ok(d.actors.length > 0, id);
    const established = Object.keys(d.facts.shape);
    for (const k of d.shows) assert.ok(established.includes(k), `${id} shows ${k} but does not establish it`);
  }
});

void test('the steps a plan may guard are exactly those whose quorum rule allows it; defaults come from the catalogue', () => {
  const guardable = ids.filter((id) => STEP_CATALOGUE[id].quorum !== 'never');
  assert.deepEqual([...guardable].sort(), [...GUARDABLE_STEPS].sort());
  const { plan } = validatePlan(basePlanDoc());
  assert.deepEqual(
    plan.guardedSteps,
    STEPS.filter((s) => STEP_CATALOGUE[s].quorum === 'default'),
  );
});

void test('steps touching KMS run online; material, shares and custodian keys stay offline', () => {
  const online: StepId[] = ['preflight', 'create-key', 'import-parameters', 'import', 'verify', 'grant'];
  const offline: StepId[] = ['enroll', 'generate-material', 'backup-shares', 'verify-shares', 'wrap'];
  for (const s of online) assert.equal(STEP_CATALOGUE[s].station, 'online', s);
  for (const s of offline) assert.equal(STEP_CATALOGUE[s].station, 'offline', s);
});

void test('a plan skips the steps it has no use for, as each catalogue entry says', () => {
  const doc = basePlanDoc();
  doc['backup'] = { shares: false };
  const { plan, digest } = validatePlan(doc);
  assert.deepEqual([...skippedSteps(plan)].sort(), ['backup-shares', 'grant', 'verify-shares']);
  const state = initialState('c1', digest, plan);
  assert.deepEqual(state.order, STEPS);
  assert.equal(state.steps['verify-shares'], 'skipped');
});

void test('each split order is its kind’s steps in another order; a split rotation runs material, shares and wrap offline, the import and the rotation online', () => {
  for (const [kind, order] of Object.entries(SPLIT_ORDERS))
    assert.deepEqual(
      [...order].sort(),
      [...CEREMONY_KINDS[kind as keyof typeof SPLIT_ORDERS]].sort(),
      `split ${kind}`,
    );
  const doc = basePlanDoc();
  delete (doc['target'] as { key: Record<string, unknown> }).key['create'];
  setIn(doc, 'target.key.existing', { keyId: 'alias/k', keySpec: 'SYMMETRIC_DEFAULT' });
  setIn(doc, 'rotate', {});
  setIn(doc, 'stations', 'split');
  const { plan } = validatePlan(doc);
  assert.deepEqual(stationOrder('offline', plan), [
    'preflight',
    'import-parameters',
    'enroll',
    'generate-material',
    'backup-shares',
    'verify-shares',
    'wrap',
    'close',
  ]);
  assert.deepEqual(stationOrder('online', plan), SPLIT_ORDERS.rotate);
  for (const s of ['import', 'verify', 'rotate', 'handover'] as const) {
    assert.equal(isPeerStep('offline', s), true, s);
    assert.equal(isPeerStep('online', s), false, s);
  }
});

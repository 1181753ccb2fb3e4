import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validatePlan } from '../../../src-shared/ceremony/plan.js';
import {
  assertPlanAcceptable,
  preflightRefusals,
  type CompatibilityCheck,
} from '../../../src-shared/ceremony/preflight.js';
import { assertCompatible } from '../../../src-shared/wrap/compat.js';
import { basePlanDoc, getIn, setIn, type PlanDoc } from './harness/plan-doc.js';

const now = new Date('2026-03-01T00:00:00Z');
const compat = assertCompatible as unknown as CompatibilityCheck;

function refusalsOf(mutate: (d: PlanDoc) => void): string[] {
  const doc = structuredClone(basePlanDoc()) as PlanDoc;
  mutate(doc);
  return preflightRefusals(validatePlan(doc).plan, now, compat).map((r) => r.code);
}

void test('the base plan passes pre-flight', () => {
  assert.deepEqual(
    refusalsOf(() => {}),
    [],
  );
});

void test('the plan digest is stable across spellings and changes with any field', () => {
  const a = validatePlan(basePlanDoc()).digest;
  const reordered = Object.fromEntries(Object.entries(basePlanDoc()).reverse());
  assert.equal(validatePlan(reordered).digest, a);
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(validatePlan({ ...basePlanDoc(), name: 'other' }).digest, a);
});

void test('schema problems are refused with the path that is wrong', () => {
  assert.throws(() => validatePlan({ ...basePlanDoc(), quorum: { m: 0 } }), {
    code: 'PLAN_INVALID',
    message: /quorum\.m/,
  });
  assert.throws(() => validatePlan({ ...basePlanDoc(), surprise: true }), { code: 'PLAN_INVALID' });
});

const cases: [string, (d: PlanDoc) => void, string][] = [
  [
    'RSA material under direct RSA-OAEP',
    (d) => setIn(d, 'target.key.create.keySpec', 'RSA_2048'),
    'PLAN_ALGORITHM_INCOMPATIBLE',
  ],
  [
    'P-521 under OAEP with an RSA_2048 wrapping key',
    (d) => setIn(d, 'target.key.create.keySpec', 'ECC_NIST_P521'),
    'PLAN_ALGORITHM_INCOMPATIBLE',
  ],
  ['an alias without alias/', (d) => setIn(d, 'target.key.create.alias', 'my-key'), 'PLAN_ALIAS_SYNTAX'],
  [
    'an alias under alias/aws/',
    (d) => setIn(d, 'target.key.create.alias', 'alias/aws/mine'),
    'PLAN_ALIAS_RESERVED',
  ],
  [
    'a key usage the spec does not allow',
    (d) => setIn(d, 'target.key.create.keyUsage', 'SIGN_VERIFY'),
    'PLAN_KEY_USAGE',
  ],
  [
    'validTo in the past',
    (d) => setIn(d, 'expiration', { model: 'KEY_MATERIAL_EXPIRES', validTo: '2026-02-01T00:00:00Z' }),
    'PLAN_VALID_TO_PAST',
  ],
  [
    'validTo more than 365 days ahead',
    (d) => setIn(d, 'expiration', { model: 'KEY_MATERIAL_EXPIRES', validTo: '2027-03-02T00:00:00Z' }),
    'PLAN_VALID_TO_RANGE',
  ],
  ['a quorum larger than the custodians', (d) => setIn(d, 'quorum.m', 4), 'PLAN_QUORUM_TOO_LARGE'],
  [
    'a custodian listed twice',
    (d) => (getIn(d, 'participants.custodians') as unknown[]).push({ id: 'c1', name: 'Again' }),
    'PLAN_DUPLICATE_PARTICIPANT',
  ],
  [
    'two custodians with one name',
    (d) => {
      const cs = getIn(d, 'participants.custodians') as Array<{ id: string; name: string }>;
      cs.push({ id: 'c9', name: ` ${(cs[0]?.name ?? '').toUpperCase()} ` });
    },
    'PLAN_DUPLICATE_CUSTODIAN_NAME',
  ],
  [
    'a witness who is also a custodian',
    (d) => setIn(d, 'participants.witnesses', [{ id: 'c2', name: 'W' }]),
    'PLAN_DUPLICATE_PARTICIPANT',
  ],
  ['backup shares with a quorum of one', (d) => setIn(d, 'quorum.m', 1), 'PLAN_BACKUP_QUORUM'],
  [
    'split knowledge of an ECC key',
    (d) => {
      setIn(d, 'target.key.create.keySpec', 'ECC_NIST_P256');
      setIn(d, 'material', { mode: 'split-knowledge' });
    },
    'PLAN_SPLIT_KNOWLEDGE_SPEC',
  ],
  [
    'a grant to the key’s own account',
    (d) => setIn(d, 'grant', { accountId: '111122223333' }),
    'PLAN_GRANT_SELF',
  ],
  ['a guarded grant without a grant', (d) => setIn(d, 'guardedSteps', ['grant']), 'PLAN_GUARD_UNKNOWN_STEP'],
];
for (const [what, mutate, code] of cases) {
  void test(`pre-flight refuses ${what}`, () => {
    assert.ok(refusalsOf(mutate).includes(code), `expected ${code}, got ${refusalsOf(mutate).join(', ')}`);
  });
}

void test('validTo inside the window passes', () => {
  assert.deepEqual(
    refusalsOf((d) =>
      setIn(d, 'expiration', { model: 'KEY_MATERIAL_EXPIRES', validTo: '2026-12-01T00:00:00Z' }),
    ),
    [],
  );
});

void test('assertPlanAcceptable reports every reason at once', () => {
  const doc = structuredClone(basePlanDoc()) as PlanDoc;
  setIn(doc, 'quorum.m', 4);
  setIn(doc, 'target.key.create.alias', 'bad');
  assert.throws(() => assertPlanAcceptable(validatePlan(doc).plan, now, compat), {
    code: 'PLAN_REFUSED',
    message: /2 reasons/,
  });
});

void test('a rotation may be split (air-gapped); a multi-Region rotation may not, in this version', () => {
  const rotation = (d: PlanDoc) => {
    setIn(d, 'target.key', { existing: { keyId: 'alias/k', keySpec: 'SYMMETRIC_DEFAULT' } });
    setIn(d, 'rotate', {});
    setIn(d, 'stations', 'split');
  };
  assert.deepEqual(refusalsOf(rotation), []);
  assert.deepEqual(
    refusalsOf((d) => {
      rotation(d);
      setIn(d, 'target.replicaRegions', ['us-west-2']);
    }),
    ['PLAN_REPLICA_SPLIT'],
  );
});

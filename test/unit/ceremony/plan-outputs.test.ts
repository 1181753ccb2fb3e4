import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planDigest, validatePlan } from '../../../src-shared/ceremony/plan.js';
import { preflightRefusals, type CompatibilityCheck } from '../../../src-shared/ceremony/preflight.js';
import { assertCompatible } from '../../../src-shared/wrap/compat.js';
import { basePlanDoc, type PlanDoc } from './harness/plan-doc.js';

const now = new Date('2026-03-01T00:00:00Z');
const compat = assertCompatible as unknown as CompatibilityCheck;
const gcp = {
  cloud: 'gcp',
  importJob: 'job.yaml',
  algorithm: 'google-symmetric-encryption',
  key: 'payments',
};
const hsm = 'https://contoso-hsm.managedhsm.azure.net/keys/kek/0123456789abcdef0123456789abcdef';
const vault = 'https://contoso.vault.azure.net/keys/kek/0123456789abcdef0123456789abcdef';

function withOutputs(outputs: unknown[], more: PlanDoc = {}): PlanDoc {
  return { ...structuredClone(basePlanDoc()), outputs, ...more };
}
const refusals = (doc: PlanDoc) =>
  preflightRefusals(validatePlan(doc).plan, now, compat).map((r) => `${r.code}: ${r.message}`);

void test('a plan with outputs guards the wrap step by default, and its digest covers every output field', () => {
  const { plan, digest } = validatePlan(withOutputs([gcp]));
  assert.deepEqual(plan.guardedSteps, ['generate-material', 'backup-shares', 'wrap', 'import']);
  assert.deepEqual(refusals(withOutputs([gcp])), []);
  for (const [field, value] of [
    ['importJob', 'other.yaml'],
    ['algorithm', 'aes-256-gcm'],
    ['key', 'other'],
  ] as const)
    assert.notEqual(validatePlan(withOutputs([{ ...gcp, [field]: value }])).digest, digest, field);
  // Plans without outputs keep their digests: the field is absent, not empty.
  const base = validatePlan(basePlanDoc());
  assert.equal(base.plan.outputs, undefined);
  assert.equal(base.digest, planDigest(base.plan));
  assert.deepEqual(base.plan.guardedSteps, ['generate-material', 'backup-shares', 'import']);
});

void test('outputs a cloud would refuse, or the ceremony cannot promise, are refused before anyone enrolls', () => {
  const cases: [PlanDoc, RegExp][] = [
    [
      withOutputs([gcp], { guardedSteps: ['generate-material', 'import'] }),
      /^PLAN_OUTPUT_UNGUARDED: the plan has outputs but does not guard the wrap step/,
    ],
    [
      withOutputs([{ ...gcp, algorithm: 'ec-sign-p256-sha256' }]),
      /^PLAN_OUTPUT_SPEC: output 1 \(gcp\): Cloud KMS algorithm ec-sign-p256-sha256 takes ECC_NIST_P256 material, this ceremony makes SYMMETRIC_DEFAULT$/,
    ],
    [
      withOutputs([{ cloud: 'azure', kek: 'kek.pem', kid: vault, name: 'k' }]),
      /^PLAN_OUTPUT_SPEC: output 1 \(azure\): Key Vault imports AES keys only into a Managed HSM/,
    ],
    [
      withOutputs([{ cloud: 'azure', kek: 'kek.pem', kid: 'https://example.com/kek', name: 'k' }]),
      /^PLAN_OUTPUT_KID: output 1 \(azure\): "https:\/\/example.com\/kek" is not a Key Vault key identifier/,
    ],
  ];
  for (const [doc, reason] of cases) {
    const found = refusals(doc);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0] ?? '', reason);
  }
  // Air-gapped: the offline station, which holds the material, writes the outputs.
  assert.deepEqual(refusals(withOutputs([gcp], { stations: 'split' })), []);
  // An RSA key: the plain RSA-OAEP import methods cannot carry a private key; Azure has no HMAC keys.
  const rsa = structuredClone(basePlanDoc());
  (rsa['target'] as PlanDoc)['key'] = {
    create: { alias: 'alias/rsa', keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' },
  };
  rsa['outputs'] = [
    { ...gcp, algorithm: 'rsa-sign-pss-2048-sha256', importMethod: 'rsa-oaep-3072-sha256' },
    { cloud: 'azure', kek: 'kek.json', name: 'rsa-key' },
  ];
  assert.deepEqual(
    refusals(rsa).filter((r) => r.startsWith('PLAN_OUTPUT')),
    ['PLAN_OUTPUT_METHOD: output 1 (gcp): import method rsa-oaep-3072-sha256 wraps symmetric keys only'],
  );
  const hmac = structuredClone(basePlanDoc());
  (hmac['target'] as PlanDoc)['key'] = { create: { alias: 'alias/mac', keySpec: 'HMAC_256' } };
  hmac['outputs'] = [{ cloud: 'azure', kek: 'kek.json', kid: hsm, name: 'mac' }];
  assert.match(refusals(hmac).join('\n'), /output 1 \(azure\): Azure Key Vault cannot import HMAC_256 keys/);
  // The schema itself: names the clouds would refuse.
  assert.throws(() => validatePlan(withOutputs([{ ...gcp, key: 'bad key' }])), {
    code: 'PLAN_INVALID',
    message: /outputs\.0\.key/,
  });
  assert.throws(() => validatePlan(withOutputs([{ cloud: 'aws', kek: 'x', name: 'y' }])), {
    code: 'PLAN_INVALID',
  });
  assert.throws(() => validatePlan(withOutputs([])), { code: 'PLAN_INVALID', message: /outputs/ });
});

import type { CeremonyPlan } from './plan.js';
import type { Refusal } from './target-refusals.js';

/**
 * What a rotation plan must be, refused before anyone enrolls: AWS rotates imported material on
 * demand only for symmetric encryption keys (RotateKeyOnDemand, 2025 import API), and a rotation
 * needs a key that already holds material. Huawei Cloud KMS has no on-demand rotation of imported keys.
 */
export function rotationRefusals(plan: CeremonyPlan): Refusal[] {
  const t0 = plan.target;
  const named = t0.provider === 'aws' && 'existing' in t0.key ? t0.key.existing : undefined;
  if (
    named?.keyMaterialId !== undefined &&
    (plan.rotate !== undefined || named.keySpec !== 'SYMMETRIC_DEFAULT')
  )
    return [
      {
        code: 'PLAN_KEY_MATERIAL_ID',
        message:
          plan.rotate !== undefined
            ? 'a rotation imports new material; keyMaterialId names material to reimport'
            : `only SYMMETRIC_DEFAULT keys have several materials with ids, not ${named.keySpec}`,
        hint: 'remove target.key.existing.keyMaterialId',
      },
    ];
  if (plan.rotate === undefined)
    return plan.guardedSteps.includes('rotate')
      ? [
          {
            code: 'PLAN_GUARD_UNKNOWN_STEP',
            message: 'the rotate step is guarded but the plan has no rotate',
            hint: 'remove rotate from guardedSteps, or add rotate to make this a rotation ceremony',
          },
        ]
      : [];
  const out: Refusal[] = [];
  const t = plan.target;
  if (t.provider !== 'aws')
    out.push({
      code: 'PLAN_ROTATE_PROVIDER',
      message: `${t.provider} KMS cannot rotate imported key material on demand`,
      hint: 'rotation ceremonies are for AWS KMS keys; remove rotate from the plan',
    });
  if (!('existing' in t.key))
    out.push({
      code: 'PLAN_ROTATE_NEW_KEY',
      message: 'a rotation ceremony rotates an existing key; this plan creates one',
      hint: 'name the key under target.key.existing, or remove rotate to import into a new key',
    });
  else if (t.key.existing.keySpec !== 'SYMMETRIC_DEFAULT')
    out.push({
      code: 'PLAN_ROTATE_KEY_SPEC',
      message: `KMS rotates imported material on demand only for SYMMETRIC_DEFAULT keys, not ${t.key.existing.keySpec}`,
      hint: 'for an asymmetric or HMAC key, create a new key and move users to it (alias update)',
    });
  if (plan.grant)
    out.push({
      code: 'PLAN_ROTATE_GRANT',
      message: 'a rotation ceremony does not change the key policy',
      hint: 'remove grant; grants made when the key was created stay in force',
    });
  return out;
}

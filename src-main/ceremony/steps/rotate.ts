import { randomBytes } from 'node:crypto';
import { KeyriteError } from '../../../src-shared/errors.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import type { StepContext } from '../step-context.js';
import { keyIdOf } from './kms-lookups.js';
import { checkCanary, materialOf } from './rotation.js';
import { isMultiRegion } from './multi-region.js';
import { checkReplicasRotated } from './multi-region-rotation.js';

/**
 * RotateKeyOnDemand, then proof: KMS names the new material CURRENT and the prior one NON_CURRENT, a
 * ciphertext made before the rotation still decrypts, and a new Encrypt/Decrypt round trip works.
 * Rerun after a crash, it asks KMS first: a rotation that already happened is not repeated (a second
 * RotateKeyOnDemand would be refused for lack of pending material, and would spend a rotation).
 */
export async function runRotate(ctx: StepContext): Promise<FactsOf<'rotate'>> {
  const keyId = keyIdOf(ctx);
  const f = ctx.log.facts;
  const newId = f.keyMaterialId;
  const priorId = f.priorKeyMaterialId;
  if (!newId || !priorId || newId === priorId)
    throw new KeyriteError(
      'ROTATE_NOTHING_IMPORTED',
      'this ceremony has not recorded new key material pending rotation',
      'reopen the ceremony: it resumes from the import',
    );
  const before = await ctx.kms.describeKey(keyId);
  let how: string;
  if (before.keyMaterialId === newId) {
    how = 'KMS already showed the new material current (rotated before a restart)';
  } else if (before.keyMaterialId === priorId) {
    const staged = await materialOf(ctx, keyId, newId);
    if (staged?.state !== 'PENDING_ROTATION')
      throw new KeyriteError(
        'ROTATE_NOT_PENDING',
        `material ${newId} is ${staged?.state ?? 'not associated with the key'}, not PENDING_ROTATION`,
        'someone changed the key during the ceremony; stop and investigate',
      );
    await ctx.journal.effect(
      'kms.rotate-key-on-demand',
      `RotateKeyOnDemand ${before.arn}`,
      { keyArn: before.arn, keyMaterialId: newId, priorKeyMaterialId: priorId },
      () => ctx.kms.rotateKeyOnDemand(keyId),
      () => ({}),
    );
    how = 'RotateKeyOnDemand';
  } else {
    throw new KeyriteError(
      'ROTATE_CURRENT_CHANGED',
      `key ${before.arn} has current material ${before.keyMaterialId ?? '(none)'}, neither the prior ${priorId} nor this ceremony's ${newId}`,
      'someone rotated the key during the ceremony; stop and investigate',
    );
  }
  const after = await ctx.kms.describeKey(keyId);
  const materials = await ctx.kms.listKeyMaterials(keyId);
  const stateOf = (id: string) => materials.find((m) => m.keyMaterialId === id)?.state;
  if (after.keyMaterialId !== newId || stateOf(newId) !== 'CURRENT' || stateOf(priorId) !== 'NON_CURRENT')
    throw new KeyriteError(
      'ROTATE_NOT_CURRENT',
      `after ${how}, KMS shows material ${after.keyMaterialId ?? '(none)'} current (new ${stateOf(newId) ?? 'missing'}, prior ${stateOf(priorId) ?? 'missing'})`,
      'the rotation did not take effect as planned; investigate before using the key',
    );
  const canaryMaterial = await checkCanary(ctx, after.arn);
  const probe = randomBytes(32);
  if (!(await ctx.kms.decrypt(keyId, await ctx.kms.encrypt(keyId, probe))).equals(probe))
    throw new KeyriteError(
      'ROTATE_ROUND_TRIP',
      `the Encrypt/Decrypt round trip under the new material of ${after.arn} failed`,
      'do not use this key; keep the audit log and investigate',
    );
  const replicas = isMultiRegion(ctx) ? `; ${await checkReplicasRotated(ctx, newId, priorId)}` : '';
  const check = `${how}; new material CURRENT, prior NON_CURRENT; a ciphertext made under ${canaryMaterial.slice(0, 12)}… still decrypts; new Encrypt/Decrypt round trip works${replicas}`;
  ctx.journal.append('kms.rotated', {
    keyArn: after.arn,
    keyMaterialId: newId,
    priorKeyMaterialId: priorId,
    check,
  });
  return {
    keyArn: after.arn,
    keyMaterialId: newId,
    keyMaterialState: 'CURRENT',
    priorKeyMaterialId: priorId,
    note: check,
  };
}

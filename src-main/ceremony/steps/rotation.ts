import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { KeyriteError } from '../../../src-shared/errors.js';
import { sha256Hex } from '../../../src-shared/digests.js';
import { planKind } from '../../../src-shared/ceremony/state-machine.js';
import type { KeyFacts, KeyMaterialFacts, KmsPort } from '../../kms/kms-port.js';
import type { CeremonyPlan } from '../../../src-shared/ceremony/plan.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import type { StepContext } from '../step-context.js';

/*
 * The rotation ceremony's checks around the shared import steps: the key must hold imported material
 * and nothing pending before new material is staged, the staged material must be the one this
 * ceremony imported, and a ciphertext made before the rotation must decrypt after it.
 */

export function isRotation(ctx: StepContext): boolean {
  return planKind(ctx.log.plan) === 'rotate';
}

/** KMS's KeyMaterialDescription for new material: the ceremony and its quorum, then the plan's words. */
export function materialDescription(ctx: StepContext): string {
  return materialDescriptionFor(ctx.log.plan, ctx.log.ceremonyId);
}

/** Always names the ceremony first, so a reimport from its shares finds the material; the plan's words follow. */
export function materialDescriptionFor(plan: CeremonyPlan, ceremonyId: string): string {
  const own = `keyrite ${ceremonyId} quorum ${plan.quorum.m} of ${plan.participants.custodians.length}`;
  const extra = plan.rotate?.keyMaterialDescription;
  return extra === undefined ? own : `${own} ${extra}`;
}

/**
 * The material this rotation staged, as KMS lists it now, or null when none is pending: pre-flight
 * refused a key with pending material, so pending material with this ceremony's description is its own.
 */
export async function stagedMaterial(
  kms: KmsPort,
  plan: CeremonyPlan,
  ceremonyId: string,
  keyId: string,
): Promise<KeyMaterialFacts | null> {
  const want = materialDescriptionFor(plan, ceremonyId);
  const all = await kms.listKeyMaterials(keyId);
  return all.find((m) => m.state.startsWith('PENDING_') && m.description === want) ?? null;
}

/**
 * Pre-flight for a rotation: an Enabled key with imported material whose every material is present,
 * and no material already pending rotation (which this ceremony's import would collide with, and which
 * recovery could not tell from its own). Returns the CURRENT material's id.
 */
export async function rotationPreflight(ctx: StepContext, k: KeyFacts): Promise<string> {
  if (k.keyState !== 'Enabled')
    throw new KeyriteError(
      'PREFLIGHT_KEY_STATE',
      `key ${k.arn} is ${k.keyState}; a rotation needs an Enabled key with its imported material in place`,
      k.keyState === 'PendingImport'
        ? 'reimport the missing material first (a reimport ceremony from its backup shares), then rotate'
        : 'enable the key, or choose the right key',
    );
  const materials = await ctx.kms.listKeyMaterials(k.keyId);
  const pending = materials.find((m) => m.state.startsWith('PENDING_'));
  if (pending)
    throw new KeyriteError(
      'PREFLIGHT_MATERIAL_PENDING',
      `key ${k.arn} already has material ${pending.keyMaterialId} ${pending.state}${pending.description ? ` (“${pending.description}”)` : ''}`,
      'find out who staged it; rotate it in (RotateKeyOnDemand) or delete it (DeleteImportedKeyMaterial with its KeyMaterialId) before this ceremony',
    );
  const current = materials.find((m) => m.state === 'CURRENT');
  if (!current || (k.keyMaterialId !== undefined && current.keyMaterialId !== k.keyMaterialId))
    throw new KeyriteError(
      'PREFLIGHT_NO_CURRENT_MATERIAL',
      `KMS names no single current key material for ${k.arn}`,
      'check the key with ListKeyRotations --include-key-material ALL_KEY_MATERIAL before rotating',
    );
  return current.keyMaterialId;
}

/** The new material as KMS lists it, or null when KMS lists no such material. */
export async function materialOf(
  ctx: StepContext,
  keyId: string,
  id: string,
): Promise<KeyMaterialFacts | null> {
  return (await ctx.kms.listKeyMaterials(keyId)).find((m) => m.keyMaterialId === id) ?? null;
}

const canaryFile = z.strictObject({
  keyArn: z.string(),
  keyMaterialId: z.string(),
  ciphertext: z.string(),
  plaintextSha256: z.string(),
});

/**
 * A ciphertext made now, under the current (prior) material: the rotate step proves with it that
 * rotating keeps every earlier ciphertext readable. The probe is random bytes chosen for this check
 * (no secret); the file is written as an effect, so its digest is in the log.
 */
export async function writeCanary(ctx: StepContext, keyArn: string, priorId: string): Promise<void> {
  const probe = randomBytes(32);
  const ct = await ctx.kms.encrypt(keyArn, probe);
  const body = {
    keyArn,
    keyMaterialId: priorId,
    ciphertext: ct.toString('base64'),
    plaintextSha256: sha256Hex(probe),
  };
  await ctx.journal.writeFile(ctx.paths.canary, 'rotation-canary.json', JSON.stringify(body, null, 2) + '\n');
}

/** Decrypts the canary; throws when KMS cannot or returns other bytes. */
export async function checkCanary(ctx: StepContext, keyArn: string): Promise<string> {
  let c: z.output<typeof canaryFile>;
  try {
    c = canaryFile.parse(JSON.parse(readFileSync(ctx.paths.canary, 'utf8')));
  } catch {
    throw new KeyriteError(
      'ROTATE_CANARY_MISSING',
      'the ciphertext made before the rotation (rotation-canary.json) is missing or damaged',
      'the rotation itself is recorded in the log; check an older ciphertext by hand before relying on the key',
    );
  }
  const back = await ctx.kms.decrypt(keyArn, Buffer.from(c.ciphertext, 'base64'));
  if (sha256Hex(back) !== c.plaintextSha256)
    throw new KeyriteError(
      'ROTATE_OLD_CIPHERTEXT',
      `a ciphertext made under material ${c.keyMaterialId} no longer decrypts to what was encrypted`,
      'do not use this key; keep the audit log and investigate',
    );
  return c.keyMaterialId;
}

/**
 * Verify, in a rotation: KMS lists the material this ceremony imported as PENDING_ROTATION, imported,
 * with the planned expiry and this ceremony's description, while the prior material stays current. KMS
 * cannot use pending material, so the functional proof of the new material waits for the rotate step;
 * here the canary ciphertext for that step is made under the prior material.
 */
export async function verifyStaged(ctx: StepContext, k: KeyFacts): Promise<FactsOf<'verify'>> {
  const f = ctx.log.facts;
  const newId = f.keyMaterialId;
  const fail = (why: string) =>
    new KeyriteError(
      'VERIFY_FAILED',
      `verification of ${k.arn} failed: ${why}`,
      'do not rotate; keep the audit log and investigate',
    );
  if (!newId || !f.priorKeyMaterialId) throw fail('the import recorded no new KeyMaterialId');
  if (k.keyMaterialId !== f.priorKeyMaterialId)
    throw fail(`the current material is ${k.keyMaterialId ?? '(none)'}, not ${f.priorKeyMaterialId}`);
  const staged = await materialOf(ctx, k.keyId, newId);
  if (!staged) throw fail(`KMS lists no material ${newId}`);
  const exp = ctx.log.plan.expiration;
  const problems = [
    staged.state !== 'PENDING_ROTATION' ? `it is ${staged.state}, not PENDING_ROTATION` : '',
    staged.importState !== undefined && staged.importState !== 'IMPORTED'
      ? `it is ${staged.importState}`
      : '',
    staged.expirationModel !== undefined && staged.expirationModel !== exp.model
      ? `its expiration model is ${staged.expirationModel}`
      : '',
    exp.model === 'KEY_MATERIAL_EXPIRES' && staged.validTo?.getTime() !== Date.parse(exp.validTo)
      ? `it expires at ${staged.validTo?.toISOString() ?? '(never)'}, the plan says ${exp.validTo}`
      : '',
    staged.description !== materialDescription(ctx)
      ? `its description is “${staged.description ?? ''}”, not this ceremony's`
      : '',
  ].filter((p) => p !== '');
  if (problems.length > 0) throw fail(`material ${newId}: ${problems.join('; ')}`);
  await writeCanary(ctx, k.arn, f.priorKeyMaterialId);
  const check = `material ${newId.slice(0, 12)}… PENDING_ROTATION, imported as planned; prior material still current and a ciphertext made under it kept for the rotation check`;
  ctx.journal.append('kms.verified', { keyArn: k.arn, keyState: k.keyState, check, keyMaterialId: newId });
  return {
    keyArn: k.arn,
    keyState: k.keyState,
    note: check,
    keyMaterialId: newId,
    keyMaterialState: staged.state,
  };
}

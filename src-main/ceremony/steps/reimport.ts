import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import { planKeySpec } from '../../../src-shared/ceremony/plan.js';
import type { KeyFacts } from '../../kms/kms-port.js';
import { readShareFile } from '../ceremony-files.js';
import type { StepContext } from '../step-context.js';
import { listShareFiles } from './backup-shares.js';

/*
 * An AWS symmetric key can hold several materials (one current, earlier ones from rotations); an
 * import into such a key is a reimport of one of them, by its KeyMaterialId (ImportType
 * EXISTING_KEY_MATERIAL), and KMS accepts it only if the bytes are that material. Keyrite names each
 * material it imports after its ceremony (KeyMaterialDescription `keyrite <ceremony id> quorum M of N`),
 * so a reimport from backup shares finds its material by the ceremony that wrote the shares.
 */

/** True when the ceremony's key keeps several materials with ids and descriptions (AWS symmetric). */
export function hasMaterialIds(ctx: StepContext): boolean {
  return ctx.log.plan.target.provider === 'aws' && planKeySpec(ctx.log.plan) === 'SYMMETRIC_DEFAULT';
}

/** The description prefix Keyrite gives a ceremony's material. */
export function ceremonyMaterialPrefix(ceremonyId: string): string {
  return `keyrite ${ceremonyId} `;
}

/** The ceremony whose backup shares the plan's shares folder holds, or undefined (not share mode). */
function shareCeremony(ctx: StepContext): string | undefined {
  const m = ctx.log.plan.material;
  if (m.mode !== 'existing-shares') return undefined;
  const ids = new Set<string>();
  for (const f of listShareFiles(path.resolve(ctx.planBase, m.sharesDir))) {
    try {
      ids.add(readShareFile(f).ceremonyId);
    } catch {
      // A damaged share file is refused, with its name, when a custodian opens it.
    }
  }
  return ids.size === 1 ? [...ids][0] : undefined;
}

/**
 * Which material an import into this existing key restores: undefined when the key never held any (a
 * first import), else the material the plan names, or the one the shares' ceremony imported, or the
 * only missing one. Refuses an import that would restore nothing or the wrong material.
 */
export async function reimportTarget(ctx: StepContext, k: KeyFacts): Promise<string | undefined> {
  const t = ctx.log.plan.target;
  if (!hasMaterialIds(ctx) || t.provider !== 'aws' || !('existing' in t.key)) return undefined;
  const materials = await ctx.kms.listKeyMaterials(k.keyId);
  if (materials.length === 0) return undefined;
  const missing = materials.filter((m) => m.importState === 'PENDING_IMPORT');
  const named = t.key.existing.keyMaterialId;
  const source = shareCeremony(ctx);
  const fromShares = source
    ? materials.find((m) => m.description?.startsWith(ceremonyMaterialPrefix(source)))
    : undefined;
  const wanted =
    named ?? fromShares?.keyMaterialId ?? (missing.length === 1 ? missing[0]?.keyMaterialId : undefined);
  const list = missing.map((m) => `${m.keyMaterialId} (${m.state})`).join(', ');
  if (wanted === undefined)
    throw new KeyriteError(
      'REIMPORT_WHICH_MATERIAL',
      `key ${k.arn} is missing ${missing.length} key materials (${list})${source ? ` and none was imported by ceremony ${source}, whose shares these are` : ''}`,
      'name the material to restore in target.key.existing.keyMaterialId (the hand-over sheet of the ceremony that imported it lists it)',
    );
  const target = materials.find((m) => m.keyMaterialId === wanted);
  if (!target)
    throw new KeyriteError(
      'REIMPORT_UNKNOWN_MATERIAL',
      `key ${k.arn} has no key material ${wanted}`,
      'check target.key.existing.keyMaterialId against the hand-over sheet',
    );
  if (target.importState !== 'PENDING_IMPORT')
    throw new KeyriteError(
      'REIMPORT_NOT_MISSING',
      `key material ${wanted} of ${k.arn} is in place (${target.importState ?? target.state})${fromShares && !named ? `; these shares (ceremony ${source ?? ''}) back it up` : ''}`,
      missing.length > 0
        ? `the missing material is ${list}: bring the shares of the ceremony that imported it`
        : 'nothing needs reimporting',
    );
  return wanted;
}

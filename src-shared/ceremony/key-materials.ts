import { z } from 'zod';
import { FACT_SCHEMAS as F } from './facts.js';

/*
 * Every material of a key as the hand-over sheet, the report, `keyrite ceremony status` and the app
 * list it: its KMS id, state, whether its bytes are in KMS, until when, and which backup shares can
 * import it again. Keyrite describes each material it imports `keyrite <ceremony id> quorum M of N`,
 * so the share set that re-imports a material is the one that ceremony wrote.
 */
export const keyMaterialEntry = z.strictObject({
  keyMaterialId: F.keyMaterialId,
  /** CURRENT, NON_CURRENT, PENDING_ROTATION, PENDING_MULTI_REGION_IMPORT_AND_ROTATION. */
  state: z.string().max(64),
  /** IMPORTED, or PENDING_IMPORT when its bytes were deleted or expired (the key is then unusable). */
  importState: z.string().max(64).optional(),
  expirationModel: z.string().max(64).optional(),
  validTo: F.validTo.optional(),
  description: z.string().max(256).optional(),
});
export type KeyMaterialEntry = z.output<typeof keyMaterialEntry>;

/** The Keyrite ceremony that imported a material, read from its description, or undefined. */
export function importingCeremony(e: KeyMaterialEntry): string | undefined {
  return /^keyrite (cer-[0-9a-f]{12}) quorum /.exec(e.description ?? '')?.[1];
}

/**
 * Which share set re-imports the material. `own`: this ceremony's id and whether it wrote shares (its
 * own material's backup is known for certain; another ceremony's is named, to be looked up there).
 */
export function reimportSource(
  e: KeyMaterialEntry,
  own: { ceremonyId: string; wroteShares: boolean },
): string {
  const by = importingCeremony(e);
  if (by === undefined) return 'not imported by Keyrite: no Keyrite share set';
  if (by === own.ceremonyId)
    return own.wroteShares
      ? `backup shares of this ceremony (${by})`
      : `none: this ceremony (${by}) wrote no backup shares`;
  return `backup shares of ceremony ${by}, if it wrote any`;
}

/** One material in words: id, state, presence, expiry. */
export function materialLine(e: KeyMaterialEntry): string {
  const present = e.importState === 'PENDING_IMPORT' ? 'MISSING (deleted or expired)' : 'imported';
  const until =
    e.expirationModel === 'KEY_MATERIAL_EXPIRES' && e.validTo ? `valid to ${e.validTo}` : 'does not expire';
  return `${e.keyMaterialId} ${e.state}, ${present}, ${until}`;
}

/** The key's materials as text lines for the sheet and the terminal, each with its share set. */
export function materialLines(
  entries: readonly KeyMaterialEntry[],
  own: { ceremonyId: string; wroteShares: boolean },
): string[] {
  return entries.flatMap((e) => [`  ${materialLine(e)}`, `    re-imported by: ${reimportSource(e, own)}`]);
}

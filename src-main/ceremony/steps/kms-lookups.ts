import type { StepContext } from '../step-context.js';

/** The key an alias names, or null when the alias does not exist. */
export function aliasTarget(ctx: StepContext, alias: string): Promise<string | null> {
  return ctx.kms.aliasTarget(alias);
}

/** The id of the key this ceremony imports into, as create-key or pre-flight recorded it. */
export function keyIdOf(ctx: StepContext): string {
  const id = ctx.log.facts.keyId;
  if (!id) throw new Error('no key id recorded');
  return id;
}

/** KMS's KeyMaterialId as a loggable fact, or nothing when KMS gave none in the documented shape. */
export function keyMaterialIdFact(id: string | undefined): { keyMaterialId?: string } {
  return id !== undefined && /^[0-9a-f]{64}$/.test(id) ? { keyMaterialId: id } : {};
}

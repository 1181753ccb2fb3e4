import type { KeyMaterialEntry } from '../../../src-shared/ceremony/key-materials.js';
import type { KeyMaterialFacts, KmsPort } from '../../kms/kms-port.js';

/** A material as KMS lists it, in the form the log records (dates as ISO text, ids only when well-formed). */
export function materialEntry(m: KeyMaterialFacts): KeyMaterialEntry | null {
  if (!/^[0-9a-f]{64}$/.test(m.keyMaterialId)) return null;
  return {
    keyMaterialId: m.keyMaterialId,
    state: m.state.slice(0, 64),
    ...(m.importState ? { importState: m.importState.slice(0, 64) } : {}),
    ...(m.expirationModel ? { expirationModel: m.expirationModel.slice(0, 64) } : {}),
    ...(m.validTo ? { validTo: m.validTo.toISOString() } : {}),
    ...(m.description ? { description: m.description.slice(0, 256) } : {}),
  };
}

/** Every material of the key, for the log and the people who will use the key. */
export async function keyMaterialEntries(kms: KmsPort, keyId: string): Promise<KeyMaterialEntry[]> {
  return (await kms.listKeyMaterials(keyId)).flatMap((m) => materialEntry(m) ?? []).slice(0, 64);
}

import { KEY_SPEC_TABLE, materialKind, type KeyUsageName, type MaterialKind } from '../wrap/specs.js';
import type { PlanKeySpec } from './plan.js';

export type KeyFamily = MaterialKind;

/** The four families of key material, as the key-spec table says (src-shared/wrap/specs.ts). */
export function keyFamily(spec: PlanKeySpec): KeyFamily {
  return materialKind(spec);
}

/**
 * The usages a ceremony can verify after the import (encrypt/decrypt round trip, a MAC, a signature).
 * AWS also allows KEY_AGREEMENT for NIST-curve ECC keys; a ceremony cannot yet prove such a key holds
 * the imported material (that needs DeriveSharedSecret), so a plan cannot ask for it.
 */
export const CEREMONY_KEY_USAGES = [
  'ENCRYPT_DECRYPT',
  'SIGN_VERIFY',
  'GENERATE_VERIFY_MAC',
] as const satisfies readonly KeyUsageName[];
const VERIFIABLE: ReadonlySet<KeyUsageName> = new Set(CEREMONY_KEY_USAGES);

/** KMS requires KeyUsage for every spec but symmetric; these are the ones a ceremony may create. */
export function allowedKeyUsages(spec: PlanKeySpec): readonly string[] {
  return KEY_SPEC_TABLE[spec].usages.filter((u) => VERIFIABLE.has(u));
}

export function defaultKeyUsage(spec: PlanKeySpec): string {
  return allowedKeyUsages(spec)[0] ?? 'ENCRYPT_DECRYPT';
}

import type { PlanKeySpec } from './plan.js';

export type KeyFamily = 'symmetric' | 'hmac' | 'rsa' | 'ecc';

export function keyFamily(spec: PlanKeySpec): KeyFamily {
  if (spec === 'SYMMETRIC_DEFAULT') return 'symmetric';
  if (spec.startsWith('HMAC_')) return 'hmac';
  if (spec.startsWith('RSA_')) return 'rsa';
  return 'ecc';
}

/** KMS requires KeyUsage for every spec but symmetric; these are the usages each family allows. */
export function allowedKeyUsages(spec: PlanKeySpec): readonly string[] {
  switch (keyFamily(spec)) {
    case 'symmetric':
      return ['ENCRYPT_DECRYPT'];
    case 'hmac':
      return ['GENERATE_VERIFY_MAC'];
    case 'rsa':
      return ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'];
    case 'ecc':
      return ['SIGN_VERIFY'];
  }
}

export function defaultKeyUsage(spec: PlanKeySpec): string {
  return allowedKeyUsages(spec)[0] ?? 'ENCRYPT_DECRYPT';
}

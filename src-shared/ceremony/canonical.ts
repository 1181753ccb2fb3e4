import { createHash } from 'node:crypto';

/** A JSON value with a single canonical encoding: what digests and signatures are computed over. */
export type Canonical =
  string | number | boolean | null | Canonical[] | { [k: string]: Canonical | undefined };

/**
 * Sorted keys, no whitespace, undefined members dropped. Two stations (or an auditor's script) that
 * hold the same facts produce the same bytes, so a signature over them means the same thing everywhere.
 */
export function canonicalJson(value: Canonical): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('canonicalJson: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as Canonical)}`).join(',')}}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function canonicalDigest(value: Canonical): string {
  return sha256Hex(canonicalJson(value));
}

import { createHash } from 'node:crypto';

/**
 * The two digests Keyrite shows people and records everywhere, computed one way: SHA-256 in lower-case
 * hex, and the fingerprint of a public key (SHA-256 of its SubjectPublicKeyInfo DER).
 */
export function sha256Hex(...parts: Array<string | Uint8Array>): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** SHA-256 of a public key's SPKI DER, as DER bytes or as the base64 the log stores. */
export function spkiFingerprint(spki: Uint8Array | string): string {
  return sha256Hex(typeof spki === 'string' ? Buffer.from(spki, 'base64') : spki);
}

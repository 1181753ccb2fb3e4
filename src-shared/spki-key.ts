import { createPublicKey, type KeyObject } from 'node:crypto';

// Ed25519 and X25519 public keys travel as base64 of their SubjectPublicKeyInfo DER: a fixed 12-byte
// header and the 32-byte key. OpenSSL 3 parses DER through its generic decoder, about 0.13 ms a key; the
// same key given as its raw 32 bytes (JWK) takes a tenth of that, and a ceremony parses the same few
// keys a hundred times (issue 17). Public keys only: a private key never becomes a JS string.
const HEADERS: ReadonlyArray<readonly [string, Buffer]> = [
  ['Ed25519', Buffer.from('302a300506032b6570032100', 'hex')],
  ['X25519', Buffer.from('302a300506032b656e032100', 'hex')],
];

// Parsed keys by their base64, bounded: a log names a handful of keys, a hostile one many.
const parsed = new Map<string, KeyObject>();
const PARSED_MAX = 256;

/**
 * The public key in an SPKI DER given as base64, as createPublicKey would parse it (and throwing as it
 * would for a malformed one). Ed25519 and X25519 keys take the fast path; any other key the decoder.
 */
export function publicKeyFromSpkiBase64(spkiBase64: string): KeyObject {
  const known = parsed.get(spkiBase64);
  if (known) return known;
  const der = Buffer.from(spkiBase64, 'base64');
  const key = fastPath(der) ?? createPublicKey({ key: der, format: 'der', type: 'spki' });
  // Only what round-trips: a base64 with junk that Buffer.from skipped is not cached under that text.
  if (der.toString('base64') === spkiBase64) {
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(spkiBase64, key);
  }
  return key;
}

function fastPath(der: Buffer): KeyObject | undefined {
  if (der.length !== 44) return undefined;
  for (const [crv, header] of HEADERS) {
    if (der.subarray(0, 12).equals(header)) {
      return createPublicKey({
        key: { kty: 'OKP', crv, x: der.subarray(12).toString('base64url') },
        format: 'jwk',
      });
    }
  }
  return undefined;
}

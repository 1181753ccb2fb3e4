import { type KeyObject, verify } from 'node:crypto';
import { spkiFingerprint } from '../digests.js';
import { publicKeyFromSpkiBase64 } from '../spki-key.js';
import { KeyriteError } from '../errors.js';

/** Public keys travel as base64 of their SubjectPublicKeyInfo DER: unambiguous and what openssl reads. */
export function publicKeyFromBase64(spkiBase64: string): KeyObject {
  let key: KeyObject;
  try {
    key = publicKeyFromSpkiBase64(spkiBase64);
  } catch (e) {
    throw new KeyriteError(
      'AUDIT_BAD_PUBLIC_KEY',
      'a public key in the log cannot be parsed',
      'the key must be base64 of an Ed25519 SubjectPublicKeyInfo',
      { cause: e },
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KeyriteError(
      'AUDIT_BAD_PUBLIC_KEY',
      'a public key in the log is not Ed25519',
      'Keyrite stations and custodians sign with Ed25519',
    );
  }
  return key;
}

export function publicKeyToBase64(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).toString('base64');
}

/** A station is named by the first 16 bytes of SHA-256 over its public key's DER, in hex. */
export function stationIdOf(spkiBase64: string): string {
  return spkiFingerprint(spkiBase64).slice(0, 32);
}

/** Ed25519 verification that answers false (never throws) for malformed keys or signatures. */
export function verifyEd25519(spkiBase64: string, message: Buffer, signatureBase64: string): boolean {
  try {
    const sig = Buffer.from(signatureBase64, 'base64');
    if (sig.length !== 64) return false;
    return verify(null, message, publicKeyFromBase64(spkiBase64), sig);
  } catch {
    return false;
  }
}

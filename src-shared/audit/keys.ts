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

// Verdicts already reached, by key, message and signature: a ceremony's checkpoints and co-signatures
// are checked when written, by the report's verification of the log and by the report's own tables
// (issue 17: a third of a rehearsal's 96 checks). Verification is a pure function of the three, so a
// verdict kept is the verdict recomputed. Short messages only (digests); bounded.
const verdicts = new Map<string, boolean>();
const VERDICTS_MAX = 1024;

/** Ed25519 verification that answers false (never throws) for malformed keys or signatures. */
export function verifyEd25519(spkiBase64: string, message: Buffer, signatureBase64: string): boolean {
  const key =
    message.length <= 64 ? `${spkiBase64} ${message.toString('hex')} ${signatureBase64}` : undefined;
  const known = key === undefined ? undefined : verdicts.get(key);
  if (known !== undefined) return known;
  let ok: boolean;
  try {
    const sig = Buffer.from(signatureBase64, 'base64');
    ok = sig.length === 64 && verify(null, message, publicKeyFromBase64(spkiBase64), sig);
  } catch {
    ok = false;
  }
  if (key !== undefined) {
    if (verdicts.size >= VERDICTS_MAX) verdicts.clear();
    verdicts.set(key, ok);
  }
  return ok;
}

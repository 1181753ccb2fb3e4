import { verify } from 'node:crypto';
import { publicKeyFromSpkiBase64 } from '../../src-shared/spki-key.js';

/**
 * Whether an opened key is the one whose public half was enrolled: it signs a probe digest, checked
 * against the recorded SubjectPublicKeyInfo (base64 DER). A sealed blob can be swapped for another
 * person's, or the recorded key damaged; a malformed recorded key is a mismatch too, never a crash.
 */
export function signsForEnrolledKey(
  signDigest: (digestHex: string) => string,
  publicKeyBase64: string,
): boolean {
  try {
    const pub = publicKeyFromSpkiBase64(publicKeyBase64);
    return verify(null, Buffer.alloc(32), pub, Buffer.from(signDigest('00'.repeat(32)), 'base64'));
  } catch {
    return false;
  }
}

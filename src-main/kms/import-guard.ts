import { sha256Hex } from '../../src-shared/digests.js';
import { KeyriteError } from '../../src-shared/errors.js';

/**
 * Idempotent import. A retried ImportKeyMaterial (after a timeout whose outcome is unknown) must
 * never put different material into the key. Two rules make that hold:
 *
 * 1. The gateway remembers, per KMS key and import token, the SHA-256 of the wrapped material it
 *    sent, and refuses to send anything else under that pair. A retry can only resend the very same
 *    ciphertext; re-wrapping (which OAEP randomises) needs new import parameters, i.e. a deliberate,
 *    audited step rather than a silent retry.
 * 2. KMS itself refuses different material in a key that already holds (or held) material
 *    (IncorrectKeyMaterialException). So resending the same bytes after an import that did land is
 *    harmless: KMS accepts the same material again and reports its KeyMaterialId.
 *
 * Only digests are kept: the wrapped material is not secret, and its digest even less so.
 */
export class ImportGuard {
  readonly #sent = new Map<string, string>();

  static keyOf(keyId: string): string {
    const slash = keyId.indexOf(':key/');
    return slash >= 0 ? keyId.slice(slash + 5) : keyId;
  }

  static digestOf(wrapped: Uint8Array): string {
    return sha256Hex(wrapped);
  }

  static slotOf(keyId: string, importToken: Uint8Array): string {
    return `${ImportGuard.keyOf(keyId)}|${sha256Hex(importToken)}`;
  }

  /**
   * Re-arms the guard after a restart from what the caller recorded durably (e.g. the audit intent
   * written before the import: key, import token and ImportGuard.digestOf(wrapped)).
   */
  remember(keyId: string, importToken: Uint8Array, wrappedDigestHex: string): void {
    this.#sent.set(ImportGuard.slotOf(keyId, importToken), wrappedDigestHex);
  }

  /** Records the attempt, or throws if a different ciphertext was already sent for this key and token. */
  admit(keyId: string, importToken: Uint8Array, wrapped: Uint8Array): void {
    const slot = ImportGuard.slotOf(keyId, importToken);
    const digest = ImportGuard.digestOf(wrapped);
    const before = this.#sent.get(slot);
    if (before !== undefined && before !== digest) {
      throw new KeyriteError(
        'KMS_IMPORT_DIFFERENT_MATERIAL',
        'a different wrapped key material was already sent to this KMS key with this import token',
        'a retry must resend exactly the same EncryptedKeyMaterial; check the key with DescribeKey, and fetch new import parameters if the material really has to be wrapped again',
      );
    }
    this.#sent.set(slot, digest);
  }
}

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyriteError } from '../../src-shared/errors.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';

/**
 * The operating system's keystore as the desktop app reaches it (Electron's safeStorage: Keychain,
 * DPAPI, libsecret/KWallet). The shell provides it as a port (shell/keystore.ts); tests pass a fake.
 */
export interface OsKeystore {
  /** Why it cannot protect a secret here (none, or only a plain-text fallback); undefined when it can. */
  unavailable(): string | undefined;
  /** Encrypts a small secret (a 32-byte key) under the OS user's keystore. */
  encrypt(secret: SecretBuffer): Buffer;
  decrypt(blob: Buffer): SecretBuffer;
}

/** The station key sealed under a random key that only the OS keystore can give back. */
export interface KeystoreSealed {
  kek: string;
  cipher: 'aes-256-gcm';
  iv: string;
  ciphertext: string;
  tag: string;
}

function assertAvailable(keystore: OsKeystore): void {
  const why = keystore.unavailable();
  if (why)
    throw new KeyriteError(
      'STATION_KEY_NO_KEYSTORE',
      `the station key cannot be sealed: ${why}`,
      'unlock or install the OS keystore (Keychain, Credential Manager, GNOME Keyring or KWallet), or run ceremonies from the command line with a station passphrase',
    );
}

/**
 * Only a fresh random 32-byte key goes through the keystore (safeStorage handles strings, so that key
 * briefly becomes one there; the station key itself never does): AES-256-GCM under it seals the key.
 */
export function sealWithKeystore(keystore: OsKeystore, plaintext: SecretBuffer, aad: string): KeystoreSealed {
  assertAvailable(keystore);
  const kek = SecretBuffer.adopt(randomBytes(32));
  const iv = randomBytes(12);
  try {
    const wrapped = keystore.encrypt(kek);
    const cipher = kek.use((k) => createCipheriv('aes-256-gcm', k, iv));
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = plaintext.use((p) => Buffer.concat([cipher.update(p), cipher.final()]));
    return {
      kek: wrapped.toString('base64'),
      cipher: 'aes-256-gcm',
      iv: iv.toString('base64'),
      ciphertext: ct.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  } finally {
    kek.dispose();
  }
}

export function openWithKeystore(keystore: OsKeystore, sealed: KeystoreSealed, aad: string): SecretBuffer {
  assertAvailable(keystore);
  let kek: SecretBuffer;
  try {
    kek = keystore.decrypt(Buffer.from(String(sealed.kek), 'base64'));
  } catch (e) {
    throw new KeyriteError(
      'STATION_KEY_KEYSTORE_REFUSED',
      'the OS keystore did not release the station key',
      'the key was sealed by another user account or computer; use this station’s own key, as that user',
      { cause: e },
    );
  }
  const ct = Buffer.from(String(sealed.ciphertext), 'base64');
  const out = Buffer.alloc(ct.length);
  try {
    const d = kek.use((k) => createDecipheriv('aes-256-gcm', k, Buffer.from(String(sealed.iv), 'base64')));
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(Buffer.from(String(sealed.tag), 'base64'));
    const part = d.update(ct);
    part.copy(out);
    part.fill(0);
    d.final();
    return SecretBuffer.adopt(out);
  } catch (e) {
    out.fill(0);
    throw new KeyriteError(
      'STATION_KEY_INVALID',
      'the sealed station key is damaged or belongs to another key',
      'restore the station key file from its backup',
      { cause: e },
    );
  } finally {
    kek.dispose();
  }
}

import type { OsKeystore } from '../audit/keystore-seal.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';

/** The part of Electron's safeStorage the keystore port uses (tests pass a fake with the same shape). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?: () => string;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * The OS keystore port over Electron's safeStorage. On Linux safeStorage falls back to 'basic_text'
 * (a key hard-coded in Chromium) when no secret service runs: that protects nothing, so it counts as no
 * keystore. safeStorage takes strings, so the 32-byte key it guards passes through one as hex; that key
 * only opens the station key file, which never becomes a string.
 */
export function keystoreFromSafeStorage(safe: SafeStorageLike, platform: NodeJS.Platform): OsKeystore {
  return {
    unavailable() {
      if (!safe.isEncryptionAvailable()) return 'the OS keystore is not available to this user session';
      if (platform === 'linux') {
        const backend = safe.getSelectedStorageBackend?.() ?? 'unknown';
        if (backend === 'basic_text' || backend === 'unknown')
          return `no secret service (GNOME Keyring or KWallet) is running; Electron would fall back to ${backend}, which protects nothing`;
      }
      return undefined;
    },
    encrypt(secret) {
      return secret.use((b) => safe.encryptString(b.toString('hex')));
    },
    decrypt(blob) {
      const hex = safe.decryptString(blob);
      if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('the keystore returned something else');
      return SecretBuffer.adopt(Buffer.from(hex, 'hex'));
    },
  };
}

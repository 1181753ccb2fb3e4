import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { KeyriteError } from '../../src-shared/errors.js';

export interface StationKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * The station's Ed25519 identity: created on first use, stored as PKCS#8 DER in a file only the owner
 * can read. The key never becomes a string; the DER buffers are zeroed once parsed.
 */
export function loadOrCreateStationKey(path: string): StationKey {
  let der: Buffer | undefined;
  try {
    try {
      const st = statSync(path);
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
        throw new KeyriteError(
          'STATION_KEY_EXPOSED',
          `the station key ${path} is readable by other users`,
          `restrict it: chmod 600 ${path}`,
        );
      }
      der = readFileSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      const pair = generateKeyPairSync('ed25519');
      der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, der);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    if (privateKey.asymmetricKeyType !== 'ed25519') {
      throw new KeyriteError(
        'STATION_KEY_INVALID',
        `the station key ${path} is not an Ed25519 key`,
        'move it aside; Keyrite creates a new station key on next start',
      );
    }
    return { privateKey, publicKey: createPublicKey(privateKey) };
  } catch (e) {
    if (e instanceof KeyriteError) throw e;
    throw new KeyriteError(
      'STATION_KEY_UNREADABLE',
      `the station key ${path} cannot be read or created`,
      'check the data directory exists and is writable by you',
      { cause: e },
    );
  } finally {
    der?.fill(0);
  }
}

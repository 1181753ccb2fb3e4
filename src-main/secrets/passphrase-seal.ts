import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb } from 'node:crypto';
import { KeyriteError } from '../../src-shared/errors.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';

/** scrypt cost, recorded with every sealed blob so it can be opened (and audited) later. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** Strong default: 2^17 × 8 costs ~128 MiB and a fraction of a second; tests lower it explicitly. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };

/** Ciphertext and the public parameters to open it; safe to store and to log. */
export interface PassphraseSealed {
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  cipher: 'aes-256-gcm';
  iv: string;
  ciphertext: string;
  tag: string;
}

export const MIN_PASSPHRASE_BYTES = 10;

/** Above Keyrite's own defaults with room to spare; a sealed blob asking for more was not made by Keyrite. */
const MAX_SCRYPT = { N: 2 ** 20, r: 16, p: 4 };

function deriveKey(passphrase: SecretBuffer, salt: Buffer, cost: ScryptCost): Promise<SecretBuffer> {
  // The cost comes from the sealed blob (a share file may come from anywhere): bound it before scrypt
  // allocates N·r·128 bytes.
  if (cost.N > MAX_SCRYPT.N || cost.r > MAX_SCRYPT.r || cost.p > MAX_SCRYPT.p)
    return Promise.reject(
      new KeyriteError(
        'KDF_COST',
        'the sealed key asks for an unreasonable scrypt cost',
        'this file was not made by Keyrite; use the original share or enrollment',
      ),
    );
  return new Promise((resolve, reject) => {
    passphrase.use((pw) =>
      scryptCb(pw, salt, 32, { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 }, (err, key) => {
        if (err)
          reject(
            new KeyriteError(
              'KDF_FAILED',
              'the passphrase key could not be derived',
              'lower memory pressure and retry',
            ),
          );
        else resolve(SecretBuffer.adopt(key));
      }),
    );
  });
}

/** Seals `plaintext` under a key derived from `passphrase`. `aad` binds the blob to its purpose. */
export async function sealWithPassphrase(
  passphrase: SecretBuffer,
  plaintext: SecretBuffer,
  aad: string,
  cost: ScryptCost = DEFAULT_SCRYPT_COST,
): Promise<PassphraseSealed> {
  if (passphrase.length < MIN_PASSPHRASE_BYTES)
    throw new KeyriteError(
      'PASSPHRASE_TOO_SHORT',
      `a passphrase needs at least ${MIN_PASSPHRASE_BYTES} characters`,
      'choose a longer passphrase',
    );
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await deriveKey(passphrase, salt, cost);
  try {
    const cipher = key.use((k) => createCipheriv('aes-256-gcm', k, iv));
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = plaintext.use((pt) => Buffer.concat([cipher.update(pt), cipher.final()]));
    return {
      kdf: 'scrypt',
      ...cost,
      salt: salt.toString('base64'),
      cipher: 'aes-256-gcm',
      iv: iv.toString('base64'),
      ciphertext: ct.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  } finally {
    key.dispose();
  }
}

/** Opens a sealed blob; a wrong passphrase (or a blob for another purpose) fails authentication. */
export async function openWithPassphrase(
  passphrase: SecretBuffer,
  sealed: PassphraseSealed,
  aad: string,
): Promise<SecretBuffer> {
  const key = await deriveKey(passphrase, Buffer.from(sealed.salt, 'base64'), sealed);
  const ct = Buffer.from(sealed.ciphertext, 'base64');
  const out = Buffer.alloc(ct.length);
  try {
    const d = key.use((k) => createDecipheriv('aes-256-gcm', k, Buffer.from(sealed.iv, 'base64')));
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const part = d.update(ct);
    const n = part.copy(out);
    part.fill(0);
    d.final();
    if (n !== ct.length) throw new Error('short plaintext');
    return SecretBuffer.adopt(out);
  } catch {
    out.fill(0);
    throw new KeyriteError(
      'PASSPHRASE_WRONG',
      'the passphrase does not open this custodian key',
      'the custodian must type their own passphrase again',
    );
  } finally {
    key.dispose();
  }
}

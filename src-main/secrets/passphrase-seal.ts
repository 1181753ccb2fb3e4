import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb } from 'node:crypto';
import { KeyriteError } from '../../src-shared/errors.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { assertPassphraseAcceptable } from './passphrase-policy.js';
import { inKdfSlot } from './kdf-pool.js';

/** scrypt cost, recorded with every sealed blob so it can be opened (and audited) later. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * Every new seal costs one guess 256 MiB and about 1.2–1.5 s on a 2-core workstation (measured by
 * `npm run bench`, kdf section), in Node and in Electron alike: scrypt is native in both OpenSSL and
 * BoringSSL. Blobs sealed at the earlier default (2^17) keep opening: the cost travels with each blob.
 * Tests lower it explicitly (engine option) or through KEYRITE_TEST_SCRYPT_LOG2N under KEYRITE_TEST=1.
 */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 18, r: 8, p: 1 };

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

/**
 * The most a sealed blob may ask for: twice Keyrite's default in memory and in time (512 MiB, about
 * 3 s). The cost comes from the blob, and a share file may come from anywhere: a hostile one must not
 * make a station allocate gigabytes or spin for minutes per attempt.
 */
export const MAX_SCRYPT_BYTES = 2 * 128 * DEFAULT_SCRYPT_COST.N * DEFAULT_SCRYPT_COST.r;
const MAX_SCRYPT_WORK = 2 * DEFAULT_SCRYPT_COST.N * DEFAULT_SCRYPT_COST.r * DEFAULT_SCRYPT_COST.p;

export function scryptCostProblem(cost: ScryptCost): string | undefined {
  const { N, r, p } = cost;
  if (![N, r, p].every((v) => Number.isSafeInteger(v) && v >= 1))
    return 'scrypt parameters are not positive integers';
  if (N < 2 || (N & (N - 1)) !== 0) return 'scrypt N is not a power of two';
  if (128 * N * r > MAX_SCRYPT_BYTES) return `it asks for ${(128 * N * r) / 2 ** 20} MiB per guess`;
  if (N * r * p > MAX_SCRYPT_WORK) return 'it asks for more than twice Keyrite’s work per guess';
  return undefined;
}

function deriveKey(passphrase: SecretBuffer, salt: Buffer, cost: ScryptCost): Promise<SecretBuffer> {
  // Bounded before scrypt allocates N·r·128 bytes.
  const tooMuch = scryptCostProblem(cost);
  if (tooMuch)
    return Promise.reject(
      new KeyriteError(
        'KDF_COST',
        `the sealed key asks for an unreasonable scrypt cost: ${tooMuch}`,
        'this file was not made by Keyrite; use the original share or enrollment',
      ),
    );
  return inKdfSlot(
    128 * cost.N * cost.r,
    () =>
      new Promise((resolve, reject) => {
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
      }),
  );
}

/**
 * Seals `plaintext` under a key derived from `passphrase`. `aad` binds the blob to its purpose. The
 * passphrase must meet the policy (passphrase-policy.ts): this is the one place every custodian key and
 * the station key are sealed, so no front end can skip it. `context`: names an attacker would try first.
 */
export async function sealWithPassphrase(
  passphrase: SecretBuffer,
  plaintext: SecretBuffer,
  aad: string,
  cost: ScryptCost = DEFAULT_SCRYPT_COST,
  context: readonly string[] = [],
): Promise<PassphraseSealed> {
  assertPassphraseAcceptable(passphrase, context);
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
  wrong: { code: string; message: string; hint: string } = {
    code: 'PASSPHRASE_WRONG',
    message: 'the passphrase does not open this custodian key',
    hint: 'the custodian must type their own passphrase again',
  },
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
    throw new KeyriteError(wrong.code, wrong.message, wrong.hint);
  } finally {
    key.dispose();
  }
}

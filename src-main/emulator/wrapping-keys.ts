import { Buffer } from 'node:buffer';
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface WrappingKeyPair {
  publicKeyDer: Buffer;
  privateKeyDer: Buffer;
}

/**
 * RSA key generation is the expensive part of GetParametersForImport (a 4096-bit key takes seconds
 * on a small machine), so each size is generated once per process, lazily, and shared. AWS hands out
 * a key per request; sharing is invisible to a client because each token binds the key it was issued
 * with, and it keeps rehearsals and test suites fast.
 */
const cache = new Map<number, Promise<WrappingKeyPair>>();

/** The modulus of each RSA wrapping key spec GetParametersForImport accepts. */
export const WRAPPING_BITS = { RSA_2048: 2048, RSA_3072: 3072, RSA_4096: 4096 } as const;
export type RsaWrappingKeySpec = keyof typeof WRAPPING_BITS;

function generated(bits: number): Promise<WrappingKeyPair> {
  let p = cache.get(bits);
  if (!p) {
    p = generateKeyPairAsync('rsa', {
      modulusLength: bits,
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs8', format: 'der' },
    }).then(({ publicKey, privateKey }) => ({ publicKeyDer: publicKey, privateKeyDer: privateKey }));
    cache.set(bits, p);
    p.catch(() => cache.delete(bits));
  }
  return p;
}

/**
 * Starts generating the wrapping key of `spec` in the background (on libuv's thread pool) without
 * waiting for it: an emulator that knows which size its client will ask for (a rehearsal knows its plan)
 * has it ready by the time GetParametersForImport comes, instead of making that request wait for a
 * random 0.05-0.4 s of prime search (2,048 bits, measured on the 2-core build machine). A failure is
 * left for that request to meet, as it would have without this.
 */
export function prepareWrappingKeyPair(spec: RsaWrappingKeySpec): void {
  generated(WRAPPING_BITS[spec]).catch(() => undefined);
}

/** Whether the wrapping key of `spec` is generated or being generated (for tests). */
export function wrappingKeyPairStarted(spec: RsaWrappingKeySpec): boolean {
  return cache.has(WRAPPING_BITS[spec]);
}

export function wrappingKeyPair(bits: number): Promise<WrappingKeyPair> {
  return generated(bits).then((pair) => ({
    publicKeyDer: Buffer.from(pair.publicKeyDer),
    privateKeyDer: Buffer.from(pair.privateKeyDer),
  }));
}

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

export function wrappingKeyPair(bits: number): Promise<WrappingKeyPair> {
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
  return p.then((pair) => ({
    publicKeyDer: Buffer.from(pair.publicKeyDer),
    privateKeyDer: Buffer.from(pair.privateKeyDer),
  }));
}

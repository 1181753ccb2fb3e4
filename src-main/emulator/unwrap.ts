import { Buffer } from 'node:buffer';
import { createPrivateKey } from 'node:crypto';
import { unwrapKeyMaterial } from '../../src-shared/wrap/wrap.js';
import { silent } from './kms-error.js';
import type { ImportParams } from './state-types.js';

/**
 * Undoes the client's wrapping with the wrapping private key the token was issued with, through the
 * same wrap module the product uses. Every failure (wrong hash, wrong algorithm, wrong wrapping key,
 * corrupted bytes) is AWS's InvalidCiphertextException, which AWS sends without a message.
 */
export function unwrapImported(params: ImportParams, wrapped: Buffer): Buffer {
  if (params.algorithm === 'SM2PKE') throw silent('InvalidCiphertextException');
  const privateKey = createPrivateKey({ key: params.privateKeyDer, format: 'der', type: 'pkcs8' });
  let secret;
  try {
    secret = unwrapKeyMaterial({ wrapped, algorithm: params.algorithm, privateKey });
  } catch {
    throw silent('InvalidCiphertextException');
  }
  try {
    return secret.use((bytes) => {
      const out = Buffer.alloc(bytes.length);
      bytes.copy(out);
      return out;
    });
  } finally {
    secret.dispose();
  }
}

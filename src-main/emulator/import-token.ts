import { Buffer } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';

/**
 * Import tokens are opaque to clients. Ours: magic ‖ token id ‖ SHA-256(key ARN ‖ wrapping public key),
 * so a token names the parameters it came from and carries the binding to its key and wrapping key.
 */
const MAGIC = Buffer.from('KRIT1', 'ascii');
const ID_BYTES = 16;

export function bindingDigest(keyArn: string, publicKeyDer: Buffer): Buffer {
  return createHash('sha256').update(keyArn).update(publicKeyDer).digest();
}

export function newTokenId(): string {
  return randomBytes(ID_BYTES).toString('hex');
}

export function encodeToken(tokenId: string, binding: Buffer): Buffer {
  return Buffer.concat([MAGIC, Buffer.from(tokenId, 'hex'), binding]);
}

export function decodeToken(token: Buffer): { tokenId: string; binding: Buffer } | undefined {
  if (token.length !== MAGIC.length + ID_BYTES + 32 || !token.subarray(0, MAGIC.length).equals(MAGIC))
    return undefined;
  return {
    tokenId: token.subarray(MAGIC.length, MAGIC.length + ID_BYTES).toString('hex'),
    binding: token.subarray(MAGIC.length + ID_BYTES),
  };
}

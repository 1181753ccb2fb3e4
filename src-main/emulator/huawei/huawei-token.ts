import { Buffer } from 'node:buffer';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The dialect's import token: magic ‖ token id ‖ SHA-256(key id ‖ wrapping public key) ‖ an HMAC
 * of both under a per-process secret, padded so its base64 is 200 characters, the shortest token
 * Huawei's API accepts (^[0-9a-zA-Z+/=]{200,6144}$). Tampering ("Token verification failed.") and
 * a token of another key ("Key IDs in the imported key and token do not match.") are told apart.
 */
const MAGIC = Buffer.from('KRHW1', 'ascii');
const SECRET = randomBytes(32);
const BYTES = 150;

export function huaweiToken(tokenId: string, keyId: string, publicKeyDer: Buffer): string {
  const id = Buffer.from(tokenId, 'hex');
  const binding = bind(keyId, publicKeyDer);
  const mac = createHmac('sha256', SECRET).update(id).update(binding).digest();
  const body = Buffer.concat([MAGIC, id, binding, mac]);
  return Buffer.concat([body, Buffer.alloc(BYTES - body.length, 0x4b)]).toString('base64');
}

export type TokenCheck = { ok: true; tokenId: string } | { ok: false; reason: 'invalid' | 'other-key' };

export function checkHuaweiToken(
  token: string,
  keyId: string,
  publicKeyFor: (tokenId: string) => Buffer | undefined,
): TokenCheck {
  const raw = /^[0-9a-zA-Z+/=]{200,6144}$/.test(token) ? Buffer.from(token, 'base64') : Buffer.alloc(0);
  if (raw.length !== BYTES || !raw.subarray(0, MAGIC.length).equals(MAGIC))
    return { ok: false, reason: 'invalid' };
  const id = raw.subarray(5, 21);
  const binding = raw.subarray(21, 53);
  const mac = createHmac('sha256', SECRET).update(id).update(binding).digest();
  if (!timingSafeEqual(mac, raw.subarray(53, 85))) return { ok: false, reason: 'invalid' };
  const tokenId = id.toString('hex');
  const pub = publicKeyFor(tokenId);
  if (!pub) return { ok: false, reason: 'invalid' };
  if (!timingSafeEqual(bind(keyId, pub), binding)) return { ok: false, reason: 'other-key' };
  return { ok: true, tokenId };
}

function bind(keyId: string, publicKeyDer: Buffer): Buffer {
  return createHash('sha256').update('huawei-kms/').update(keyId).update(publicKeyDer).digest();
}

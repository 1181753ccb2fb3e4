import { Buffer } from 'node:buffer';
import { KeyriteError } from '../errors.js';
import { aesBlock } from './aes-block.js';
import { scratch } from './scratch.js';

/**
 * RFC 5649 AES key wrap with padding, over the AES block (see aes-block.ts for why not
 * `id-aes256-wrap-pad`). Byte-for-byte compatible with OpenSSL's `id-aes256-wrap-pad` with
 * IV A65959A6 and with AWS KMS's RSA_AES_KEY_WRAP.
 */
const AIV_PREFIX = Buffer.from([0xa6, 0x59, 0x59, 0xa6]);

/** Largest plaintext accepted: keys, not bulk data (RFC 5649 allows 2^32 - 1 bytes). */
export const AES_KW_MAX_PLAINTEXT = 1 << 20;

export function aesKeyWrapPad(kek: Buffer, plaintext: Buffer): Buffer {
  if (plaintext.length === 0 || plaintext.length > AES_KW_MAX_PLAINTEXT) {
    throw new KeyriteError(
      'AES_WRAP_INPUT',
      `AES key wrap takes 1 to ${AES_KW_MAX_PLAINTEXT} bytes, not ${plaintext.length}`,
      'pass the key material itself',
    );
  }
  const block = aesBlock(kek);
  const s = scratch();
  try {
    const n = Math.ceil(plaintext.length / 8);
    // Padded copy of the plaintext: 8-byte semiblocks, zero padded, wiped in finally.
    const r = s.alloc(n * 8);
    plaintext.copy(r);
    const b = s.alloc(16);
    const a = s.alloc(8);
    AIV_PREFIX.copy(a);
    a.writeUInt32BE(plaintext.length, 4);
    if (n === 1) {
      a.copy(b, 0);
      r.copy(b, 8);
      block.encrypt(b, b);
      return Buffer.from(b);
    }
    for (let j = 0; j <= 5; j++) {
      for (let i = 0; i < n; i++) {
        a.copy(b, 0);
        r.copy(b, 8, i * 8, i * 8 + 8);
        block.encrypt(b, b);
        const t = n * j + i + 1;
        b.copy(a, 0, 0, 8);
        xorCounter(a, t);
        b.copy(r, i * 8, 8, 16);
      }
    }
    const out = Buffer.alloc(8 + n * 8);
    a.copy(out, 0);
    r.copy(out, 8);
    return out;
  } finally {
    block.close();
    s.wipe();
  }
}

/**
 * The inverse. Every failure (bad length, wrong key, tampering, bad padding) is one coded error with
 * one message, so nothing tells an attacker which check failed.
 */
export function aesKeyUnwrapPad(kek: Buffer, wrapped: Buffer): Buffer {
  if (wrapped.length < 16 || wrapped.length % 8 !== 0 || wrapped.length > AES_KW_MAX_PLAINTEXT + 16) {
    throw unwrapFailed();
  }
  const block = aesBlock(kek);
  const s = scratch();
  try {
    const n = wrapped.length / 8 - 1;
    const r = s.alloc(n * 8);
    const a = s.alloc(8);
    const b = s.alloc(16);
    if (n === 1) {
      block.decrypt(wrapped, b);
      b.copy(a, 0, 0, 8);
      b.copy(r, 0, 8, 16);
    } else {
      wrapped.copy(a, 0, 0, 8);
      wrapped.copy(r, 0, 8);
      for (let j = 5; j >= 0; j--) {
        for (let i = n - 1; i >= 0; i--) {
          const t = n * j + i + 1;
          a.copy(b, 0);
          xorCounter(b, t);
          r.copy(b, 8, i * 8, i * 8 + 8);
          block.decrypt(b, b);
          b.copy(a, 0, 0, 8);
          b.copy(r, i * 8, 8, 16);
        }
      }
    }
    // Check every condition and combine, rather than returning at the first one that fails.
    let bad = a.compare(AIV_PREFIX, 0, 4, 0, 4) === 0 ? 0 : 1;
    const mli = a.readUInt32BE(4);
    if (mli <= 8 * (n - 1) || mli > 8 * n) bad |= 1;
    const len = bad ? 0 : mli;
    let pad = 0;
    for (let i = len; i < n * 8; i++) pad |= r[i] ?? 0;
    if (bad || pad !== 0) throw unwrapFailed();
    const out = Buffer.alloc(mli);
    r.copy(out, 0, 0, mli);
    return out;
  } finally {
    block.close();
    s.wipe();
  }
}

function xorCounter(a: Buffer, t: number): void {
  // t is at most 6 * 2^17 here, so the high 32 bits of the 64-bit counter stay zero.
  a.writeUInt32BE((a.readUInt32BE(4) ^ t) >>> 0, 4);
}

function unwrapFailed(): KeyriteError {
  return new KeyriteError(
    'UNWRAP_FAILED',
    'the wrapped key material could not be unwrapped',
    'check that the wrapped bytes, the key and the wrapping algorithm all belong together',
  );
}

import { Buffer } from 'node:buffer';
import { aesBlock } from './aes-block.js';
import { scratch } from './scratch.js';

/**
 * AES-CMAC (RFC 4493 / NIST SP 800-38B) over the AES block: neither Node nor BoringSSL exposes CMAC.
 * Returns the full 16-byte tag; key check values take its first bytes.
 */
export function aesCmac(key: Buffer, message: Buffer): Buffer {
  const block = aesBlock(key);
  const s = scratch();
  try {
    const l = s.alloc(16);
    block.encrypt(l, l); // L = AES(K, 0^128)
    const k1 = s.alloc(16);
    const k2 = s.alloc(16);
    doubleBlock(l, k1);
    doubleBlock(k1, k2);

    const blocks = Math.max(1, Math.ceil(message.length / 16));
    const complete = message.length > 0 && message.length % 16 === 0;
    const last = s.alloc(16);
    const tail = message.subarray((blocks - 1) * 16);
    tail.copy(last);
    if (complete) {
      xorInto(last, k1);
    } else {
      last[tail.length] = 0x80;
      xorInto(last, k2);
    }
    const x = s.alloc(16);
    for (let i = 0; i < blocks - 1; i++) {
      xorInto(x, message.subarray(i * 16, i * 16 + 16));
      block.encrypt(x, x);
    }
    xorInto(x, last);
    block.encrypt(x, x);
    return Buffer.from(x);
  } finally {
    block.close();
    s.wipe();
  }
}

/** Multiplication by x in GF(2^128): shift left one bit, reduce with Rb = 0x87 on carry. */
function doubleBlock(input: Buffer, output: Buffer): void {
  const carry = (input[0] ?? 0) >> 7;
  for (let i = 0; i < 15; i++) output[i] = (((input[i] ?? 0) << 1) | ((input[i + 1] ?? 0) >> 7)) & 0xff;
  output[15] = ((input[15] ?? 0) << 1) & 0xff;
  output[15] = (output[15] ?? 0) ^ (carry ? 0x87 : 0);
}

function xorInto(target: Buffer, other: Buffer): void {
  for (let i = 0; i < other.length; i++) target[i] = (target[i] ?? 0) ^ (other[i] ?? 0);
}

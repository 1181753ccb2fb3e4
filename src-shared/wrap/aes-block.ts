import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { KeyriteError } from '../errors.js';

/**
 * The raw AES block function, built on AES-ECB because that is what both OpenSSL and Electron's
 * BoringSSL offer (neither exposes a bare block cipher, BoringSSL has no key-wrap or CMAC cipher).
 * ECB with padding off is exactly "encrypt one 16-byte block at a time".
 */
export interface AesBlock {
  /** Writes AES(key, input[0..16]) into output[0..16]; input and output may be the same buffer. */
  encrypt(input: Buffer, output: Buffer): void;
  decrypt(input: Buffer, output: Buffer): void;
  /** Releases the cipher contexts. */
  close(): void;
}

function ecbName(key: Buffer): string {
  switch (key.length) {
    case 16:
      return 'aes-128-ecb';
    case 24:
      return 'aes-192-ecb';
    case 32:
      return 'aes-256-ecb';
    default:
      throw new KeyriteError(
        'AES_KEY_SIZE',
        `an AES key must be 16, 24 or 32 bytes, not ${key.length}`,
        'use a 256-bit (32-byte) AES key',
      );
  }
}

export function aesBlock(key: Buffer): AesBlock {
  const name = ecbName(key);
  // Contexts are created lazily: wrap only encrypts, unwrap only decrypts.
  let enc: ReturnType<typeof createCipheriv> | null = null;
  let dec: ReturnType<typeof createDecipheriv> | null = null;
  const run = (c: { update(b: Buffer): Buffer }, input: Buffer, output: Buffer): void => {
    const out = c.update(input.subarray(0, 16));
    try {
      if (out.length !== 16) throw new Error('AES-ECB returned a partial block');
      out.copy(output, 0, 0, 16);
    } finally {
      // The cipher's output buffer can hold intermediate key-wrap state; it is not ours to keep.
      out.fill(0);
    }
  };
  return {
    encrypt(input, output) {
      if (!enc) {
        enc = createCipheriv(name, key, null);
        enc.setAutoPadding(false);
      }
      run(enc, input, output);
    },
    decrypt(input, output) {
      if (!dec) {
        dec = createDecipheriv(name, key, null);
        dec.setAutoPadding(false);
      }
      run(dec, input, output);
    },
    close() {
      // final() with no pending data returns an empty buffer and frees the native context.
      if (enc) enc.final();
      if (dec) dec.final();
      enc = null;
      dec = null;
    },
  };
}

import { Buffer } from 'node:buffer';

/**
 * A minimal DER reader over Buffers. Private keys are parsed here rather than with node-forge because
 * forge turns DER into JS strings, and strings holding secret bytes can never be wiped. Every value is
 * a subarray of the input: nothing is copied.
 *
 * Errors are plain `DerError`s; callers turn them into the KeyriteError that fits their context.
 */
export class DerError extends Error {}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

export interface Tlv {
  tag: number;
  /** The content octets. */
  value: Buffer;
  /** Offset just past this element in the buffer it was read from. */
  end: number;
}

/** Reads one element at `offset`. Only single-byte tags and definite lengths (DER) are accepted. */
export function readTlv(buf: Buffer, offset: number): Tlv {
  if (offset + 2 > buf.length) throw new DerError('truncated element');
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not used here');
  let len = buf[offset + 1] as number;
  let pos = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite length is not DER');
    if (n > 4) throw new DerError('length too large');
    if (pos + n > buf.length) throw new DerError('truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[pos + i] as number);
    if (len < 0x80 || (buf[pos] as number) === 0) throw new DerError('non-minimal length');
    pos += n;
  }
  if (pos + len > buf.length) throw new DerError('truncated value');
  return { tag, value: buf.subarray(pos, pos + len), end: pos + len };
}

/** Reads the whole buffer as exactly one element with `tag`. */
export function readOnly(buf: Buffer, tag: number): Buffer {
  const t = readTlv(buf, 0);
  if (t.tag !== tag) throw new DerError(`expected tag 0x${tag.toString(16)}`);
  if (t.end !== buf.length) throw new DerError('trailing bytes');
  return t.value;
}

/** The children of a constructed value, in order. */
export function children(value: Buffer): Tlv[] {
  const out: Tlv[] = [];
  let pos = 0;
  while (pos < value.length) {
    const t = readTlv(value, pos);
    out.push(t);
    pos = t.end;
  }
  return out;
}

export function expect(t: Tlv | undefined, tag: number, what: string): Buffer {
  if (!t || t.tag !== tag) throw new DerError(`missing ${what}`);
  return t.value;
}

/** Magnitude of a non-negative INTEGER's content (leading sign zero removed). */
export function unsignedInteger(value: Buffer): Buffer {
  if (value.length === 0) throw new DerError('empty INTEGER');
  if ((value[0] as number) & 0x80) throw new DerError('negative INTEGER');
  let i = 0;
  while (i < value.length - 1 && value[i] === 0) i++;
  return value.subarray(i);
}

export function bitLength(magnitude: Buffer): number {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  if (i === magnitude.length) return 0;
  const top = magnitude[i] as number;
  return (magnitude.length - i - 1) * 8 + (32 - Math.clz32(top));
}

export function smallInteger(value: Buffer): number {
  const m = unsignedInteger(value);
  if (m.length > 4) throw new DerError('INTEGER too large');
  return m.readUIntBE(0, m.length);
}

/** Encodes one element (for building public structures such as SPKI). */
export function encodeTlv(tag: number, ...parts: Buffer[]): Buffer {
  const value = Buffer.concat(parts);
  const len = value.length;
  let header: Buffer;
  if (len < 0x80) header = Buffer.from([tag, len]);
  else if (len < 0x100) header = Buffer.from([tag, 0x81, len]);
  else if (len < 0x10000) header = Buffer.from([tag, 0x82, len >> 8, len & 0xff]);
  else header = Buffer.from([tag, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff]);
  return Buffer.concat([header, value]);
}

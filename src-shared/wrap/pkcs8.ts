import { Buffer } from 'node:buffer';
import {
  DerError,
  TAG,
  bitLength,
  children,
  expect,
  readOnly,
  readTlv,
  smallInteger,
  unsignedInteger,
} from './der.js';
import type { EccMaterialSpec, RsaMaterialSpec } from './specs.js';

/**
 * Structural reading of a PKCS#8 PrivateKeyInfo holding an RSA or EC key. Works on the caller's
 * buffer without copying; returns only public facts (spec, public point) — never secret bytes.
 */
export type Pkcs8Info =
  | { kind: 'rsa'; spec: RsaMaterialSpec | null; bits: number }
  | {
      kind: 'ecc';
      spec: EccMaterialSpec;
      publicPoint: Buffer | null;
      /** Where the private scalar sits in the DER (offsets, not bytes, so no secret escapes). */
      scalarAt: { offset: number; length: number };
    };

const OID_RSA = Buffer.from('2a864886f70d010101', 'hex');
const OID_EC = Buffer.from('2a8648ce3d0201', 'hex');

interface Curve {
  spec: EccMaterialSpec;
  oid: Buffer;
  /** Group order, big-endian, length = field size in bytes. */
  order: Buffer;
}

export const CURVES: readonly Curve[] = [
  {
    spec: 'ECC_NIST_P256',
    oid: Buffer.from('2a8648ce3d030107', 'hex'),
    order: Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex'),
  },
  {
    spec: 'ECC_NIST_P384',
    oid: Buffer.from('2b81040022', 'hex'),
    order: Buffer.from(
      'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
      'hex',
    ),
  },
  {
    spec: 'ECC_NIST_P521',
    oid: Buffer.from('2b81040023', 'hex'),
    order: Buffer.from(
      '01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' +
        'fa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
      'hex',
    ),
  },
  {
    spec: 'ECC_SECG_P256K1',
    oid: Buffer.from('2b8104000a', 'hex'),
    order: Buffer.from('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141', 'hex'),
  },
];

export function curveOf(spec: EccMaterialSpec): Curve {
  const c = CURVES.find((x) => x.spec === spec);
  if (!c) throw new DerError('unknown curve');
  return c;
}

const RSA_SPECS: Record<number, RsaMaterialSpec> = { 2048: 'RSA_2048', 3072: 'RSA_3072', 4096: 'RSA_4096' };

/** Throws DerError with a non-secret reason when the bytes are not a usable PKCS#8 RSA/EC key. */
export function readPkcs8(der: Buffer): Pkcs8Info {
  const top = children(readOnly(der, TAG.SEQUENCE));
  const version = smallInteger(expect(top[0], TAG.INTEGER, 'PKCS#8 version'));
  if (version !== 0 && version !== 1) throw new DerError('unsupported PKCS#8 version');
  const alg = children(expect(top[1], TAG.SEQUENCE, 'algorithm identifier'));
  const oid = expect(alg[0], TAG.OID, 'algorithm OID');
  const inner = expect(top[2], TAG.OCTET_STRING, 'private key');
  for (const extra of top.slice(3)) {
    // [0] attributes and (v2) [1] public key, context-specific; anything else is not PKCS#8.
    if (extra.tag !== 0xa0 && extra.tag !== 0x81 && extra.tag !== 0xa1)
      throw new DerError('unexpected field');
  }
  if (oid.equals(OID_RSA)) {
    if (alg[1] && alg[1].tag !== TAG.NULL) throw new DerError('RSA parameters must be NULL');
    return readRsa(inner);
  }
  if (oid.equals(OID_EC)) {
    const curveOid = expect(alg[1], TAG.OID, 'named curve (explicit curve parameters are not supported)');
    const curve = CURVES.find((c) => c.oid.equals(curveOid));
    if (!curve) throw new DerError('curve is not one KMS imports');
    return readEc(inner, curve, inner.byteOffset - der.byteOffset);
  }
  throw new DerError('not an RSA or EC private key');
}

function readRsa(inner: Buffer): Pkcs8Info {
  const f = children(readOnly(inner, TAG.SEQUENCE));
  if (f.length !== 9) throw new DerError('RSA private key must have 9 fields (two primes)');
  if (smallInteger(expect(f[0], TAG.INTEGER, 'RSA version')) !== 0) throw new DerError('multi-prime RSA');
  for (let i = 1; i < 9; i++) {
    const m = unsignedInteger(expect(f[i], TAG.INTEGER, 'RSA component'));
    if (bitLength(m) === 0) throw new DerError('zero RSA component');
  }
  const n = unsignedInteger((f[1] as { value: Buffer }).value);
  const e = unsignedInteger((f[2] as { value: Buffer }).value);
  if (((e[e.length - 1] as number) & 1) === 0 || bitLength(e) < 2)
    throw new DerError('bad RSA public exponent');
  const bits = bitLength(n);
  return { kind: 'rsa', spec: RSA_SPECS[bits] ?? null, bits };
}

function readEc(inner: Buffer, curve: Curve, innerOffset: number): Pkcs8Info {
  const f = children(readOnly(inner, TAG.SEQUENCE));
  if (smallInteger(expect(f[0], TAG.INTEGER, 'EC version')) !== 1)
    throw new DerError('EC private key version');
  const scalar = expect(f[1], TAG.OCTET_STRING, 'EC private scalar');
  const size = curve.order.length;
  if (scalar.length === 0 || scalar.length > size)
    throw new DerError('EC private scalar has the wrong length');
  if (!inRange(scalar, curve.order)) throw new DerError('EC private scalar out of range');
  let publicPoint: Buffer | null = null;
  for (const t of f.slice(2)) {
    if (t.tag === 0xa0) {
      const params = readTlv(t.value, 0);
      if (params.tag !== TAG.OID || !params.value.equals(curve.oid) || params.end !== t.value.length) {
        throw new DerError('EC parameters disagree with the PKCS#8 curve');
      }
    } else if (t.tag === 0xa1) {
      const bits = readOnly(t.value, TAG.BIT_STRING);
      if (bits[0] !== 0) throw new DerError('EC public key has unused bits');
      const point = bits.subarray(1);
      const uncompressed = point[0] === 4 && point.length === 1 + 2 * fieldBytes(curve);
      const compressed = (point[0] === 2 || point[0] === 3) && point.length === 1 + fieldBytes(curve);
      if (!uncompressed && !compressed) throw new DerError('EC public key has the wrong length');
      publicPoint = point;
    } else {
      throw new DerError('unexpected field in EC private key');
    }
  }
  const scalarAt = { offset: innerOffset + (scalar.byteOffset - inner.byteOffset), length: scalar.length };
  return { kind: 'ecc', spec: curve.spec, publicPoint, scalarAt };
}

function fieldBytes(curve: Curve): number {
  // For these curves the field and the order have the same byte length.
  return curve.order.length;
}

/**
 * 0 < scalar < order, evaluated over every byte (no early exit) so the time taken does not depend on
 * the secret.
 */
function inRange(scalar: Buffer, order: Buffer): boolean {
  const pad = order.length - scalar.length;
  let borrow = 0;
  let nonzero = 0;
  for (let i = order.length - 1; i >= 0; i--) {
    const s = i >= pad ? (scalar[i - pad] as number) : 0;
    nonzero |= s;
    const d = s - (order[i] as number) - borrow;
    borrow = d < 0 ? 1 : 0;
  }
  return nonzero !== 0 && borrow === 1;
}

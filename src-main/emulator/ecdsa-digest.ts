import { Buffer } from 'node:buffer';
import { createPublicKey, type KeyObject, randomBytes } from 'node:crypto';

/**
 * ECDSA over a caller-supplied digest (Sign/Verify with MessageType DIGEST). node:crypto only offers
 * hash-then-sign for EC keys, so the emulator does the curve arithmetic itself with BigInt (affine
 * coordinates, random nonce). Slow and not constant-time, which is acceptable for the emulator (it
 * stands in for the remote service; nothing here is the product's own secret) and only used for DIGEST.
 * Curve constants are OpenSSL's (`openssl ecparam -name C -param_enc explicit -text`).
 */
interface Curve {
  p: bigint;
  a: bigint;
  b: bigint;
  n: bigint;
  gx: bigint;
  gy: bigint;
}

const CURVES: Record<string, Curve> = {
  prime256v1: {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
  },
  secp384r1: {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffcn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
  },
  secp521r1: {
    p: 0x1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffn,
    a: 0x1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffcn,
    b: 0x51953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    n: 0x1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    gx: 0xc6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n,
    gy: 0x11839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n,
  },
  secp256k1: {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn,
    a: 0x0n,
    b: 0x7n,
    n: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
    gx: 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n,
    gy: 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n,
  },
};

type Point = { x: bigint; y: bigint } | null;

const mod = (v: bigint, m: bigint): bigint => ((v % m) + m) % m;

function inverse(v: bigint, m: bigint): bigint {
  let [a, b, x0, x1] = [mod(v, m), m, 0n, 1n];
  while (a > 1n) {
    const q = a / b;
    [a, b] = [b, a % b];
    [x0, x1] = [x1 - q * x0, x0];
    if (b === 0n && a !== 1n) throw new Error('not invertible');
  }
  return mod(x1, m);
}

function add(c: Curve, p1: Point, p2: Point): Point {
  if (!p1) return p2;
  if (!p2) return p1;
  let lambda: bigint;
  if (p1.x === p2.x) {
    if (mod(p1.y + p2.y, c.p) === 0n) return null;
    lambda = mod((3n * p1.x * p1.x + c.a) * inverse(2n * p1.y, c.p), c.p);
  } else {
    lambda = mod((p2.y - p1.y) * inverse(p2.x - p1.x, c.p), c.p);
  }
  const x = mod(lambda * lambda - p1.x - p2.x, c.p);
  return { x, y: mod(lambda * (p1.x - x) - p1.y, c.p) };
}

function multiply(c: Curve, k: bigint, point: Point): Point {
  let result: Point = null;
  let addend = point;
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) result = add(c, result, addend);
    addend = add(c, addend, addend);
  }
  return result;
}

function toBigInt(bytes: Buffer): bigint {
  let v = 0n;
  for (const byte of bytes) v = (v << 8n) | BigInt(byte);
  return v;
}

function bitLength(v: bigint): number {
  return v.toString(2).length;
}

/** The digest as an integer, truncated to the order's bit length (SEC 1 §4.1.3 step 5). */
function digestInteger(c: Curve, digest: Buffer): bigint {
  const e = toBigInt(digest);
  const excess = digest.length * 8 - bitLength(c.n);
  return excess > 0 ? e >> BigInt(excess) : e;
}

function curveOf(key: KeyObject): Curve {
  const c = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (!c) throw new Error('unsupported curve');
  return c;
}

/** Minimal DER reader: tag, contents and the offset after the element. */
function tlv(buf: Buffer, at: number): { tag: number; body: Buffer; end: number } {
  const tag = buf[at] as number;
  let len = buf[at + 1] as number;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | (buf[start + i] as number);
    start += n;
  }
  if (start + len > buf.length) throw new Error('truncated DER');
  return { tag, body: buf.subarray(start, start + len), end: start + len };
}

/** The private scalar from PKCS#8 → ECPrivateKey (RFC 5915), without going through a string. */
function privateScalar(pkcs8: Buffer): bigint {
  const outer = tlv(pkcs8, 0).body;
  const version = tlv(outer, 0);
  const algorithm = tlv(outer, version.end);
  const octets = tlv(outer, algorithm.end);
  const ecPrivateKey = tlv(octets.body, 0).body;
  const ecVersion = tlv(ecPrivateKey, 0);
  return toBigInt(tlv(ecPrivateKey, ecVersion.end).body);
}

function derInteger(v: bigint): Buffer {
  let hex = v.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] as number) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function derSequence(body: Buffer): Buffer {
  const len = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([0x30]), len, body]);
}

/** Signs `digest` with the EC private key in `pkcs8` (PKCS#8 DER); returns a DER ECDSA-Sig-Value. */
export function ecdsaSignDigest(key: KeyObject, pkcs8: Buffer, digest: Buffer): Buffer {
  const c = curveOf(key);
  const d = privateScalar(pkcs8);
  const e = digestInteger(c, digest);
  const byteLen = Math.ceil(bitLength(c.n) / 8) + 8;
  for (;;) {
    const k = mod(toBigInt(randomBytes(byteLen)), c.n - 1n) + 1n;
    const point = multiply(c, k, { x: c.gx, y: c.gy });
    if (!point) continue;
    const r = mod(point.x, c.n);
    if (r === 0n) continue;
    const s = mod(inverse(k, c.n) * (e + r * d), c.n);
    if (s === 0n) continue;
    return derSequence(Buffer.concat([derInteger(r), derInteger(s)]));
  }
}

/** Verifies a DER ECDSA signature over `digest` with the key's public point. */
export function ecdsaVerifyDigest(key: KeyObject, digest: Buffer, signature: Buffer): boolean {
  try {
    const c = curveOf(key);
    const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' });
    const q = {
      x: toBigInt(Buffer.from(jwk.x ?? '', 'base64url')),
      y: toBigInt(Buffer.from(jwk.y ?? '', 'base64url')),
    };
    const seq = tlv(signature, 0);
    if (seq.tag !== 0x30 || seq.end !== signature.length) return false;
    const rT = tlv(seq.body, 0);
    const sT = tlv(seq.body, rT.end);
    if (rT.tag !== 0x02 || sT.tag !== 0x02 || sT.end !== seq.body.length) return false;
    const r = toBigInt(rT.body);
    const s = toBigInt(sT.body);
    if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
    const w = inverse(s, c.n);
    const point = add(
      c,
      multiply(c, mod(digestInteger(c, digest) * w, c.n), { x: c.gx, y: c.gy }),
      multiply(c, mod(r * w, c.n), q),
    );
    return point !== null && mod(point.x, c.n) === r;
  } catch {
    return false;
  }
}

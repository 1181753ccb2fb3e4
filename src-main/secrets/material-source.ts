import { createHash, createHmac, generateKeyPair, randomFillSync } from 'node:crypto';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import {
  HMAC_HASH,
  RAW_MATERIAL_BYTES,
  type HmacSpec,
  type KeyMaterialSpec,
} from '../../src-shared/wrap/specs.js';
import { materialKind } from '../../src-shared/wrap/index.js';

/** Where material comes from in CSPRNG mode; tests inject a source that reuses costly RSA keys. */
export type MaterialSource = (spec: KeyMaterialSpec) => Promise<SecretBuffer>;

const CURVE: Record<string, string> = {
  ECC_NIST_P256: 'prime256v1',
  ECC_NIST_P384: 'secp384r1',
  ECC_NIST_P521: 'secp521r1',
  ECC_SECG_P256K1: 'secp256k1',
};

/** Raw length of symmetric/HMAC material; null for asymmetric (PKCS#8, variable). */
export function rawMaterialLength(spec: KeyMaterialSpec): number | null {
  return spec in RAW_MATERIAL_BYTES ? RAW_MATERIAL_BYTES[spec as keyof typeof RAW_MATERIAL_BYTES] : null;
}

/** Fresh material from the operating system's CSPRNG (via OpenSSL/BoringSSL). */
export const csprngMaterial: MaterialSource = async (spec) => {
  const raw = rawMaterialLength(spec);
  if (raw !== null) {
    const s = SecretBuffer.alloc(raw);
    s.use((b) => randomFillSync(b));
    return s;
  }
  const der = await new Promise<Buffer>((resolve, reject) => {
    const done = (err: Error | null, _pub: unknown, priv: Buffer) => (err ? reject(err) : resolve(priv));
    if (materialKind(spec) === 'rsa') {
      generateKeyPair(
        'rsa',
        {
          modulusLength: Number(spec.slice(4)),
          publicKeyEncoding: { type: 'spki', format: 'der' },
          privateKeyEncoding: { type: 'pkcs8', format: 'der' },
        },
        done,
      );
    } else {
      generateKeyPair(
        'ec',
        {
          namedCurve: CURVE[spec] ?? 'prime256v1',
          publicKeyEncoding: { type: 'spki', format: 'der' },
          privateKeyEncoding: { type: 'pkcs8', format: 'der' },
        },
        done,
      );
    }
  });
  return SecretBuffer.adopt(der);
};

/** The message whose MAC proves, after import, that KMS holds the HMAC key generated here. */
export function macProbeMessage(ceremonyId: string): Buffer {
  return Buffer.from(`keyrite/verify/v1/${ceremonyId}`, 'utf8');
}

/**
 * SHA-256 of the HMAC of the probe message: public (a digest of a MAC of a public message) and
 * recorded at generation, so verification after a crash needs no material.
 */
export function macProbeFingerprint(material: SecretBuffer, spec: HmacSpec, ceremonyId: string): string {
  const mac = material.use((k) =>
    createHmac(HMAC_HASH[spec], k).update(macProbeMessage(ceremonyId)).digest(),
  );
  return createHash('sha256').update(mac).digest('hex');
}

import { createHmac, generateKeyPair, randomFillSync } from 'node:crypto';
import { sha256Hex } from '../../src-shared/digests.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import {
  KEY_SPEC_TABLE,
  keySpecFacts,
  rawMaterialBytes,
  type HmacSpec,
  type KeyMaterialSpec,
} from '../../src-shared/wrap/specs.js';

/** Where material comes from in CSPRNG mode; tests inject a source that reuses costly RSA keys. */
export type MaterialSource = (spec: KeyMaterialSpec) => Promise<SecretBuffer>;

/** Raw length of symmetric/HMAC material; null for asymmetric (PKCS#8, variable). */
export function rawMaterialLength(spec: KeyMaterialSpec): number | null {
  return rawMaterialBytes(spec);
}

/** Fresh material from the operating system's CSPRNG (via OpenSSL/BoringSSL). */
export const csprngMaterial: MaterialSource = async (spec) => {
  const facts = keySpecFacts(spec);
  if (facts.kind === 'symmetric' || facts.kind === 'hmac') {
    const s = SecretBuffer.alloc(facts.rawBytes);
    s.use((b) => randomFillSync(b));
    return s;
  }
  const encoding = {
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  } as const;
  const der = await new Promise<Buffer>((resolve, reject) => {
    const done = (err: Error | null, _pub: unknown, priv: Buffer) => (err ? reject(err) : resolve(priv));
    if (facts.kind === 'rsa') generateKeyPair('rsa', { modulusLength: facts.bits, ...encoding }, done);
    else generateKeyPair('ec', { namedCurve: facts.curve, ...encoding }, done);
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
    createHmac(KEY_SPEC_TABLE[spec].hash, k).update(macProbeMessage(ceremonyId)).digest(),
  );
  return sha256Hex(mac);
}

import { Buffer } from 'node:buffer';
import { createHmac, createPrivateKey, generateKeyPair, type KeyObject, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { keySpecFacts, rawRange } from '../../src-shared/wrap/specs.js';
import { ECC_CURVES, type EmulatedKeySpec, RSA_BITS } from './key-specs.js';
import { KmsServiceError } from './kms-error.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * The key material id AWS assigns is derived from the KMS key id and the material, so the same
 * material always gets the same id and different material a different one. Keyed by the material
 * (HMAC), the id reveals nothing about it.
 */
export function materialId(keyId: string, material: Buffer): string {
  return createHmac('sha256', material)
    .update('keyrite-emulator/key-material-id/')
    .update(keyId)
    .digest('hex');
}

/** Parses asymmetric material; the caller owns the KeyObject (it holds its own copy of the key). */
export function privateKeyOf(material: Buffer): KeyObject {
  return createPrivateKey({ key: material, format: 'der', type: 'pkcs8' });
}

/**
 * Checks unwrapped material against the key spec: exact length for symmetric and HMAC, a PKCS#8
 * private key of the right type, size or curve for asymmetric keys. Material that does not fit is
 * refused as AWS documents IncorrectKeyMaterialException: "invalid … key material".
 */
export function checkMaterial(spec: EmulatedKeySpec, material: Buffer): void {
  const facts = keySpecFacts(spec);
  const bad = (why: string): KmsServiceError =>
    new KmsServiceError(
      'IncorrectKeyMaterialException',
      `The key material is not valid for a ${spec} KMS key: ${why}.`,
    );
  if (facts.kind === 'symmetric' || facts.kind === 'hmac') {
    const range = rawRange(facts);
    if (material.length < range.min || material.length > range.max)
      throw bad(
        range.min === range.max
          ? `expected ${range.min} bytes, got ${material.length}`
          : `expected ${range.min} to ${range.max} bytes, got ${material.length}`,
      );
    return;
  }
  let key: KeyObject;
  try {
    key = privateKeyOf(material);
  } catch {
    throw bad('it is not a PKCS#8 DER private key');
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (facts.kind === 'rsa') {
    if (key.asymmetricKeyType !== 'rsa')
      throw bad(`it is a ${key.asymmetricKeyType ?? 'unknown'} key, not RSA`);
    if (details.modulusLength !== facts.bits) throw bad(`the modulus has ${details.modulusLength ?? 0} bits`);
    return;
  }
  if (key.asymmetricKeyType !== 'ec') throw bad(`it is a ${key.asymmetricKeyType ?? 'unknown'} key, not ECC`);
  if (details.namedCurve !== facts.curve) throw bad(`the curve is ${details.namedCurve ?? 'unknown'}`);
}

/** A fresh key pair: PKCS#8 DER private key in Buffer.alloc'd memory the caller wipes, SPKI DER public key. */
export async function generateKeyPairDer(
  spec: string,
): Promise<{ privateKeyDer: Buffer; publicKeyDer: Buffer }> {
  const pair = spec.startsWith('RSA_')
    ? await generateKeyPairAsync('rsa', { modulusLength: RSA_BITS[spec] as number })
    : spec === 'ECC_NIST_EDWARDS25519'
      ? await generateKeyPairAsync('ed25519')
      : await generateKeyPairAsync('ec', { namedCurve: ECC_CURVES[spec] as string });
  const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
  const privateKeyDer = Buffer.alloc(der.length);
  der.copy(privateKeyDer);
  der.fill(0);
  return { privateKeyDer, publicKeyDer: pair.publicKey.export({ format: 'der', type: 'spki' }) };
}

/** Material for Origin AWS_KMS keys, generated inside the emulator as KMS would. */
export async function generateMaterial(spec: EmulatedKeySpec): Promise<Buffer> {
  const facts = keySpecFacts(spec);
  if (facts.kind === 'symmetric' || facts.kind === 'hmac') return randomBytes(facts.rawBytes);
  return (await generateKeyPairDer(spec)).privateKeyDer;
}

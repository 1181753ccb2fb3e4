import { Buffer } from 'node:buffer';
import {
  createCipheriv,
  createECDH,
  createHmac,
  createPrivateKey,
  createPublicKey,
  getCurves,
} from 'node:crypto';
import { spkiFingerprint } from '../digests.js';
import { KeyriteError, missingCase } from '../errors.js';
import type { SecretBuffer } from '../secret-buffer.js';
import { TAG, encodeTlv } from './der.js';
import { aesCmac } from './aes-cmac.js';
import { validateMaterial } from './material.js';
import { type Pkcs8Info, curveOf } from './pkcs8.js';
import { scratch } from './scratch.js';
import { KEY_SPEC_TABLE, type KeyMaterialSpec, type NodeHash, keySpecFacts } from './specs.js';

export type CheckValueKind =
  | 'AES_CMAC'
  | 'AES_ECB'
  | 'HMAC_SHA224'
  | 'HMAC_SHA256'
  | 'HMAC_SHA384'
  | 'HMAC_SHA512'
  | 'PUBLIC_KEY_SHA256';

export interface CheckValue {
  kind: CheckValueKind;
  /** Uppercase hex for KCVs (3 bytes); lowercase hex for the SHA-256 public key fingerprint. */
  value: string;
  description: string;
}

/** Bytes of a key check value: 3, as in ANSI X9.24 and AWS Payment Cryptography. */
export const KCV_BYTES = 3;
/**
 * The message of the HMAC check value: 32 zero bytes. Chosen so a witness can reproduce it with KMS
 * after import: `aws kms generate-mac --mac-algorithm HMAC_SHA_<n> --message fileb://zeros32.bin`
 * and compare the first 3 bytes.
 */
export const HMAC_CHECK_MESSAGE_BYTES = 32;

/**
 * A value that identifies key material without revealing it, for people to compare across stations
 * and against KMS after import.
 */
export function checkValue(
  material: SecretBuffer,
  spec: KeyMaterialSpec,
  opts?: { legacyEcb?: boolean },
): CheckValue {
  const info = validateMaterial(material, spec);
  const facts = keySpecFacts(spec);
  switch (facts.kind) {
    case 'symmetric':
      return opts?.legacyEcb ? ecbKcv(material) : cmacKcv(material);
    case 'hmac':
      return hmacCheck(material, facts.hash);
    case 'rsa':
    case 'ecc':
      return publicKeyFingerprint(material, info);
    default:
      return missingCase(facts);
  }
}

function cmacKcv(material: SecretBuffer): CheckValue {
  const mac = material.use((key) => aesCmac(key, Buffer.alloc(16)));
  return {
    kind: 'AES_CMAC',
    value: kcvHex(mac),
    description:
      'AES-CMAC of one zero block under the key, first 3 bytes (ANSI X9.24 / AWS Payment Cryptography)',
  };
}

function ecbKcv(material: SecretBuffer): CheckValue {
  const s = scratch();
  try {
    const block = material.use((key) => {
      const c = createCipheriv('aes-256-ecb', key, null);
      c.setAutoPadding(false);
      const out = s.track(c.update(Buffer.alloc(16)));
      c.final();
      return out;
    });
    return {
      kind: 'AES_ECB',
      value: kcvHex(block),
      description: 'legacy KCV: AES-ECB encryption of one zero block under the key, first 3 bytes',
    };
  } finally {
    s.wipe();
  }
}

function hmacCheck(material: SecretBuffer, hash: NodeHash): CheckValue {
  const mac = material.use((key) =>
    createHmac(hash, key).update(Buffer.alloc(HMAC_CHECK_MESSAGE_BYTES)).digest(),
  );
  const bits = hash.slice(3);
  return {
    kind: `HMAC_SHA${bits}` as CheckValueKind,
    value: kcvHex(mac),
    description: `HMAC-SHA-${bits} of ${HMAC_CHECK_MESSAGE_BYTES} zero bytes under the key, first 3 bytes (reproducible with KMS GenerateMac)`,
  };
}

function kcvHex(tag: Buffer): string {
  return tag.subarray(0, KCV_BYTES).toString('hex').toUpperCase();
}

/**
 * SHA-256 over the DER SubjectPublicKeyInfo of the public half: the same bytes KMS GetPublicKey
 * returns after import, so witnesses can compare. The public key is derived with node:crypto; where
 * the crypto library lacks the curve (BoringSSL has no secp256k1) the public key embedded in the
 * PKCS#8 is used instead, and if both exist they must agree.
 */
function publicKeyFingerprint(material: SecretBuffer, info: Pkcs8Info | null): CheckValue {
  if (!info) throw new Error('asymmetric material without structure');
  const embedded = info.kind === 'ecc' && info.publicPoint ? ecSpki(info.spec, info.publicPoint) : null;
  const derived = canDerive(info) ? material.use((der) => deriveSpki(der, info)) : null;
  if (derived && embedded && !derived.equals(embedded)) {
    throw new KeyriteError(
      'MATERIAL_INCONSISTENT',
      'the public key inside the private key file does not belong to its private key',
      'the key file is corrupt or was edited; export the private key again',
    );
  }
  const spki = derived ?? embedded;
  if (!spki) {
    throw new KeyriteError(
      'MATERIAL_NO_PUBLIC_KEY',
      'cannot compute the public key of this private key on this station',
      'export the private key with its public key included (OpenSSL does by default)',
    );
  }
  return {
    kind: 'PUBLIC_KEY_SHA256',
    value: spkiFingerprint(spki),
    description: 'SHA-256 of the DER SubjectPublicKeyInfo of the public key (compare with KMS GetPublicKey)',
  };
}

/** Only a curve the crypto library lacks may fall back to the embedded key; any other failure is an error. */
function canDerive(info: Pkcs8Info): boolean {
  return info.kind === 'rsa' || getCurves().includes(KEY_SPEC_TABLE[info.spec].curve);
}

/**
 * RSA: the public key is (n, e), stored in the private key. EC: the public point is computed from the
 * scalar (ECDH), not read from the file, so a file carrying someone else's public key is caught.
 */
function deriveSpki(der: Buffer, info: Pkcs8Info): Buffer | null {
  try {
    if (info.kind === 'rsa') {
      return createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({
        type: 'spki',
        format: 'der',
      });
    }
    const ecdh = createECDH(KEY_SPEC_TABLE[info.spec].curve);
    ecdh.setPrivateKey(der.subarray(info.scalarAt.offset, info.scalarAt.offset + info.scalarAt.length));
    return ecSpki(info.spec, ecdh.getPublicKey());
  } catch {
    throw new KeyriteError(
      'MATERIAL_FORMAT',
      'the private key is well-formed but the crypto library rejects it',
      'export the private key again from its source',
    );
  }
}

const OID_EC_PUBLIC_KEY = Buffer.from('2a8648ce3d0201', 'hex');

/** SPKI of an EC point. Exported for tests: the embedded-key fallback must match the derived key. */
export function ecSpki(spec: Extract<Pkcs8Info, { kind: 'ecc' }>['spec'], point: Buffer): Buffer | null {
  // KMS returns uncompressed points; a compressed one would give another fingerprint.
  if (point[0] !== 4) return null;
  const alg = encodeTlv(
    TAG.SEQUENCE,
    encodeTlv(TAG.OID, OID_EC_PUBLIC_KEY),
    encodeTlv(TAG.OID, curveOf(spec).oid),
  );
  return encodeTlv(TAG.SEQUENCE, alg, encodeTlv(TAG.BIT_STRING, Buffer.from([0]), point));
}

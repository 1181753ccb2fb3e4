import { Buffer } from 'node:buffer';
import { KeyriteError, missingCase } from '../errors.js';
import type { SecretBuffer } from '../secret-buffer.js';
import { DerError, TAG, readTlv } from './der.js';
import { type Pkcs8Info, readPkcs8 } from './pkcs8.js';
import {
  type KeyMaterialSpec,
  describeRange,
  keySpecFacts,
  rawMaterialRange,
  rawRange,
  rawSpecsFitting,
} from './specs.js';

/** Largest material accepted at all (an RSA-4096 PKCS#8 key is about 2.4 KB). */
export const MAX_MATERIAL_BYTES = 8192;

const TO_DER_HINT =
  'asymmetric material must be an unencrypted PKCS#8 DER private key, e.g. `openssl pkcs8 -topk8 -nocrypt -outform DER -in key.pem -out key.der`';

/**
 * Checks that `material` is what `spec` says: 32 bytes for symmetric material, a length in the spec's
 * range for HMAC material (AWS KMS's rule; `hmacLength: 'digest'` for clouds that take only the hash's
 * length), a well-formed PKCS#8 key of the right algorithm, size or curve for asymmetric material.
 * Returns the structural facts of asymmetric material (never secret bytes).
 */
export function validateMaterial(
  material: SecretBuffer,
  spec: KeyMaterialSpec,
  opts: { hmacLength?: 'aws-range' | 'digest' } = {},
): Pkcs8Info | null {
  const facts = keySpecFacts(spec);
  switch (facts.kind) {
    case 'symmetric':
    case 'hmac': {
      const range =
        facts.kind === 'hmac' && opts.hmacLength === 'digest'
          ? { min: facts.rawBytes, max: facts.rawBytes }
          : rawRange(facts);
      const n = material.length;
      if (n < range.min || n > range.max) {
        const fits = rawSpecsFitting(n);
        throw new KeyriteError(
          'MATERIAL_SIZE',
          `${spec} key material must be ${describeRange(range)}, but the material is ${n} bytes`,
          n > range.max && material.use(looksLikeText)
            ? 'the file looks like text (hex or base64?); key material must be raw binary bytes'
            : fits.length > 0
              ? `${n} bytes fit ${fits.join(', ')}: choose the key spec that matches the material, or provide ${describeRange(range)}`
              : `provide ${describeRange(range)} of raw material, or choose the key spec that matches the material`,
        );
      }
      return null;
    }
    case 'rsa':
    case 'ecc': {
      const info = material.use((bytes) => readAsymmetric(bytes, spec));
      const got = info.spec;
      if (got !== spec) {
        const what = info.kind === 'rsa' ? `an RSA-${info.bits} private key` : `an ${info.spec} private key`;
        throw new KeyriteError(
          'MATERIAL_SPEC_MISMATCH',
          `the key spec is ${spec} but the material is ${what}`,
          got ? `use --key-spec ${got}, or supply a ${spec} key` : `supply a ${spec} private key`,
        );
      }
      return info;
    }
    default:
      return missingCase(facts);
  }
}

function readAsymmetric(bytes: Buffer, spec: KeyMaterialSpec): Pkcs8Info {
  if (bytes.length > MAX_MATERIAL_BYTES) {
    throw new KeyriteError(
      'MATERIAL_SIZE',
      `the material is ${bytes.length} bytes, more than any ${spec} private key`,
      TO_DER_HINT,
    );
  }
  if (bytes.subarray(0, 11).toString('latin1') === '-----BEGIN ') {
    throw new KeyriteError('MATERIAL_FORMAT', 'the material is PEM text, not DER', TO_DER_HINT);
  }
  try {
    return readPkcs8(bytes);
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    // DerError messages are fixed strings about structure, never the bytes themselves.
    throw new KeyriteError(
      'MATERIAL_FORMAT',
      `the ${spec} material is not a valid PKCS#8 key: ${e.message}`,
      TO_DER_HINT,
    );
  }
}

/**
 * Guesses the spec of material whose spec the user did not give: PKCS#8 keys name themselves; raw
 * bytes of a hash's length are taken as that HMAC spec (32 bytes as SYMMETRIC_DEFAULT). Raw lengths fit
 * more than one spec (HMAC material may be longer than its hash), so `alsoFits` lists the others and
 * `ambiguous` says the caller should name which it assumed; other lengths in an HMAC range are not
 * guessed at all (the caller lists `rawSpecsFitting`).
 */
export function detectMaterialSpec(
  material: SecretBuffer,
): { spec: KeyMaterialSpec; ambiguous: boolean; alsoFits: KeyMaterialSpec[] } | null {
  const found = detectByShape(material);
  if (!found) return null;
  const alsoFits =
    rawMaterialRange(found) === null ? [] : rawSpecsFitting(material.length).filter((s) => s !== found);
  return { spec: found, ambiguous: alsoFits.length > 0, alsoFits };
}

function detectByShape(material: SecretBuffer): KeyMaterialSpec | null {
  return material.use((bytes) => {
    if (looksLikeDer(bytes)) {
      // A DER key KMS does not take (Ed25519, RSA-1024, …) must not pass for raw HMAC bytes by length.
      try {
        const info = readPkcs8(bytes);
        return info.spec ?? null;
      } catch {
        return null;
      }
    }
    switch (bytes.length) {
      case 28:
        return 'HMAC_224';
      case 32:
        return 'SYMMETRIC_DEFAULT';
      case 48:
        return 'HMAC_384';
      case 64:
        return 'HMAC_512';
      default:
        return null;
    }
  });
}

/** Printable ASCII only: hex or base64 saved where binary was expected. Reads, never copies. */
function looksLikeText(bytes: Buffer): boolean {
  for (const b of bytes) if (!(b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))) return false;
  return true;
}

/** One DER SEQUENCE spanning exactly the whole buffer: the shape of any PKCS#8 key. */
function looksLikeDer(bytes: Buffer): boolean {
  if (bytes[0] !== TAG.SEQUENCE) return false;
  try {
    return readTlv(bytes, 0).end === bytes.length;
  } catch {
    return false;
  }
}

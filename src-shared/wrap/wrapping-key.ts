import { Buffer } from 'node:buffer';
import { createPublicKey } from 'node:crypto';
import { spkiFingerprint } from '../digests.js';
import forge from 'node-forge';
import { KeyriteError } from '../errors.js';
import { type WrappingKeySpec, WRAPPING_KEY_SPECS, WRAPPING_KEY_BITS } from './specs.js';

/** A wrapping (public) key in the one canonical form Keyrite uses after parsing. */
export interface WrappingPublicKey {
  /** DER SubjectPublicKeyInfo, as KMS returns it in GetParametersForImport.PublicKey. */
  spkiDer: Buffer;
  bits: number;
  spec: WrappingKeySpec;
  /** Lowercase hex SHA-256 over spkiDer: what people compare between stations. */
  fingerprintSha256: string;
}

const MAX_KEY_FILE_BYTES = 64 * 1024;
const HINT =
  'give the PublicKey from get-parameters-for-import as DER (.bin), base64 (.b64) or PEM, or the ImportParameters.zip';

function invalid(message: string, hint = HINT): KeyriteError {
  return new KeyriteError('WRAPPING_KEY_INVALID', message, hint);
}

/**
 * Accepts DER SubjectPublicKeyInfo, DER PKCS#1 RSAPublicKey, PEM (PUBLIC KEY or RSA PUBLIC KEY) and
 * base64 of either DER form. node-forge does the parsing (public data only); node:crypto then loads
 * the result to prove it can actually encrypt under it.
 */
export function parseWrappingPublicKey(bytes: Uint8Array): WrappingPublicKey {
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (input.length === 0) throw invalid('the wrapping key file is empty');
  if (input.length > MAX_KEY_FILE_BYTES)
    throw invalid(`the wrapping key file is too large (${input.length} bytes)`);
  // Refuse private keys before anything turns them into a string.
  if (input.includes('PRIVATE KEY-----')) {
    throw invalid(
      'this is a private key; the wrapping key is the public key KMS gives you',
      'never give Keyrite (or anyone) the private half here; use the PublicKey from the import parameters',
    );
  }
  const der = toDer(input);
  let key: forge.pki.rsa.PublicKey;
  try {
    // strict DER; forge also insists that every byte is parsed (parseAllBytes defaults to true).
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')), true);
    key = forge.pki.publicKeyFromAsn1(asn1) as forge.pki.rsa.PublicKey;
  } catch (e) {
    const unknownOid = e instanceof Error && /Unknown OID/.test(e.message);
    throw unknownOid
      ? invalid('the wrapping key is not an RSA key; KMS wrapping keys are RSA 2048, 3072 or 4096')
      : invalid('the wrapping key is not a valid RSA public key (DER, PEM or base64)');
  }
  if (!key || typeof key.n?.bitLength !== 'function')
    throw invalid('the wrapping key is not an RSA public key');
  const bits = key.n.bitLength();
  const spec = WRAPPING_KEY_SPECS.find((s) => WRAPPING_KEY_BITS[s] === bits);
  if (!spec) {
    throw invalid(
      `the wrapping key is RSA-${bits}; KMS wrapping keys are RSA 2048, 3072 or 4096`,
      'fetch import parameters with --wrapping-key-spec RSA_2048, RSA_3072 or RSA_4096',
    );
  }
  const e = key.e;
  if (!e.testBit(0) || e.bitLength() < 2 || e.bitLength() > 32) {
    throw invalid('the wrapping key has an unusable public exponent');
  }
  const spkiDer = Buffer.from(forge.asn1.toDer(forge.pki.publicKeyToAsn1(key)).getBytes(), 'binary');
  try {
    createPublicKey({ key: spkiDer, format: 'der', type: 'spki' });
  } catch {
    throw invalid('the wrapping key was parsed but the crypto library refuses it');
  }
  return { spkiDer, bits, spec, fingerprintSha256: spkiFingerprint(spkiDer) };
}

function toDer(input: Buffer): Buffer {
  if (input[0] === 0x30) return input;
  const text = input.toString('latin1');
  if (!isPrintable(input)) throw invalid('the wrapping key is neither DER, PEM nor base64');
  const pem = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (pem) {
    const label = pem[1];
    if (label !== 'PUBLIC KEY' && label !== 'RSA PUBLIC KEY') {
      throw invalid(`the PEM file holds a ${label ?? 'block'}, not a PUBLIC KEY`);
    }
    return strictBase64(pem[2] ?? '');
  }
  if (text.includes('-----BEGIN')) throw invalid('the PEM file is truncated or malformed');
  return strictBase64(text);
}

/** Base64 with whitespace allowed; anything else is refused instead of silently skipped (Node's default). */
export function strictBase64(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    throw invalid('the wrapping key text is not valid base64');
  }
  return Buffer.from(compact, 'base64');
}

function isPrintable(bytes: Buffer): boolean {
  for (const b of bytes)
    if (!(b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))) return false;
  return true;
}

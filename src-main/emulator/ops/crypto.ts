import { Buffer } from 'node:buffer';
import {
  constants,
  createHmac,
  createPublicKey,
  privateDecrypt,
  publicEncrypt,
  timingSafeEqual,
} from 'node:crypto';
import { MAC_ALGORITHM_LISTED } from '../enum-messages.js';
import { openSymmetric, parseSymmetric, sealSymmetric } from '../ciphertext.js';
import type { RegionState } from '../region-state.js';
import { requireUsable, requireUsage } from '../key-metadata.js';
import { currentMaterial, type KeyRecord } from '../key-record.js';
import {
  ENCRYPTION_ALGORITHMS,
  encryptionAlgorithms,
  HMAC_ALGORITHM_FOR_SPEC,
  MAC_ALGORITHMS,
  materialClass,
  MESSAGE_TYPES,
  RSA_BITS,
  SIGNING_ALGORITHMS,
  signingAlgorithms,
} from '../key-specs.js';
import { KmsServiceError, silent, unsupported, validation } from '../kms-error.js';
import { privateKeyOf } from '../material.js';
import {
  type Body,
  optEnum,
  optString,
  optStringMap,
  reqBlob,
  reqEnum,
  reqString,
} from '../request-fields.js';
import { HASH_BYTES, hashOf, signWith, verifyWith } from '../signing.js';
import type { Handler } from './handler.js';

const MAX_MESSAGE = 4096;

function invalidCiphertext(): KmsServiceError {
  return silent('InvalidCiphertextException');
}

function incompatible(alg: string, key: KeyRecord): KmsServiceError {
  return new KmsServiceError(
    'InvalidKeyUsageException',
    `Algorithm ${alg} is incompatible with key spec ${key.keySpec}.`,
  );
}

/** The bytes of the key's current material; callers have checked the key is usable. */
function liveMaterial(key: KeyRecord): Buffer {
  const m = currentMaterial(key);
  if (!m || !m.bytes) throw new KmsServiceError('KMSInvalidStateException', `${key.arn} is pending import.`);
  return m.bytes;
}

function oaepHash(alg: string): 'sha1' | 'sha256' {
  return alg === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256';
}

export const encrypt: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), true);
  const plaintext = reqBlob(body, 'Plaintext', MAX_MESSAGE);
  try {
    const alg = optEnum(body, 'EncryptionAlgorithm', ENCRYPTION_ALGORITHMS) ?? 'SYMMETRIC_DEFAULT';
    const context = optStringMap(body, 'EncryptionContext');
    requireUsable(key);
    requireUsage(key, 'ENCRYPT_DECRYPT', 'Encrypt');
    if (!encryptionAlgorithms(key.keySpec).includes(alg)) throw incompatible(alg, key);
    let blob: Buffer;
    if (key.keySpec === 'SYMMETRIC_DEFAULT') {
      const m = currentMaterial(key);
      blob = sealSymmetric(key.keyId, m?.id ?? '', liveMaterial(key), plaintext, context);
    } else {
      const hash = oaepHash(alg);
      const limit = (RSA_BITS[key.keySpec] as number) / 8 - 2 * (hash === 'sha1' ? 20 : 32) - 2;
      if (plaintext.length > limit) {
        throw validation(
          `Algorithm ${alg} and key spec ${key.keySpec} cannot encrypt data larger than ${limit} bytes.`,
        );
      }
      const pub = createPublicKey(privateKeyOf(liveMaterial(key)));
      blob = publicEncrypt(
        { key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash },
        plaintext,
      );
    }
    return { CiphertextBlob: blob.toString('base64'), KeyId: key.arn, EncryptionAlgorithm: alg };
  } finally {
    plaintext.fill(0);
  }
};

export const decrypt: Handler = (state, body) => {
  const blob = reqBlob(body, 'CiphertextBlob');
  const keyIdParam = optString(body, 'KeyId');
  const algParam = optEnum(body, 'EncryptionAlgorithm', ENCRYPTION_ALGORITHMS);
  const context = optStringMap(body, 'EncryptionContext');
  const parsed = parseSymmetric(blob);
  let key: KeyRecord;
  if (keyIdParam !== undefined) {
    key = state.resolve(keyIdParam, true);
    if (parsed && parsed.keyId !== key.keyId) {
      throw new KmsServiceError(
        'IncorrectKeyException',
        'The key ID in the request does not identify a CMK that can perform this operation.',
      );
    }
  } else {
    // Only symmetric ciphertext names its key; asymmetric decryption needs KeyId.
    const found = parsed && state.keys.get(parsed.keyId);
    if (!found) throw invalidCiphertext();
    key = found;
  }
  requireUsable(key);
  requireUsage(key, 'ENCRYPT_DECRYPT', 'Decrypt');
  const alg = algParam ?? 'SYMMETRIC_DEFAULT';
  if (!encryptionAlgorithms(key.keySpec).includes(alg)) throw incompatible(alg, key);
  if (key.keySpec === 'SYMMETRIC_DEFAULT') {
    if (!parsed) throw invalidCiphertext();
    const m = key.materials.find((x) => x.id === parsed.materialId && x.bytes);
    const plaintext = m?.bytes ? openSymmetric(parsed, m.bytes, context) : undefined;
    if (!plaintext || !m) throw invalidCiphertext();
    try {
      return {
        KeyId: key.arn,
        Plaintext: plaintext.toString('base64'),
        EncryptionAlgorithm: alg,
        KeyMaterialId: m.id,
      };
    } finally {
      plaintext.fill(0);
    }
  }
  let plaintext: Buffer;
  try {
    plaintext = privateDecrypt(
      {
        key: privateKeyOf(liveMaterial(key)),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: oaepHash(alg),
      },
      blob,
    );
  } catch {
    throw invalidCiphertext();
  }
  try {
    return { KeyId: key.arn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: alg };
  } finally {
    plaintext.fill(0);
  }
};

function macKey(
  state: RegionState,
  body: Body,
  operation: string,
): { key: KeyRecord; alg: string; message: Buffer } {
  const key = state.resolve(reqString(body, 'KeyId'), true);
  const message = reqBlob(body, 'Message', MAX_MESSAGE);
  const alg = reqEnum(body, 'MacAlgorithm', MAC_ALGORITHMS, MAC_ALGORITHM_LISTED);
  requireUsable(key);
  requireUsage(key, 'GENERATE_VERIFY_MAC', operation);
  if (HMAC_ALGORITHM_FOR_SPEC[key.keySpec] !== alg) throw incompatible(alg, key);
  return { key, alg, message };
}

function hmac(key: KeyRecord, alg: string, message: Buffer): Buffer {
  const hash = alg.replace('HMAC_SHA_', 'sha');
  return createHmac(hash, liveMaterial(key)).update(message).digest();
}

export const generateMac: Handler = (state, body) => {
  const { key, alg, message } = macKey(state, body, 'GenerateMac');
  return { Mac: hmac(key, alg, message).toString('base64'), MacAlgorithm: alg, KeyId: key.arn };
};

export const verifyMac: Handler = (state, body) => {
  const mac = reqBlob(body, 'Mac');
  const { key, alg, message } = macKey(state, body, 'VerifyMac');
  const expected = hmac(key, alg, message);
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected))
    throw silent('KMSInvalidMacException');
  return { KeyId: key.arn, MacValid: true, MacAlgorithm: alg };
};

function signingInput(state: RegionState, body: Body, operation: string) {
  const key = state.resolve(reqString(body, 'KeyId'), true);
  const message = reqBlob(body, 'Message', MAX_MESSAGE);
  const alg = reqEnum(body, 'SigningAlgorithm', SIGNING_ALGORITHMS);
  const messageType = optEnum(body, 'MessageType', MESSAGE_TYPES) ?? 'RAW';
  requireUsable(key);
  requireUsage(key, 'SIGN_VERIFY', operation);
  if (!signingAlgorithms(key.keySpec).includes(alg)) throw incompatible(alg, key);
  if (messageType === 'EXTERNAL_MU')
    throw validation(`MessageType EXTERNAL_MU is not valid for algorithm ${alg}.`);
  const digest = messageType === 'DIGEST';
  if (digest && message.length !== HASH_BYTES[hashOf(alg)])
    throw validation(`Digest is invalid length for algorithm ${alg}.`);
  return { key, alg, message, digest };
}

export const signOp: Handler = (state, body) => {
  const { key, alg, message, digest } = signingInput(state, body, 'Sign');
  const material = liveMaterial(key);
  const signature = signWith(privateKeyOf(material), material, alg, message, digest);
  return { KeyId: key.arn, Signature: signature.toString('base64'), SigningAlgorithm: alg };
};

export const verifyOp: Handler = (state, body) => {
  const signature = reqBlob(body, 'Signature');
  const { key, alg, message, digest } = signingInput(state, body, 'Verify');
  if (!verifyWith(privateKeyOf(liveMaterial(key)), alg, message, digest, signature)) {
    throw silent('KMSInvalidSignatureException');
  }
  return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: alg };
};

export const getPublicKey: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), true);
  requireUsable(key);
  const cls = materialClass(key.keySpec);
  if (cls === 'symmetric' || cls === 'hmac') {
    throw unsupported(`${key.arn} key spec ${key.keySpec} is not valid for this operation.`);
  }
  const spki = createPublicKey(privateKeyOf(liveMaterial(key))).export({ format: 'der', type: 'spki' });
  const out: Record<string, unknown> = {
    KeyId: key.arn,
    PublicKey: Buffer.from(spki).toString('base64'),
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    KeyUsage: key.keyUsage,
  };
  if (key.keyUsage === 'ENCRYPT_DECRYPT') out.EncryptionAlgorithms = encryptionAlgorithms(key.keySpec);
  if (key.keyUsage === 'SIGN_VERIFY') out.SigningAlgorithms = signingAlgorithms(key.keySpec);
  if (key.keyUsage === 'KEY_AGREEMENT') out.KeyAgreementAlgorithms = ['ECDH'];
  return out;
};

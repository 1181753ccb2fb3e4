import { Buffer } from 'node:buffer';
import { createHmac, createPublicKey, timingSafeEqual } from 'node:crypto';
import { keySpecFacts } from '../../../src-shared/wrap/specs.js';
import { MAC_ALGORITHM_LISTED } from '../enum-messages.js';
import { incompatible, liveMaterial } from '../envelope.js';
import type { RegionState } from '../region-state.js';
import { requireUsable, requireUsage } from '../key-metadata.js';
import type { KeyRecord } from '../key-record.js';
import {
  encryptionAlgorithms,
  HMAC_ALGORITHM_FOR_SPEC,
  MAC_ALGORITHMS,
  materialClass,
  MESSAGE_TYPES,
  SIGNING_ALGORITHMS,
  signingAlgorithms,
} from '../key-specs.js';
import { dryRun, silent, unsupported, validation } from '../kms-error.js';
import { privateKeyOf } from '../material.js';
import { type Body, optBoolean, optEnum, reqBlob, reqEnum, reqString } from '../request-fields.js';
import { HASH_BYTES, hashOf, signWith, verifyWith } from '../signing.js';
import type { Handler } from './handler.js';

/** MACs, signatures and public keys of the key's live material. */
const MAX_MESSAGE = 4096;

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

/** `alg` is the spec's one MAC algorithm (macKey checked), so the spec's hash is the algorithm's. */
function hmac(key: KeyRecord, alg: string, message: Buffer): Buffer {
  const facts = keySpecFacts(key.keySpec);
  if (facts.kind !== 'hmac') throw incompatible(alg, key);
  return createHmac(facts.hash, liveMaterial(key)).update(message).digest();
}

export const generateMac: Handler = (state, body) => {
  const { key, alg, message } = macKey(state, body, 'GenerateMac');
  if (optBoolean(body, 'DryRun')) throw dryRun();
  return { Mac: hmac(key, alg, message).toString('base64'), MacAlgorithm: alg, KeyId: key.arn };
};

export const verifyMac: Handler = (state, body) => {
  const mac = reqBlob(body, 'Mac');
  const { key, alg, message } = macKey(state, body, 'VerifyMac');
  const expected = hmac(key, alg, message);
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected))
    throw silent('KMSInvalidMacException');
  if (optBoolean(body, 'DryRun')) throw dryRun();
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
  if (optBoolean(body, 'DryRun')) throw dryRun();
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
  if (optBoolean(body, 'DryRun')) throw dryRun();
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

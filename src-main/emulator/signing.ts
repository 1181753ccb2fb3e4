import { Buffer } from 'node:buffer';
import {
  constants,
  createHash,
  type KeyObject,
  createPublicKey,
  privateEncrypt,
  publicDecrypt,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { ecdsaSignDigest, ecdsaVerifyDigest } from './ecdsa-digest.js';
import type { SigningAlgorithm } from './key-specs.js';

type Hash = 'sha256' | 'sha384' | 'sha512';

export function hashOf(alg: SigningAlgorithm): Hash {
  if (alg.endsWith('_256')) return 'sha256';
  if (alg.endsWith('_384')) return 'sha384';
  return 'sha512';
}

export const HASH_BYTES: Record<Hash, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** DER DigestInfo prefixes (RFC 8017 §9.2 note 1) for PKCS#1 v1.5 signatures over a given digest. */
const DIGEST_INFO: Record<Hash, Buffer> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

/**
 * KMS signs RAW messages (hashing them itself) and DIGEST inputs (already hashed). node:crypto only
 * offers hash-then-sign, so for RSA with DIGEST the emulator builds the PKCS#1 v1.5 or PSS encoding
 * itself and applies the raw RSA operation. PSS uses a salt as long as the hash, as KMS does.
 * ECDSA over a caller's digest goes through ecdsa-digest.ts, which needs the PKCS#8 bytes.
 */
export function signWith(
  key: KeyObject,
  pkcs8: Buffer,
  alg: SigningAlgorithm,
  input: Buffer,
  digest: boolean,
): Buffer {
  const hash = hashOf(alg);
  const pss = alg.startsWith('RSASSA_PSS');
  if (!digest) {
    if (alg.startsWith('ECDSA')) return sign(hash, input, key);
    return sign(hash, input, {
      key,
      padding: pss ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING,
      saltLength: HASH_BYTES[hash],
    });
  }
  if (alg.startsWith('ECDSA')) return ecdsaSignDigest(key, pkcs8, input);
  if (!pss)
    return privateEncrypt(
      { key, padding: constants.RSA_PKCS1_PADDING },
      Buffer.concat([DIGEST_INFO[hash], input]),
    );
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  return privateEncrypt(
    { key, padding: constants.RSA_NO_PADDING },
    pssEncode(input, hash, bits - 1, Math.ceil(bits / 8)),
  );
}

export function verifyWith(
  key: KeyObject,
  alg: SigningAlgorithm,
  input: Buffer,
  digest: boolean,
  signature: Buffer,
): boolean {
  const hash = hashOf(alg);
  const pss = alg.startsWith('RSASSA_PSS');
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  try {
    if (!digest) {
      if (alg.startsWith('ECDSA')) return verify(hash, input, pub, signature);
      return verify(
        hash,
        input,
        {
          key: pub,
          padding: pss ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING,
          saltLength: HASH_BYTES[hash],
        },
        signature,
      );
    }
    if (alg.startsWith('ECDSA')) return ecdsaVerifyDigest(pub, input, signature);
    const bits = pub.asymmetricKeyDetails?.modulusLength ?? 0;
    const k = Math.ceil(bits / 8);
    if (signature.length !== k) return false;
    if (!pss) {
      const recovered = publicDecrypt({ key: pub, padding: constants.RSA_PKCS1_PADDING }, signature);
      return recovered.equals(Buffer.concat([DIGEST_INFO[hash], input]));
    }
    const em = publicDecrypt({ key: pub, padding: constants.RSA_NO_PADDING }, signature);
    return pssVerify(input, em.subarray(em.length - Math.ceil((bits - 1) / 8)), hash, bits - 1);
  } catch {
    return false;
  }
}

function mgf1(seed: Buffer, length: number, hash: Hash): Buffer {
  const out: Buffer[] = [];
  let total = 0;
  for (let counter = 0; total < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(hash).update(seed).update(c).digest();
    out.push(block);
    total += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1), left-padded to k bytes for the raw RSA operation. */
function pssEncode(mHash: Buffer, hash: Hash, emBits: number, k: number): Buffer {
  const hLen = HASH_BYTES[hash];
  const emLen = Math.ceil(emBits / 8);
  const salt = randomBytes(hLen);
  const h = createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  const db = Buffer.alloc(emLen - hLen - 1);
  db[emLen - 2 * hLen - 2] = 0x01;
  salt.copy(db, emLen - 2 * hLen - 1);
  const mask = mgf1(h, db.length, hash);
  for (let i = 0; i < db.length; i++) db[i] = (db[i] as number) ^ (mask[i] as number);
  db[0] = (db[0] as number) & (0xff >> (8 * emLen - emBits));
  const em = Buffer.concat([db, h, Buffer.from([0xbc])]);
  return Buffer.concat([Buffer.alloc(k - emLen), em]);
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with salt length = hash length. */
function pssVerify(mHash: Buffer, em: Buffer, hash: Hash, emBits: number): boolean {
  const hLen = HASH_BYTES[hash];
  const emLen = Math.ceil(emBits / 8);
  if (em.length !== emLen || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  if (((maskedDb[0] as number) & ~(0xff >> (8 * emLen - emBits)) & 0xff) !== 0) return false;
  const mask = mgf1(h, maskedDb.length, hash);
  const db = Buffer.alloc(maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i] = (maskedDb[i] as number) ^ (mask[i] as number);
  db[0] = (db[0] as number) & (0xff >> (8 * emLen - emBits));
  const psLen = emLen - 2 * hLen - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(db.length - hLen);
  const h2 = createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  return h2.equals(h);
}

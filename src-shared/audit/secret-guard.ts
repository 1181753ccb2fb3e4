/**
 * Defence in depth: nothing secret belongs in the audit log, and a payload that looks like it holds secret
 * material is refused before it is written. Two tests:
 * 1. a key whose name says secret (material, secret, passphrase, password, share, plaintext, private key,
 *    seed, component bytes), at any depth;
 * 2. a string that looks like encoded bytes (≥ 32 hex digits, or ≥ 24 base64 characters mixing upper case,
 *    lower case and digits) under a key that is not a known public field (hashes, fingerprints, public
 *    keys, signatures, ARNs, ids, a Huawei project id, KMS's KeyMaterialId...).
 * False positives are possible and cheap (the caller renames a field); false negatives are what the
 * rest of the design (SecretBuffer, no strings of secrets) prevents.
 */
const SECRET_KEY_NAME =
  /^(key)?material(bytes|hex|base64)?$|secret|passphrase|password|plaintext|private_?key|^shares?(bytes|data|value|hex|base64)?$|^seed$|^component(bytes|value|hex|base64)?$/i;

/** Field names whose string values are public by design and may legitimately look like encoded bytes. */
const PUBLIC_FIELD =
  /^(hash|[A-Za-z]*Hash|digest|[A-Za-z]*Digest|chainHead|fingerprint|[A-Za-z]*Fingerprint|publicKey|[A-Za-z]*PublicKey|signature|[A-Za-z]*Signature|stationId|ceremonyId|projectId|keyId|keyArn|[A-Za-z]*Arn|alias|aliasName|nonce|requestId|importTokenDigest|wrappedKeyDigest|keyMaterialId|[A-Za-z]*KeyMaterialId|kcv|[A-Za-z]*Kcv)$/;

const HEXISH = /^(0x)?[0-9a-fA-F]{32,}$/;
const BASE64ISH = /^[A-Za-z0-9+/_-]{24,}={0,2}$/;

function looksEncoded(s: string): boolean {
  if (HEXISH.test(s)) return true;
  if (!BASE64ISH.test(s)) return false;
  // Random base64 of this length almost surely mixes all three classes; identifiers rarely do.
  return /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s);
}

/** Answers the path of the first field that looks secret, or undefined. */
export function findSecretLookingField(value: unknown, path = 'payload', key = ''): string | undefined {
  if (typeof value === 'string') {
    return looksEncoded(value) && !PUBLIC_FIELD.test(key) ? path : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findSecretLookingField(value[i], `${path}[${i}]`, key);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEY_NAME.test(k)) return `${path}.${k}`;
      const hit = findSecretLookingField(v, `${path}.${k}`, k);
      if (hit) return hit;
    }
  }
  return undefined;
}

// A realistic request bundle, written by the real writer with a fresh station key: what the attack
// tests and the CLI tests tamper with.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeCanonical } from '../../../../src-shared/audit/canonical-json.js';
import { publicKeyToBase64 } from '../../../../src-shared/audit/keys.js';
import { spkiFingerprint } from '../../../../src-shared/digests.js';
import { REQUEST_FILES } from '../../../../src-shared/bundle/content.js';
import { sha256Hex } from '../../../../src-shared/digests.js';
import { toWords } from '../../../../src-shared/words/pgp-words.js';
import { writeBundle, type BundleToWrite } from '../../../../src-main/media/bundle-dir.js';

export interface Station {
  privateKey: KeyObject;
  publicKey: KeyObject;
  fingerprint: string;
}

export function newStation(): Station {
  const k = generateKeyPairSync('ed25519');
  return { ...k, fingerprint: spkiFingerprint(publicKeyToBase64(k.publicKey)) };
}

export const PLAN_DIGEST = 'a'.repeat(64);
export const CEREMONY = 'cer-0123456789ab';
const HOUR = 3_600_000;

/** Request content as an online station writes it, for parameters valid until `validTo`. */
let rsa: Buffer | undefined;
export function requestFiles(validTo: Date): Map<string, Buffer> {
  // One wrapping key for every fixture: RSA generation is the slow part, and no test needs two.
  const wrappingKey = (rsa ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
    format: 'der',
    type: 'spki',
  }));
  const importToken = randomBytes(256);
  const fp = sha256Hex(wrappingKey);
  const content = {
    kind: 'request',
    target: {
      provider: 'aws',
      region: 'eu-west-1',
      keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
      keyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      keySpec: 'SYMMETRIC_DEFAULT',
    },
    wrapping: { algorithm: 'RSAES_OAEP_SHA_256', keySpec: 'RSA_2048' },
    validTo: validTo.toISOString(),
    wrappingKeyFingerprint: fp,
    importTokenDigest: sha256Hex(importToken),
    steps: [
      {
        stepId: 'import-parameters',
        facts: {
          algorithm: 'RSAES_OAEP_SHA_256',
          wrappingKeyFingerprint: fp,
          wrappingKeyFingerprintWords: toWords(fp),
          validTo: validTo.toISOString(),
          importTokenDigest: sha256Hex(importToken),
        },
      },
    ],
  };
  return new Map([
    [REQUEST_FILES.content, encodeCanonical(content)],
    [REQUEST_FILES.wrappingKey, wrappingKey],
    [REQUEST_FILES.importToken, importToken],
  ]);
}

export function requestBundle(
  over: Partial<BundleToWrite> = {},
): Omit<BundleToWrite, 'files'> & { files: ReadonlyMap<string, Buffer> } {
  const now = Date.now();
  const validTo = over.expiresAt ?? new Date(now + 20 * HOUR);
  return {
    kind: 'request',
    ceremonyId: CEREMONY,
    planDigest: PLAN_DIGEST,
    sequence: 1,
    createdAt: new Date(now - 60_000),
    expiresAt: validTo,
    files: requestFiles(validTo),
    ...over,
  };
}

/** Writes a bundle into a fresh medium directory; returns the medium and the bundle's directory. */
export function writeOn(
  station: Station,
  b: BundleToWrite = requestBundle(),
  medium = mkdtempSync(path.join(tmpdir(), 'keyrite-medium-')),
): { medium: string; dir: string; digest: string } {
  const w = writeBundle(medium, b, station);
  return { medium, dir: w.dir, digest: w.digest };
}

import { sign, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { decodeCanonical, encodeCanonical } from '../audit/canonical-json.js';
import { spkiFingerprint } from '../digests.js';
import { publicKeyToBase64, verifyEd25519 } from '../audit/keys.js';
import { sha256Hex } from '../digests.js';
import { KeyriteError } from '../errors.js';

/**
 * A bundle is a directory on removable media that carries one half of a split ceremony to the other
 * station: some content files, `manifest.json` (what the bundle is and every file's name, size and
 * SHA-256, in canonical JSON) and `manifest.sig` (the writing station's Ed25519 signature over the
 * manifest's exact bytes, with the public key that made it). See docs/BUNDLES.md.
 */
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const BUNDLE_FORMAT = 'keyrite-bundle';

/** Domain separation: a bundle signature can never be mistaken for a log or checkpoint signature. */
const SIGNATURE_DOMAIN = Buffer.from('keyrite/bundle/manifest/v1\n', 'utf8');

export const BUNDLE_KINDS = ['request', 'response'] as const;
export type BundleKind = (typeof BUNDLE_KINDS)[number];

/** Names a content file may have: no paths, no hidden files (a leftover temp file is never content). */
export const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Caps checked against the directory listing before a byte is read. */
export const BUNDLE_CAPS = {
  files: 32,
  manifestBytes: 64 * 1024,
  signatureBytes: 4 * 1024,
  fileBytes: 4 * 1024 * 1024,
  totalBytes: 16 * 1024 * 1024,
} as const;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]+={0,2}$/)
  .max(4096);
const isoTime = z.iso.datetime({ offset: true });

export const manifestSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(1),
  kind: z.enum(BUNDLE_KINDS),
  ceremonyId: z.string().min(1).max(64),
  planDigest: hex64,
  /** Per writing station and ceremony, strictly increasing: a lower or equal number is a replay. */
  sequence: z.number().int().min(1).max(1_000_000),
  createdAt: isoTime,
  expiresAt: isoTime,
  station: z.strictObject({ publicKey: base64, fingerprint: hex64 }),
  files: z
    .array(
      z.strictObject({ name: z.string().regex(FILE_NAME), size: z.number().int().min(0), sha256: hex64 }),
    )
    .min(1)
    .max(BUNDLE_CAPS.files),
});
export type BundleManifest = z.output<typeof manifestSchema>;

export const signatureSchema = z.strictObject({ publicKey: base64, signature: base64 });

function signingMessage(manifestBytes: Uint8Array): Buffer {
  return Buffer.concat([SIGNATURE_DOMAIN, manifestBytes]);
}

export interface SignedManifest {
  /** The exact bytes of manifest.json. */
  manifest: Buffer;
  /** The exact bytes of manifest.sig. */
  signature: Buffer;
  /** The bundle's digest: SHA-256 of manifest.json, which names every file's digest. */
  digest: string;
}

/** Builds and signs a manifest for content files the caller has already hashed. */
export function signManifest(
  m: Omit<BundleManifest, 'format' | 'version' | 'station'>,
  station: { privateKey: KeyObject; publicKey: KeyObject },
): SignedManifest {
  const publicKey = publicKeyToBase64(station.publicKey);
  const files = [...m.files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const manifest = manifestSchema.parse({
    format: BUNDLE_FORMAT,
    version: 1,
    ...m,
    files,
    station: { publicKey, fingerprint: spkiFingerprint(publicKey) },
  });
  const bytes = encodeCanonical(manifest);
  const sig = sign(null, signingMessage(bytes), station.privateKey).toString('base64');
  return {
    manifest: bytes,
    signature: encodeCanonical({ publicKey, signature: sig }),
    digest: sha256Hex(bytes),
  };
}

function invalid(code: string, message: string, hint: string): KeyriteError {
  return new KeyriteError(code, message, hint);
}

/**
 * Checks manifest.sig over manifest.json's bytes and returns the signer's public key and fingerprint.
 * Only the small signature envelope is parsed before the signature holds; the manifest is not.
 */
export function checkSignature(
  manifestBytes: Uint8Array,
  signatureBytes: Uint8Array,
): {
  publicKey: string;
  fingerprint: string;
} {
  let envelope: z.output<typeof signatureSchema>;
  try {
    envelope = signatureSchema.parse(decodeCanonical(Buffer.from(signatureBytes)));
  } catch {
    throw invalid(
      'BUNDLE_SIGNATURE_INVALID',
      'the bundle’s manifest.sig is not a Keyrite bundle signature',
      'the bundle was altered or damaged; have the other station write it again',
    );
  }
  if (!verifyEd25519(envelope.publicKey, signingMessage(manifestBytes), envelope.signature))
    throw invalid(
      'BUNDLE_SIGNATURE_INVALID',
      'the bundle’s manifest does not match its signature',
      'the bundle was altered or damaged after it was written; have the other station write it again',
    );
  return { publicKey: envelope.publicKey, fingerprint: spkiFingerprint(envelope.publicKey) };
}

/** Parses manifest.json, whose signature already holds: canonical bytes, then the schema. */
export function parseManifest(manifestBytes: Uint8Array, signer: string): BundleManifest {
  let m: BundleManifest;
  try {
    m = manifestSchema.parse(decodeCanonical(Buffer.from(manifestBytes)));
  } catch {
    throw invalid(
      'BUNDLE_MANIFEST_INVALID',
      'the bundle’s manifest is not a Keyrite bundle manifest',
      'use a bundle written by Keyrite (a newer Keyrite may have written it: update this station)',
    );
  }
  if (m.station.publicKey !== signer)
    throw invalid(
      'BUNDLE_SIGNATURE_INVALID',
      'the bundle’s manifest names another station than the one that signed it',
      'the bundle was put together from parts; have the other station write it again',
    );
  const names = new Set(m.files.map((f) => f.name));
  if (names.size !== m.files.length || names.has(MANIFEST_FILE) || names.has(SIGNATURE_FILE))
    throw invalid(
      'BUNDLE_MANIFEST_INVALID',
      'the bundle’s manifest lists a file twice or lists itself',
      'use a bundle written by Keyrite',
    );
  return m;
}

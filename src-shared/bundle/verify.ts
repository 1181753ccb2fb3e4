import { sha256Hex } from '../digests.js';
import { KeyriteError } from '../errors.js';
import {
  BUNDLE_CAPS,
  FILE_NAME,
  MANIFEST_FILE,
  SIGNATURE_FILE,
  checkSignature,
  parseManifest,
  type BundleKind,
  type BundleManifest,
} from './manifest.js';

/** One entry of a bundle directory as the medium lists it (nothing read yet). */
export interface BundleEntry {
  name: string;
  size: number;
  /** A regular file (not a link, directory, device or pipe). */
  regular: boolean;
}

/**
 * Where a bundle's bytes come from: the media module reads a directory; tests may use memory. `read`
 * returns at most `maxBytes + 1` bytes so a file that grew after it was listed is noticed.
 */
export interface BundleSource {
  entries(): BundleEntry[];
  read(name: string, maxBytes: number): Uint8Array;
}

/** What the reading station knows: the ceremony it runs and what it accepted before. */
export interface BundleExpectations {
  now: Date;
  kind?: BundleKind;
  ceremonyId?: string;
  planDigest?: string;
  /** Fingerprints the writer must have (the pinned peer, or --station); absent or empty: any. */
  stations?: readonly string[];
  /** The highest sequence already accepted from this writer in this ceremony (0: none). */
  lastSequence?: number;
  /** Digests of bundles already accepted in this ceremony. */
  acceptedDigests?: readonly string[];
}

export interface VerifiedBundle {
  manifest: BundleManifest;
  /** SHA-256 of manifest.json: names the whole bundle (what both logs record and witnesses compare). */
  digest: string;
  /** The writer's station key fingerprint (SHA-256 of its SPKI DER). */
  station: string;
  /** Content files by name, each matching the manifest. */
  files: ReadonlyMap<string, Buffer>;
}

function refuse(code: string, message: string, hint: string): never {
  throw new KeyriteError(code, message, hint);
}

const REWRITE = 'have the other station write the bundle again and carry it across';

/**
 * Verifies a bundle in the order that lets nothing unauthenticated be parsed: (1) the listing against
 * the size caps, (2) the manifest signature, then the manifest and the writer's station, (3) every
 * file's size and SHA-256 against the manifest — no file missing, none extra — (4) the ceremony, plan,
 * sequence (replay, rollback) and expiry. Parsing the content is the caller's next step, on what this
 * returns. Every refusal is a KeyriteError whose code starts with BUNDLE_.
 */
export function verifyBundle(src: BundleSource, expect: BundleExpectations): VerifiedBundle {
  // (1) size caps, from the listing alone
  const entries = src.entries();
  for (const e of entries) {
    if (!e.regular || !FILE_NAME.test(e.name))
      refuse(
        'BUNDLE_EXTRA_FILE',
        `the bundle holds "${e.name.slice(0, 60)}", which is not a file a bundle may hold`,
        `a bundle directory holds only the files its manifest lists (an interrupted write leaves hidden files): ${REWRITE}`,
      );
  }
  if (entries.length > BUNDLE_CAPS.files + 2)
    refuse(
      'BUNDLE_TOO_LARGE',
      `the bundle holds ${entries.length} files`,
      `a bundle holds at most ${BUNDLE_CAPS.files}; ${REWRITE}`,
    );
  const byName = new Map(entries.map((e) => [e.name, e]));
  const manifestEntry = byName.get(MANIFEST_FILE);
  const signatureEntry = byName.get(SIGNATURE_FILE);
  if (!manifestEntry || !signatureEntry)
    refuse(
      'BUNDLE_INCOMPLETE',
      `the bundle has no ${manifestEntry ? SIGNATURE_FILE : MANIFEST_FILE}`,
      `it was not completely written (the manifest is written last) or not completely copied; ${REWRITE}`,
    );
  let total = 0;
  for (const e of entries) {
    const cap =
      e.name === MANIFEST_FILE
        ? BUNDLE_CAPS.manifestBytes
        : e.name === SIGNATURE_FILE
          ? BUNDLE_CAPS.signatureBytes
          : BUNDLE_CAPS.fileBytes;
    if (e.size > cap)
      refuse(
        'BUNDLE_TOO_LARGE',
        `bundle file ${e.name} is ${e.size} bytes, over the ${cap}-byte cap`,
        REWRITE,
      );
    total += e.size;
  }
  if (total > BUNDLE_CAPS.totalBytes)
    refuse(
      'BUNDLE_TOO_LARGE',
      `the bundle is ${total} bytes, over the ${BUNDLE_CAPS.totalBytes}-byte cap`,
      REWRITE,
    );

  // (2) the signature over the manifest's bytes, then the manifest and who wrote it
  const manifestBytes = readListed(src, manifestEntry);
  const signer = checkSignature(manifestBytes, readListed(src, signatureEntry));
  const pins = expect.stations ?? [];
  if (pins.length > 0 && !pins.includes(signer.fingerprint))
    refuse(
      'BUNDLE_UNKNOWN_STATION',
      `the bundle was signed by station ${signer.fingerprint.slice(0, 16)}…, not by the station this one expects`,
      'compare the station fingerprints aloud: only the station introduced at the start of this ceremony may write its bundles',
    );
  const manifest = parseManifest(manifestBytes, signer.publicKey);
  // From here the manifest is authentic: a refusal names the bundle by its digest (refusedBundleDigest).
  const digest = sha256Hex(manifestBytes);
  try {
    return checkSigned(src, expect, entries, manifest, digest, signer.fingerprint);
  } catch (e) {
    if (e instanceof Error) SIGNED_DIGESTS.set(e, digest);
    throw e;
  }
}

const SIGNED_DIGESTS = new WeakMap<Error, string>();

/**
 * The digest of the bundle a refusal was about, when its manifest's signature held (a replayed or
 * rolled-back bundle, an altered file, another plan): what the refusing station records.
 */
export function refusedBundleDigest(e: unknown): string | undefined {
  return e instanceof Error ? SIGNED_DIGESTS.get(e) : undefined;
}

/** Steps (3) and (4), on a manifest whose signature held. */
function checkSigned(
  src: BundleSource,
  expect: BundleExpectations,
  entries: BundleEntry[],
  manifest: BundleManifest,
  digest: string,
  station: string,
): VerifiedBundle {
  const byName = new Map(entries.map((e) => [e.name, e]));
  // (3) every file exactly as the manifest says: none missing, none extra, size then digest
  const listed = new Set(manifest.files.map((f) => f.name));
  for (const e of entries)
    if (e.name !== MANIFEST_FILE && e.name !== SIGNATURE_FILE && !listed.has(e.name))
      refuse('BUNDLE_EXTRA_FILE', `the bundle holds ${e.name}, which its manifest does not list`, REWRITE);
  const files = new Map<string, Buffer>();
  for (const f of manifest.files) {
    const e = byName.get(f.name);
    if (!e) refuse('BUNDLE_MISSING_FILE', `the bundle lacks ${f.name}, which its manifest lists`, REWRITE);
    if (e.size !== f.size)
      refuse(
        'BUNDLE_FILE_SIZE',
        `bundle file ${f.name} is ${e.size} bytes; the manifest says ${f.size} (truncated or altered)`,
        REWRITE,
      );
    const bytes = readListed(src, e);
    if (sha256Hex(bytes) !== f.sha256)
      refuse(
        'BUNDLE_FILE_DIGEST',
        `bundle file ${f.name} is not the file the manifest signed (altered)`,
        REWRITE,
      );
    files.set(f.name, bytes);
  }

  // (4) this ceremony, this plan, in order, not expired
  if (expect.kind && manifest.kind !== expect.kind)
    refuse(
      'BUNDLE_WRONG_KIND',
      `this is a ${manifest.kind} bundle; a ${expect.kind} bundle is expected here`,
      'carry the bundle to the station that reads it',
    );
  if (expect.ceremonyId !== undefined && manifest.ceremonyId !== expect.ceremonyId)
    refuse(
      'BUNDLE_OTHER_CEREMONY',
      `the bundle belongs to ceremony ${manifest.ceremonyId}, not ${expect.ceremonyId}`,
      'use the bundle of this ceremony',
    );
  if (expect.planDigest !== undefined && manifest.planDigest !== expect.planDigest)
    refuse(
      'BUNDLE_OTHER_PLAN',
      'the bundle was made under another plan (its plan digest differs)',
      'both stations must run the same reviewed plan: compare the plan digests aloud',
    );
  if (expect.acceptedDigests?.includes(digest))
    refuse(
      'BUNDLE_REPLAYED',
      'this bundle was already accepted in this ceremony',
      'a bundle is read once; carry the newest bundle',
    );
  const last = expect.lastSequence ?? 0;
  if (manifest.sequence <= last)
    refuse(
      'BUNDLE_ROLLED_BACK',
      `the bundle is number ${manifest.sequence} from its station; number ${last} was already accepted`,
      'an older bundle was brought back: carry the newest bundle the other station wrote',
    );
  const created = Date.parse(manifest.createdAt);
  const expires = Date.parse(manifest.expiresAt);
  if (expires <= created)
    refuse('BUNDLE_MANIFEST_INVALID', 'the bundle expires before it was created', REWRITE);
  if (expires <= expect.now.getTime())
    refuse(
      'BUNDLE_EXPIRED',
      `the bundle expired at ${manifest.expiresAt}`,
      manifest.kind === 'request'
        ? 'its import parameters are no longer valid: the online station fetches new ones and writes a new request'
        : 'the import parameters it was wrapped for are no longer valid: start again from a new request',
    );
  return { manifest, digest, station, files };
}

/** Reads a listed file and refuses one that changed size since it was listed. */
function readListed(src: BundleSource, e: BundleEntry): Buffer {
  const bytes = Buffer.from(src.read(e.name, e.size));
  if (bytes.length !== e.size)
    refuse(
      'BUNDLE_FILE_SIZE',
      `bundle file ${e.name} changed while it was read`,
      'make sure nothing else writes to the medium, then read it again',
    );
  return bytes;
}

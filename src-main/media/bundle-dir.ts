import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { KeyriteError } from '../../src-shared/errors.js';
import { sha256Hex } from '../../src-shared/digests.js';
import {
  MANIFEST_FILE,
  SIGNATURE_FILE,
  signManifest,
  type BundleManifest,
} from '../../src-shared/bundle/manifest.js';
import type { BundleEntry, BundleSource } from '../../src-shared/bundle/verify.js';
import { writeNewDirectory } from './new-directory.js';

/** The one code for "the medium could not be read" (exit 2 of keyrite bundle verify), not "the bundle is bad". */
export const BUNDLE_UNREADABLE = 'BUNDLE_UNREADABLE';

function unreadable(dir: string, e: unknown): KeyriteError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? 'error';
  const why =
    code === 'ENOENT'
      ? 'it does not exist'
      : code === 'ENOTDIR'
        ? 'it is not a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'no permission to read it'
          : `the medium answered ${code}`;
  return new KeyriteError(
    BUNDLE_UNREADABLE,
    `cannot read the bundle ${dir}: ${why}`,
    'give the bundle’s directory on the medium (keyrite-…-request-N or …-response-N); check the medium is mounted',
  );
}

/**
 * A bundle directory as verifyBundle reads it: listed without following links, each file opened
 * without following a link or waiting on a pipe, and read no further than the size it was listed with.
 */
export function directorySource(dir: string): BundleSource {
  return {
    entries(): BundleEntry[] {
      let names: string[];
      try {
        if (!lstatSync(dir).isDirectory())
          throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
        names = readdirSync(dir);
      } catch (e) {
        throw unreadable(dir, e);
      }
      return names.map((name) => {
        try {
          const st = lstatSync(path.join(dir, name));
          return { name, size: st.size, regular: st.isFile() };
        } catch (e) {
          throw unreadable(dir, e);
        }
      });
    },
    read(name: string, maxBytes: number): Uint8Array {
      const file = path.join(dir, name);
      let fd: number;
      try {
        fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      } catch (e) {
        throw unreadable(dir, e);
      }
      try {
        if (!fstatSync(fd).isFile())
          throw new KeyriteError(
            'BUNDLE_EXTRA_FILE',
            `bundle entry ${name} is not a regular file`,
            'a bundle holds only files',
          );
        const buf = Buffer.alloc(maxBytes + 1);
        let off = 0;
        while (off < buf.length) {
          const n = readSync(fd, buf, off, buf.length - off, off);
          if (n === 0) break;
          off += n;
        }
        return buf.subarray(0, off);
      } catch (e) {
        if (e instanceof KeyriteError) throw e;
        throw unreadable(dir, e);
      } finally {
        closeSync(fd);
      }
    },
  };
}

export interface BundleToWrite {
  kind: BundleManifest['kind'];
  ceremonyId: string;
  planDigest: string;
  sequence: number;
  createdAt: Date;
  expiresAt: Date;
  /** Content files by name (never manifest.json or manifest.sig). */
  files: ReadonlyMap<string, Buffer>;
}

/** The directory name a bundle gets on the medium: which ceremony, which kind, which number. */
export function bundleDirName(b: Pick<BundleToWrite, 'kind' | 'ceremonyId' | 'sequence'>): string {
  return `keyrite-${b.ceremonyId}-${b.kind}-${b.sequence}`;
}

/**
 * Writes a bundle as a new directory under `parent` and returns its path and digest. Nothing is ever
 * replaced: the directory must not exist, each file is written to a temporary name, fsynced and linked
 * into place; the manifest goes last, so a bundle with a manifest is complete and one without is
 * refused as incomplete. When this returns, every byte and the directory entries are synced: the
 * medium is safe to remove (as far as the medium's own flush can be trusted).
 */
export function writeBundle(
  parent: string,
  b: BundleToWrite,
  station: { privateKey: KeyObject; publicKey: KeyObject },
): { dir: string; digest: string; manifest: BundleManifest } {
  const dir = path.join(parent, bundleDirName(b));
  const signed = signManifest(
    {
      kind: b.kind,
      ceremonyId: b.ceremonyId,
      planDigest: b.planDigest,
      sequence: b.sequence,
      createdAt: b.createdAt.toISOString(),
      expiresAt: b.expiresAt.toISOString(),
      files: [...b.files].map(([name, bytes]) => ({ name, size: bytes.length, sha256: sha256Hex(bytes) })),
    },
    station,
  );
  // The manifest goes last: a bundle with a manifest is complete, one without is refused as incomplete.
  writeNewDirectory(
    parent,
    bundleDirName(b),
    new Map([...b.files, [SIGNATURE_FILE, signed.signature], [MANIFEST_FILE, signed.manifest]]),
  );
  return {
    dir,
    digest: signed.digest,
    manifest: JSON.parse(signed.manifest.toString('utf8')) as BundleManifest,
  };
}

const BUNDLE_DIR = /^keyrite-(cer-[0-9a-f]{1,32})-(request|response)-(\d{1,7})$/;

export interface BundleOnMedium {
  dir: string;
  ceremonyId: string;
  kind: BundleManifest['kind'];
  sequence: number;
}

/**
 * The bundles on a medium, by their directory names (nothing is trusted from a name: the bundle is
 * verified when it is read). Newest first within a ceremony and kind.
 */
export function listBundles(mediaDir: string): BundleOnMedium[] {
  let names: string[];
  try {
    names = readdirSync(mediaDir);
  } catch (e) {
    throw unreadable(mediaDir, e);
  }
  const found: BundleOnMedium[] = [];
  for (const name of names) {
    const m = BUNDLE_DIR.exec(name);
    if (!m) continue;
    found.push({
      dir: path.join(mediaDir, name),
      ceremonyId: m[1]!,
      kind: m[2] as BundleManifest['kind'],
      sequence: Number(m[3]),
    });
  }
  return found.sort((a, b) => b.sequence - a.sequence);
}

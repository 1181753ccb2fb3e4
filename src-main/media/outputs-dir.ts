import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../src-shared/errors.js';
import { sha256Hex } from '../../src-shared/digests.js';
import { syncDirectory } from './atomic-file.js';
import { writeNewDirectory } from './new-directory.js';

/**
 * A split ceremony's outputs for other clouds (Google Cloud KMS, Azure Key Vault) on the medium: the
 * offline station wraps them, and a person carries them to a machine with gcloud or az. They travel
 * beside the response bundle, not in it — the bundle is what the online station imports; these are
 * files for other clouds, which the response names (file, size, SHA-256, upload command) and the
 * online station checks. The folder mirrors the ceremony directory (`outputs/…`), so the logged
 * commands run in it word for word.
 */
export function outputsDirName(ceremonyId: string, sequence: number): string {
  return `keyrite-${ceremonyId}-outputs-${sequence}`;
}

export interface OutputFile {
  /** Relative path as the log records it, e.g. outputs/gcp-1-payments.bin. */
  file: string;
  bytes: number;
  outputDigest: string;
}

/**
 * Writes the outputs as a new folder under `parent`: never an existing one, each file through a
 * temporary name, fsynced and linked into place (never replacing), the directories synced last.
 * Every output lives under outputs/ (plan-outputs.ts names them so), as in the ceremony directory.
 */
export function writeOutputsDir(parent: string, name: string, files: ReadonlyMap<string, Buffer>): string {
  const dir = path.join(parent, name);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new KeyriteError(
      code === 'EEXIST' ? 'OUTPUTS_EXIST' : 'BUNDLE_WRITE',
      code === 'EEXIST' ? `${dir} already exists` : `cannot create ${dir} (${code ?? 'error'})`,
      code === 'EEXIST'
        ? 'Keyrite never replaces output files: use another medium, or remove the old folder only if you are sure it is not needed'
        : 'check that the medium is mounted and writable',
    );
  }
  const inner = new Map(
    [...files].map(([rel, bytes]) => {
      if (!rel.startsWith(OUTPUTS)) throw new Error(`an output outside outputs/: ${rel}`);
      return [rel.slice(OUTPUTS.length), bytes] as const;
    }),
  );
  writeNewDirectory(dir, 'outputs', inner);
  try {
    syncDirectory(parent);
  } catch {
    // Windows cannot fsync a directory; the files themselves are synced.
  }
  return dir;
}

const OUTPUTS = 'outputs/';

/**
 * Each output in the folder as the offline station logged it, or the first problem in words: a missing,
 * half-written or altered file is named, never used. Reads no more than the logged size plus one byte.
 */
export function outputsDirProblem(dir: string, outputs: readonly OutputFile[]): string | undefined {
  for (const o of outputs) {
    const file = path.join(dir, ...o.file.split('/'));
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      return `${o.file} is not in ${dir}`;
    }
    try {
      if (!fstatSync(fd).isFile()) return `${o.file} in ${dir} is not a regular file`;
      const buf = Buffer.alloc(o.bytes + 1);
      let off = 0;
      for (let n = 1; n > 0 && off < buf.length; off += n) n = readSync(fd, buf, off, buf.length - off, off);
      const got = buf.subarray(0, off);
      if (got.length !== o.bytes || sha256Hex(got) !== o.outputDigest)
        return `${o.file} in ${dir} is not the file the offline station logged (${o.bytes} bytes, SHA-256 ${o.outputDigest}): half-written or altered`;
    } finally {
      closeSync(fd);
    }
  }
  return undefined;
}

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../src-shared/errors.js';
import { syncDirectory } from './atomic-file.js';
import { writeNewFileAtomic } from './new-file.js';

/**
 * Writes `files` (in their order) as a new directory `name` under `parent`, for carrying on a medium.
 * Nothing is ever replaced: the directory must not exist, each file goes to a temporary name, is
 * fsynced and linked into place. When this returns, every byte and the directory entries are synced:
 * the medium is safe to remove (as far as the medium's own flush can be trusted).
 */
export function writeNewDirectory(parent: string, name: string, files: ReadonlyMap<string, Buffer>): string {
  const dir = path.join(parent, name);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new KeyriteError(
        'BUNDLE_EXISTS',
        `${dir} already exists`,
        'Keyrite never replaces a bundle: remove the old one from the medium only if you are sure it is not needed, or use another medium',
      );
    throw new KeyriteError(
      'BUNDLE_WRITE',
      `cannot create ${dir} (${code ?? 'error'})`,
      'check that the medium is mounted and writable',
    );
  }
  for (const [file, bytes] of files) writeNewFileAtomic(path.join(dir, file), bytes, 0o644);
  syncDirectory(dir);
  try {
    syncDirectory(parent);
  } catch {
    // Windows cannot fsync a directory; the files themselves are synced.
  }
  return dir;
}

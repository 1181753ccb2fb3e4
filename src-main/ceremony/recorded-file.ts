import { readFileSync } from 'node:fs';
import { sha256Hex } from '../../src-shared/digests.js';
import { KeyriteError } from '../../src-shared/errors.js';

/** The file as this ceremony recorded it, or a refusal: a changed file never leaves the station. */
export function recordedFile(file: string, digest: string | undefined, what: string): Buffer {
  const bytes = readFileSync(file);
  if (!digest || sha256Hex(bytes) !== digest)
    throw new KeyriteError(
      'IMPORT_FILES_CHANGED',
      `the ${what} on disk is not what this ceremony recorded`,
      'do not carry anything across; reopen the ceremony so it can account for the files',
    );
  return bytes;
}

import { readFileSync, statSync } from 'node:fs';
import { KeyriteError } from '../../src-shared/errors.js';
import { fsError } from './secret-file.js';

/** Public files (keys, parameters, import jobs) are small; anything larger is not what was meant. */
const MAX_PUBLIC_FILE_BYTES = 1 << 20;

/** Reads a small public file (a wrapping key, import parameters, a KEK): regular, bounded, not empty. */
export function readPublicFile(file: string, what: string): Buffer {
  let bytes: Buffer;
  try {
    const st = statSync(file);
    if (!st.isFile())
      throw new KeyriteError('FILE_NOT_REGULAR', `${file} is not a regular file`, `give the ${what} file`);
    if (st.size > MAX_PUBLIC_FILE_BYTES) {
      throw new KeyriteError(
        'FILE_TOO_LARGE',
        `${what} file ${file} is too large`,
        `give the ${what} file itself`,
      );
    }
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof KeyriteError) throw e;
    throw fsError(e, file, what);
  }
  if (bytes.length === 0)
    throw new KeyriteError('FILE_EMPTY', `${what} file ${file} is empty`, 'check the file');
  return bytes;
}

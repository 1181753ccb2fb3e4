import { KeyriteError } from '../../src-shared/errors.js';
import { readBoundedFile } from './bounded-file.js';

/** Reads a small public file (a wrapping key, import parameters, a KEK): regular, bounded, not empty. */
export function readPublicFile(file: string, what: string): Buffer {
  const bytes = readBoundedFile(file, 'public', what);
  if (bytes.length === 0)
    throw new KeyriteError('FILE_EMPTY', `${what} file ${file} is empty`, 'check the file');
  return bytes;
}

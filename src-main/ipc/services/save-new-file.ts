import path from 'node:path';
import { KeyriteError, isKeyriteError } from '../../../src-shared/errors.js';
import { writeNewFileAtomic } from '../../media/new-file.js';

/**
 * Saves a new file where the person chose in a save dialog, never replacing one (see new-file.ts).
 * The refusals speak of the dialog, not of the command line's --out, and name the file, not its path.
 */
export function saveNewFile(dest: string, data: Buffer, mode: number): void {
  try {
    writeNewFileAtomic(dest, data, mode);
  } catch (e) {
    if (!isKeyriteError(e)) throw e;
    const name = path.basename(dest);
    if (e.code === 'OUTPUT_EXISTS')
      throw new KeyriteError(
        'OUTPUT_EXISTS',
        `${name} already exists there`,
        'save again and choose another name or place; Keyrite never replaces a file',
      );
    throw new KeyriteError(
      e.code,
      `${name} could not be saved: ${e.message}`,
      'choose a place you can write to (a removed or full medium cannot take it), then save again',
    );
  }
}

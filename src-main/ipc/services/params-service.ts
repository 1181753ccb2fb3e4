import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import { parseImportParameters, type ParamsFile } from '../../../src-shared/wrap/import-params.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import type { KeyriteServices } from '../services.js';
import type { ShellPorts } from '../shell-ports.js';
import { readBoundedFile } from '../../media/bounded-file.js';

const MAX_FILES = 8;

/**
 * Import parameters: the person chooses the files through main (a dialog); main reads and parses
 * them and the renderer receives the public summary. The bytes never cross IPC.
 */
export function paramsService(ports: ShellPorts, clock: () => Date): Pick<KeyriteServices, 'params.inspect'> {
  return {
    'params.inspect': async () => {
      const chosen = await ports.chooseFiles('import-parameters');
      if (!chosen || chosen.length === 0) return { status: 'cancelled' };
      if (chosen.length > MAX_FILES) {
        throw new KeyriteError(
          'PARAMS_TOO_MANY_FILES',
          `${chosen.length} files were chosen; at most ${MAX_FILES} are read.`,
          'Choose the zip, or the wrapping key and token files.',
        );
      }
      const files: ParamsFile[] = [];
      // A device or FIFO reports size 0 and never ends: only regular files, read with a bound.
      for (const file of chosen)
        files.push({ name: path.basename(file), bytes: readBoundedFile(file, 'import-parameters') });
      const p = parseImportParameters(files, clock());
      return {
        status: 'chosen',
        value: {
          files: files.map((f) => f.name),
          ...(p.provider ? { provider: p.provider } : {}),
          ...(p.keyId ? { keyId: p.keyId } : {}),
          ...(p.algorithm ? { algorithm: p.algorithm } : {}),
          wrappingKeySpec: p.wrappingKeySpec,
          wrappingKeyFingerprint: p.wrappingKey.fingerprintSha256,
          wrappingKeyFingerprintWords: toWords(p.wrappingKey.fingerprintSha256),
          ...(p.validTo ? { validTo: p.validTo.toISOString() } : {}),
          expired: p.expired,
          hasImportToken: p.importToken !== undefined,
        },
      };
    },
  };
}

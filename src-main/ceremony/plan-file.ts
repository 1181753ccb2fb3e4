import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { KeyriteError } from '../../src-shared/errors.js';
import { readBoundedText } from '../media/bounded-file.js';

/**
 * Reads a plan file (YAML or JSON, by extension; YAML is a superset so unknown extensions parse as YAML).
 * Only a regular file of at most 256 KiB is read: `/dev/zero` or a FIFO is refused before a byte is.
 */
export function readPlanFile(file: string): unknown {
  let text: string;
  try {
    text = readBoundedText(file, 'plan', 'plan');
  } catch (e) {
    if (!(e instanceof KeyriteError)) throw e;
    throw new KeyriteError(
      e.code === 'FILE_TOO_LARGE' ? 'PLAN_TOO_LARGE' : 'PLAN_UNREADABLE',
      e.message,
      e.code === 'FILE_TOO_LARGE' ? 'a plan is a short document; check the file' : e.hint,
    );
  }
  try {
    if (file.endsWith('.json')) return JSON.parse(text);
    // Loaded for a YAML plan only: a JSON plan, or a rehearsal of the built-in one, never needs the parser.
    const { parse } = createRequire(__filename)('yaml') as typeof Yaml;
    return parse(text, { maxAliasCount: 16 });
  } catch {
    throw new KeyriteError(
      'PLAN_SYNTAX',
      `plan file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}`,
      'fix the syntax; a YAML linter shows where',
    );
  }
}

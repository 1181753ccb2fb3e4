import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { KeyriteError } from '../../src-shared/errors.js';

const MAX_PLAN_BYTES = 256 * 1024;

/** Reads a plan file (YAML or JSON, by extension; YAML is a superset so unknown extensions parse as YAML). */
export function readPlanFile(file: string): unknown {
  let text: string;
  try {
    const buf = readFileSync(file);
    if (buf.length > MAX_PLAN_BYTES)
      throw new KeyriteError(
        'PLAN_TOO_LARGE',
        `plan file ${file} is larger than 256 KiB`,
        'a plan is a short document; check the file',
      );
    text = buf.toString('utf8');
  } catch (e) {
    if (e instanceof KeyriteError) throw e;
    throw new KeyriteError(
      'PLAN_UNREADABLE',
      `cannot read plan file ${file}`,
      'check the path and permissions',
    );
  }
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 16 });
  } catch {
    throw new KeyriteError(
      'PLAN_SYNTAX',
      `plan file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}`,
      'fix the syntax; a YAML linter shows where',
    );
  }
}

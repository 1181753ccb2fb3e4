import { existsSync, readdirSync } from 'node:fs';
import { KeyriteError } from '../../src-shared/errors.js';

/**
 * `except`: files the front end put there first (the station key it just sealed). Its own module so
 * that a command that needs only this (the offline station's run) loads no emulator and no KMS client.
 */
export function assertEmptyDir(dir: string, except: readonly string[] = []): void {
  if (existsSync(dir) && readdirSync(dir).some((f) => !except.includes(f)))
    throw new KeyriteError(
      'REHEARSAL_DIR_NOT_EMPTY',
      `${dir} is not empty`,
      'give --out a new or empty directory (or --resume to continue a ceremony there)',
    );
}

import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../src-shared/errors.js';

/** The station key file a front end may seal into the ceremony directory before the ceremony starts. */
export const STATION_KEY_FILE = 'station-ed25519.key';

/** A temp file of an atomic write (media/atomic-file.ts) that a killed process left behind. */
const ATOMIC_TEMP = /^\..+\.\d+\.tmp$/;

/**
 * `except`: files the front end put there first (the station key it just sealed). Its own module so
 * that a command that needs only this (the offline station's run) loads no emulator and no KMS client.
 *
 * A start killed before its ceremony log existed leaves only the station key it sealed (which signed
 * nothing: there is no log) and perhaps a temp file; those are cleared, so starting again just works
 * instead of sending the administrator between "not empty" and "no ceremony to resume".
 */
export function assertEmptyDir(dir: string, except: readonly string[] = []): void {
  if (!existsSync(dir)) return;
  const names = readdirSync(dir).filter((f) => !except.includes(f));
  if (names.length === 0) return;
  if (names.every((f) => f === STATION_KEY_FILE || ATOMIC_TEMP.test(f))) {
    for (const f of names) rmSync(path.join(dir, f), { force: true });
    return;
  }
  throw new KeyriteError(
    'REHEARSAL_DIR_NOT_EMPTY',
    `${dir} is not empty`,
    'give --out a new or empty directory (or --resume to continue a ceremony there)',
  );
}

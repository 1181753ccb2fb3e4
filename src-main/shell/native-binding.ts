import { existsSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../src-shared/errors.js';

/**
 * better-sqlite3 ships one native addon, built for the ABI of whichever runtime ran `npm ci` (Node,
 * for the tests and the CLI). Electron has a different ABI, so src-main/build/native-electron.mjs builds a
 * second copy under .native/electron/<electron version>/ and the app passes its path to
 * better-sqlite3 as `nativeBinding`. In a packaged app electron-builder has already rebuilt the
 * module in place, so no override is needed there.
 */
export interface NativeBindingContext {
  /** process.versions.electron, or undefined under plain Node. */
  electronVersion: string | undefined;
  /** true inside an electron-builder package (app.isPackaged). */
  packaged: boolean;
  /** The project root (where package.json is) in development. */
  projectRoot: string;
  exists?: (file: string) => boolean;
}

export const ADDON_RELATIVE_PATH = path.join('better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

export function electronNativeDir(projectRoot: string, electronVersion: string): string {
  return path.join(projectRoot, '.native', 'electron', electronVersion);
}

/** The addon path to pass as better-sqlite3's `nativeBinding`, or undefined for its default lookup. */
export function selectNativeBinding(ctx: NativeBindingContext): string | undefined {
  if (!ctx.electronVersion || ctx.packaged) return undefined;
  const candidate = path.join(electronNativeDir(ctx.projectRoot, ctx.electronVersion), ADDON_RELATIVE_PATH);
  const exists = ctx.exists ?? existsSync;
  if (!exists(candidate)) {
    throw nativeBindingMissing(candidate, ctx.electronVersion);
  }
  return candidate;
}

function nativeBindingMissing(expectedPath: string, electronVersion: string): KeyriteError {
  return new KeyriteError(
    'NATIVE_SQLITE_MISSING',
    `better-sqlite3 has not been built for Electron ${electronVersion} (expected ${expectedPath}).`,
    'Run `npm start` (its prestart step builds it) or `node src-main/build/native-electron.mjs`.',
  );
}

import Database from 'better-sqlite3';

/**
 * Every SQLite database in the process opens through here. Under Electron the addon that matches
 * Electron's ABI lives outside node_modules (see shell/native-binding.ts); the shell sets its path
 * once at start-up, before any database opens, so no service has to thread it through. Under Node
 * (tests, CLI) nothing is set and better-sqlite3 finds its own build.
 */
let nativeBinding: string | undefined;

export function setSqliteNativeBinding(addonPath: string | undefined): void {
  nativeBinding = addonPath;
}

export function openSqlite(file: string, options: Database.Options = {}): Database.Database {
  return new Database(file, nativeBinding ? { ...options, nativeBinding } : options);
}

import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * The station's ceremony directories under its data directory, one per ceremony, named by their start
 * time (an offline station's with this suffix): the newest is the one reopened after a restart.
 */
export const OFFLINE_DIR = '-offline';

const rootOf = (dataDirectory: string) => path.join(dataDirectory, 'ceremonies');

/** An offline station's log with no ceremony yet: only refusals of first requests (no plan.json written). */
export const isRefusalsOnly = (dir: string): boolean =>
  dir.endsWith(OFFLINE_DIR) && !existsSync(path.join(dir, 'plan.json'));

/** The ceremony directories that hold a log, oldest first. */
export function ceremonyDirs(dataDirectory: string): string[] {
  const root = rootOf(dataDirectory);
  return existsSync(root)
    ? readdirSync(root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(path.join(root, d.name, 'audit.db')))
        .map((d) => path.join(root, d.name))
        .sort()
    : [];
}

/** The newest ceremony to reopen: a log of refusals alone is none. */
export function latestCeremonyDir(dataDirectory: string): string | undefined {
  return ceremonyDirs(dataDirectory)
    .filter((d) => !isRefusalsOnly(d))
    .at(-1);
}

export async function newCeremonyDir(dataDirectory: string, suffix: string): Promise<string> {
  const dir = path.join(rootOf(dataDirectory), new Date().toISOString().replace(/[:.]/g, '-') + suffix);
  await mkdir(path.dirname(dir), { recursive: true, mode: 0o700 });
  return dir;
}

/** A request refused before the offline ceremony began started the station's log: the ceremony continues it. */
export async function offlineCeremonyDir(dataDirectory: string): Promise<string> {
  const pending = ceremonyDirs(dataDirectory)
    .filter((d) => d.endsWith(OFFLINE_DIR))
    .at(-1);
  return pending && isRefusalsOnly(pending) ? pending : newCeremonyDir(dataDirectory, OFFLINE_DIR);
}

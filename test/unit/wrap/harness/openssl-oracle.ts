import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The `openssl` command line as an oracle for the interop tests. Secrets reach the disk only here,
 * inside a private temp directory removed when the test file ends.
 */
export const OPENSSL = '/usr/bin/openssl';

export function requireOpenssl(): string {
  const r = spawnSync(OPENSSL, ['version'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`these tests need OpenSSL 3 at ${OPENSSL}: install it (apt-get install openssl)`);
  }
  return r.stdout.trim();
}

export class Scratchpad {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'keyrite-openssl-'));
  #n = 0;

  file(bytes: Uint8Array, name = 'in'): string {
    const p = path.join(this.dir, `${this.#n++}-${name}`);
    writeFileSync(p, bytes, { mode: 0o600 });
    return p;
  }

  path(name: string): string {
    return path.join(this.dir, `${this.#n++}-${name}`);
  }

  read(p: string): Buffer {
    return readFileSync(p);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs openssl; returns stdout as bytes, throws with stderr on failure. */
export function openssl(args: string[], input?: Uint8Array): Buffer {
  const r = spawnSync(OPENSSL, args, { input });
  if (r.status !== 0) {
    throw new Error(
      `openssl ${args[0] ?? ''} failed (${r.status}): ${r.stderr.toString().trim().split('\n')[0] ?? ''}`,
    );
  }
  return r.stdout;
}

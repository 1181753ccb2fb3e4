import { spawn } from 'node:child_process';
import { assertBuilt, LAUNCHER } from '../../cli/harness/launcher.js';
import { STATION_PASSPHRASE } from './ceremony.js';

export interface ChildResult {
  code: number | null;
  signal: string | null;
  out: string;
  err: string;
}

/**
 * Runs `keyrite` — the real launcher over the build `npm test` makes — as a child process (asynchronously: the emulator it talks to runs in this process),
 * custodian passphrases on fd 3, and with KEYRITE_CRASH_AT set the child SIGKILLs itself there.
 */
export function runCli(
  args: string[],
  passphrases: Buffer,
  crashAt?: string,
  /** SIGKILL the child from outside after this many milliseconds (a power cut at a random time). */
  killAfterMs?: number,
  /** More variables for the child (e.g. the disk-fault campaign's KEYRITE_DISK_FULL_AT). */
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<ChildResult> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KEYRITE_TEST: '1',
      KEYRITE_TEST_SCRYPT_LOG2N: '10',
      KEYRITE_STATION_PASSPHRASE: STATION_PASSPHRASE,
    };
    delete env['KEYRITE_CRASH_AT'];
    delete env['KEYRITE_DISK_FULL_AT'];
    delete env['KEYRITE_DISK_FULL_FILLER'];
    if (crashAt) env['KEYRITE_CRASH_AT'] = crashAt;
    Object.assign(env, extraEnv);
    const child = spawn(process.execPath, [LAUNCHER, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const fd3 = child.stdio[3] as NodeJS.WritableStream;
    fd3.on('error', () => {});
    fd3.end(passphrases);
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
  });
}

import assert from 'node:assert/strict';
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

/** `keyrite rehearse` of a plan file against an emulator, passphrases on fd 3: what each crash test starts. */
export function rehearseArgs(dir: string, planFile: string, endpoint: string): string[] {
  return ['rehearse', '--out', dir, '--plan', planFile, '--endpoint', endpoint, '--passphrase-fd', '3'];
}

/** The child dies at `point` (SIGKILL), then `--resume` completes: what every crash test begins with. */
export async function killThenResume(
  args: string[],
  passphrases: Buffer,
  point: string,
): Promise<ChildResult> {
  const first = await runCli(args, passphrases, point);
  assert.equal(
    first.signal,
    'SIGKILL',
    `the child must die at ${point}; it exited ${first.code}: ${first.err}`,
  );
  const second = await runCli([...args, '--resume'], passphrases);
  assert.equal(second.code, 0, `resume failed: ${second.err}\n${second.out}`);
  return second;
}

import { spawn } from 'node:child_process';
import path from 'node:path';
import { STATION_PASSPHRASE } from './ceremony.js';

const CLI = path.join(__dirname, 'cli-entry.ts');

export interface ChildResult {
  code: number | null;
  signal: string | null;
  out: string;
  err: string;
}

/**
 * Runs `keyrite` as a child process (asynchronously: the emulator it talks to runs in this process),
 * custodian passphrases on fd 3, and with KEYRITE_CRASH_AT set the child SIGKILLs itself there.
 */
export function runCli(args: string[], passphrases: Buffer, crashAt?: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KEYRITE_TEST: '1',
      KEYRITE_TEST_SCRYPT_LOG2N: '10',
      KEYRITE_STATION_PASSPHRASE: STATION_PASSPHRASE,
    };
    delete env['KEYRITE_CRASH_AT'];
    if (crashAt) env['KEYRITE_CRASH_AT'] = crashAt;
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
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
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

// Runs `keyrite` as a person does: the real launcher (src-main/cli/keyrite.cjs) over the build that
// `npm ci` / `npm test` make, in a child process, from a directory of the test's choosing.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const LAUNCHER = path.join(ROOT, 'src-main', 'cli', 'keyrite.cjs');
/** The bundled command line the launcher loads (src-main/build/bundle-cli.mjs). */
const BUILT = path.join(ROOT, 'dist', 'cli', 'main.cjs');
/**
 * The same command line from its compiled modules (dist/src-*), one file per module: for a test that
 * must see which modules a process loaded, which the bundle folds into one file per command.
 */
export const UNBUNDLED = path.join(__dirname, 'unbundled.cjs');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function assertBuilt(): void {
  assert.ok(
    existsSync(BUILT),
    `the CLI is not built: run \`node src-main/build/build.mjs main\` (npm test does)`,
  );
}

/** An environment with no real AWS configuration: dummy credentials, no config files, no IMDS. */
export function isolatedEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    AWS_ACCESS_KEY_ID: 'AKIAKEYRITETEST00000',
    AWS_SECRET_ACCESS_KEY: 'keyrite-test-secret',
    AWS_CONFIG_FILE: path.join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...extra,
  };
}

export function keyriteSync(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Run {
  assertBuilt();
  const r = spawnSync(process.execPath, [LAUNCHER, ...args], {
    cwd: opts.cwd,
    env: opts.env ?? isolatedEnv(opts.cwd),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Async, for commands that talk to an emulator running in this process (spawnSync would block it). */
export function keyrite(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAUNCHER, ...args], {
      cwd: opts.cwd,
      env: opts.env ?? isolatedEnv(opts.cwd),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Every failure the CLI reports: one line of reason, one line of hint, nothing else on stderr. */
export function assertOneReasonOneHint(r: Run, reason: RegExp): void {
  assert.notEqual(r.code, 0, `expected a failure, got exit 0:\n${r.stdout}`);
  assert.ok(r.code < 70, `an internal error (exit ${r.code}): ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2, `expected reason + hint, got:\n${r.stderr}`);
  assert.match(lines[0] ?? '', /^keyrite: /);
  assert.match(lines[0] ?? '', reason);
  assert.match(lines[1] ?? '', /^ {2}hint: \S/);
}

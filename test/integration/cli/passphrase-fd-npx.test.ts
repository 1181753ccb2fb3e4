import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertBuilt, LAUNCHER, ROOT } from './harness/launcher.js';

/*
 * `--passphrase-fd 3` as people type it, through `npx keyrite` and through the launcher itself. npx
 * starts keyrite without the caller's extra descriptors, so fd 3 there is one of Node's own (reading it
 * failed with EINVAL, once reported as "a bug in Keyrite"): the command must say what happened and what
 * to type instead, and write nothing.
 */
const PLAN = path.join(ROOT, 'test', 'fixtures', 'plans', 'rehearsal-symmetric.yaml');

function run(
  cmd: string,
  args: string[],
  lines: string,
  npmCache: string,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      KEYRITE_TEST: '1',
      NODE_NO_WARNINGS: '1',
      npm_config_update_notifier: 'false',
      // npx installs this checkout into its cache on first use and would run its `prepare` (a rebuild
      // that empties dist/ under the tests running beside this one); the build is there already.
      npm_config_ignore_scripts: 'true',
      npm_config_cache: npmCache,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const fd3 = child.stdio[3] as NodeJS.WritableStream;
  // The child may never read it (npx does not hand it on): a closed pipe is not this test's failure.
  (fd3 as NodeJS.WritableStream & { on(e: 'error', f: () => void): void }).on('error', () => undefined);
  fd3.end(lines);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.resume();
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

void test('npx keyrite ceremony run --passphrase-fd 3: refused in words that say why and what to run instead; nothing written', async () => {
  assertBuilt();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'keyrite-npx-fd-'));
  try {
    const out = path.join(tmp, 'run');
    const args = ['ceremony', 'run', '--plan', PLAN, '--out', out, '--passphrase-fd', '3'];
    const viaNpx = await run(
      'npx',
      ['--no-install', 'keyrite', ...args],
      'one\n',
      path.join(tmp, 'npm-cache'),
    );
    assert.equal(viaNpx.code, 1, viaNpx.stderr);
    assert.match(
      viaNpx.stderr,
      /file descriptor 3 \(--passphrase-fd\) is not a file or pipe given to keyrite/,
    );
    assert.match(
      viaNpx.stderr,
      /npx does not pass extra descriptors on, so run node_modules\/\.bin\/keyrite/,
    );
    assert.doesNotMatch(viaNpx.stderr, /bug in Keyrite|EINVAL/);
    assert.equal(existsSync(out), false, 'nothing was written');

    // The same descriptor given to the launcher directly is read: here it holds one line of four.
    const direct = await run(process.execPath, [LAUNCHER, ...args], 'one\n', path.join(tmp, 'npm-cache'));
    assert.equal(direct.code, 1, direct.stderr);
    assert.match(direct.stderr, /the passphrases given end before custodian-2's/);
    assert.equal(existsSync(out), false, 'nothing was written');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

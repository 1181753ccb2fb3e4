// A person pipes a command into `head` to see its first lines: head exits and closes the pipe while
// the command is still printing. The command must not die on a stack trace ("write EPIPE"): what is
// left to print is dropped, the work it started (here a whole rehearsal) is finished, and its exit
// code is its own.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LAUNCHER, assertBuilt, isolatedEnv, keyriteSync } from './harness/launcher.js';

void test('keyrite rehearse | head -n 1 finishes the rehearsal and exits 0 without a stack trace', (t) => {
  assertBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-pipe-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'rehearsal');
  const r = spawnSync(
    'bash',
    ['-c', `node "$0" rehearse --out "$1" | head -n 1; exit "\${PIPESTATUS[0]}"`, LAUNCHER, out],
    {
      cwd: dir,
      env: isolatedEnv(dir, { KEYRITE_TEST: '1', KEYRITE_TEST_SCRYPT_LOG2N: '4' }),
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  assert.equal(r.stdout.split('\n').filter(Boolean).length, 1, 'head printed one line');
  assert.doesNotMatch(r.stderr, /EPIPE|at \w+ \(|Error:/, r.stderr);
  assert.equal(r.status, 0, `keyrite's own exit code: ${r.stderr}`);
  assert.ok(existsSync(path.join(out, 'report.html')), 'the rehearsal ran to its report');
  const verify = keyriteSync(['audit', 'verify', path.join(out, 'audit.db')], { cwd: dir });
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /audit log intact/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { restrictCoreDumps, restrictProcessCoreDumps } from '../../../src-main/secrets/core-dumps.js';

const moduleUrl = path.resolve(__dirname, '../../../src-main/secrets/core-dumps.ts');

void test('on Linux the process excludes all its memory from core dumps', (t) => {
  if (process.platform !== 'linux') {
    t.diagnostic('not Linux: the OS default applies');
    assert.equal(restrictCoreDumps(), 'os-default');
    return;
  }
  // In a child, so the test runner's own process is left as it was.
  const script = `
    const { restrictCoreDumps } = require(${JSON.stringify(moduleUrl)});
    const before = require('node:fs').readFileSync('/proc/self/coredump_filter', 'utf8').trim();
    const result = restrictCoreDumps();
    const after = require('node:fs').readFileSync('/proc/self/coredump_filter', 'utf8').trim();
    process.stdout.write(JSON.stringify({ before, result, after }));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { before, result, after } = JSON.parse(r.stdout) as { before: string; result: string; after: string };
  assert.notEqual(parseInt(before, 16), 0, 'a fresh process dumps some mappings by default');
  assert.equal(result, 'filtered');
  assert.equal(parseInt(after, 16), 0);
});

void test('other platforms keep their default, and a refused write is reported, not thrown', () => {
  assert.equal(
    restrictCoreDumps('darwin', () => assert.fail('must not write')),
    'os-default',
  );
  assert.equal(
    restrictCoreDumps('win32', () => assert.fail('must not write')),
    'os-default',
  );
  assert.equal(
    restrictCoreDumps('linux', () => {
      throw new Error('EACCES');
    }),
    'failed',
  );
});

void test('a child process of this user (as the app’s renderers are) is filtered out of core dumps too', (t) => {
  if (process.platform !== 'linux') {
    t.diagnostic('not Linux: the OS default applies');
    assert.equal(restrictProcessCoreDumps(1), 'os-default');
    return;
  }
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  try {
    const pid = child.pid;
    assert.ok(pid);
    const file = `/proc/${pid}/coredump_filter`;
    assert.notEqual(parseInt(readFileSync(file, 'utf8'), 16), 0, 'a fresh child dumps some mappings');
    assert.equal(restrictProcessCoreDumps(pid), 'filtered');
    assert.equal(parseInt(readFileSync(file, 'utf8'), 16), 0);
  } finally {
    child.kill();
  }
  assert.equal(restrictProcessCoreDumps(0), 'failed', 'no such process: reported, not thrown');
  assert.equal(restrictProcessCoreDumps(2 ** 31), 'failed');
});

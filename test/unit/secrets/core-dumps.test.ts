import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { restrictCoreDumps } from '../../../src-main/secrets/core-dumps.js';

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

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { guardCliMemory } from '../../../src-main/cli/memory-guard.js';
import { LAUNCHER, isolatedEnv } from './harness/launcher.js';

/*
 * The command line keeps its memory out of core dumps, as the Electron main process does (issue 12,
 * item 3), and says so when the system refuses. The real launcher runs with a probe preloaded that
 * reads the process's own core-dump filter as it exits.
 */
function filterAtExit(args: string[]): { code: number | null; filter: string; stderr: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-coredump-'));
  try {
    const out = path.join(dir, 'filter');
    const probe = path.join(dir, 'probe.cjs');
    writeFileSync(
      probe,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, require('node:fs').readFileSync('/proc/self/coredump_filter', 'utf8')));`,
    );
    const r = spawnSync(process.execPath, ['--require', probe, LAUNCHER, ...args], {
      cwd: dir,
      env: isolatedEnv(dir),
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, filter: readFileSync(out, 'utf8').trim(), stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void test('keyrite wrap, rehearse and ceremony run with every mapping filtered out of core dumps', (t) => {
  if (process.platform !== 'linux') {
    t.diagnostic('not Linux: the OS default applies');
    return;
  }
  for (const cmd of ['wrap', 'rehearse', 'ceremony']) {
    const r = filterAtExit([cmd, '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseInt(r.filter, 16), 0, `${cmd}: coredump_filter ${r.filter}`);
    assert.ok(!/core dumps/.test(r.stderr), `${cmd}: no warning when the filter is set`);
  }
  // A command that holds no secret leaves the system default alone.
  assert.notEqual(parseInt(filterAtExit(['plan', '--help']).filter, 16), 0);
});

void test('when the system refuses, the command says so and how to prevent core files', () => {
  const lines: string[] = [];
  const io = { out: () => {}, err: (l: string) => lines.push(l) };
  assert.equal(
    guardCliMemory(io, () => 'failed'),
    'failed',
  );
  assert.match(lines.join('\n'), /refused to keep keyrite’s memory out of core dumps/);
  assert.match(lines.join('\n'), /ulimit -c 0/);
  lines.length = 0;
  guardCliMemory(io, () => 'filtered');
  assert.deepEqual(lines, []);
});

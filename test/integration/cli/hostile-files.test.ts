import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { freshLog } from '../audit/harness/fixture.js';
import { assertOneReasonOneHint, keyrite } from './harness/launcher.js';

/*
 * Issue 12 (low): every file Keyrite reads goes through one bounded regular-file reader. /dev/zero never
 * ends and a FIFO blocks until someone writes to it; both are refused before a byte is read, with a
 * coded error. The launcher's own kill timer is the guard against a hang, not a timing assertion.
 */

function fixtures(t: { after: (fn: () => void) => void }): { dir: string; fifo: string; zero: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-hostile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fifo = path.join(dir, 'pipe');
  const r = spawnSync('mkfifo', [fifo], { encoding: 'utf8' });
  assert.equal(r.status, 0, `mkfifo (coreutils) is needed for this test: ${r.stderr}`);
  return { dir, fifo, zero: '/dev/zero' };
}

const NOT_REGULAR = /is not a regular file/;

void test('plan files: --plan /dev/zero and a FIFO are refused at once, for plan check, rehearse and ceremony run', async (t) => {
  const { dir, fifo, zero } = fixtures(t);
  for (const file of [zero, fifo]) {
    const check = await keyrite(['plan', 'check', file], { cwd: dir });
    assertOneReasonOneHint(check, NOT_REGULAR);
    const out = path.join(dir, `r-${path.basename(file)}`);
    const rehearse = await keyrite(['rehearse', '--plan', file, '--out', out], { cwd: dir });
    assertOneReasonOneHint(rehearse, NOT_REGULAR);
    const run = await keyrite(['ceremony', 'run', '--plan', file, '--out', out], { cwd: dir });
    assertOneReasonOneHint(run, NOT_REGULAR);
  }
});

void test('audit verify refuses a FIFO or a device as the database, checkpoint or trusted-stations file (exit 2)', async (t) => {
  const { dir, fifo, zero } = fixtures(t);
  const logDir = path.join(dir, 'log');
  mkdirSync(logDir);
  const { db } = freshLog(logDir, 20);
  for (const file of [zero, fifo]) {
    const asDb = await keyrite(['audit', 'verify', file], { cwd: dir });
    assert.equal(asDb.code, 2, asDb.stdout + asDb.stderr);
    assertOneReasonOneHint(asDb, NOT_REGULAR);
    const asCheckpoint = await keyrite(['audit', 'verify', db, '--checkpoint', file], { cwd: dir });
    assert.equal(asCheckpoint.code, 2, asCheckpoint.stdout + asCheckpoint.stderr);
    assertOneReasonOneHint(asCheckpoint, NOT_REGULAR);
    const asPins = await keyrite(['audit', 'verify', db, '--trusted-stations', file], { cwd: dir });
    assert.equal(asPins.code, 2, asPins.stdout + asPins.stderr);
    assertOneReasonOneHint(asPins, NOT_REGULAR);
    const exported = await keyrite(
      ['audit', 'export', file, '--format', 'jsonl', '--out', path.join(dir, 'x.jsonl')],
      { cwd: dir },
    );
    assertOneReasonOneHint(exported, NOT_REGULAR);
  }
});

void test('import parameters and wrapping keys: a FIFO or /dev/zero is refused, not read', async (t) => {
  const { dir, fifo, zero } = fixtures(t);
  for (const file of [zero, fifo]) {
    assertOneReasonOneHint(await keyrite(['params', 'inspect', file], { cwd: dir }), NOT_REGULAR);
    const wrap = await keyrite(
      [
        'wrap',
        '--wrapping-key',
        file,
        '--material',
        path.join(dir, 'none.bin'),
        '--out',
        path.join(dir, 'w.bin'),
      ],
      { cwd: dir },
    );
    assertOneReasonOneHint(wrap, NOT_REGULAR);
  }
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { composeRehearsal } from './harness/compose-rehearsal.js';

/*
 * The app reads the files a person picks in its dialogs (a plan, import parameters) in the main
 * process. A device reports size 0 and never ends, a FIFO blocks the whole main process until someone
 * writes to it: both are refused with a coded error before a byte is read.
 */
void test(
  'the app refuses a FIFO or /dev/zero chosen as a plan or as import parameters',
  { timeout: 60_000 },
  async (t) => {
    const data = mkdtempSync(path.join(tmpdir(), 'keyrite-ipc-hostile-'));
    t.after(() => rmSync(data, { recursive: true, force: true }));
    const fifo = path.join(data, 'pipe');
    const made = spawnSync('mkfifo', [fifo], { encoding: 'utf8' });
    assert.equal(made.status, 0, `mkfifo (coreutils) is needed for this test: ${made.stderr}`);
    let chosen = fifo;
    const { services: s, close } = await composeRehearsal(data, () => chosen);
    try {
      for (const file of [fifo, '/dev/zero']) {
        chosen = file;
        await assert.rejects(s['params.inspect']({}), (e: { code?: string; message?: string }) => {
          assert.equal(e.code, 'FILE_NOT_REGULAR', e.message);
          return true;
        });
        await assert.rejects(s['ceremony.loadPlan']({}), (e: { code?: string; message?: string }) => {
          assert.equal(e.code, 'PLAN_UNREADABLE', e.message);
          assert.match(e.message ?? '', /is not a regular file/);
          return true;
        });
      }
    } finally {
      await close();
    }
  },
);

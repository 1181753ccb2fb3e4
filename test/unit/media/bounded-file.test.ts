import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { copyBoundedFile, FILE_CAPS, readBoundedFile } from '../../../src-main/media/bounded-file.js';
import { readEnrollmentFile, readShareFile } from '../../../src-main/ceremony/ceremony-files.js';

function scratch(t: { after: (fn: () => void) => void }): { dir: string; fifo: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-bounded-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fifo = path.join(dir, 'pipe');
  const r = spawnSync('mkfifo', [fifo], { encoding: 'utf8' });
  assert.equal(r.status, 0, `mkfifo (coreutils) is needed for this test: ${r.stderr}`);
  return { dir, fifo };
}

void test('the bounded reader refuses devices, FIFOs, directories and files over the cap, and reads one at the cap', (t) => {
  const { dir, fifo } = scratch(t);
  for (const f of ['/dev/zero', fifo]) {
    assert.throws(() => readBoundedFile(f, 'plan'), { code: 'FILE_NOT_REGULAR' });
    assert.throws(() => copyBoundedFile(f, path.join(dir, 'copy'), 'audit-db'), { code: 'FILE_NOT_REGULAR' });
  }
  assert.throws(() => readBoundedFile(dir, 'plan'), { code: 'FILE_NOT_REGULAR' });
  assert.throws(() => readBoundedFile(path.join(dir, 'missing'), 'plan'), { code: 'FILE_NOT_FOUND' });
  const atCap = path.join(dir, 'at-cap');
  writeFileSync(atCap, Buffer.alloc(FILE_CAPS.checkpoint.max, 0x41));
  assert.equal(readBoundedFile(atCap, 'checkpoint').length, FILE_CAPS.checkpoint.max);
  const over = path.join(dir, 'over');
  writeFileSync(over, Buffer.alloc(FILE_CAPS.checkpoint.max + 1, 0x41));
  assert.throws(() => readBoundedFile(over, 'checkpoint'), {
    code: 'FILE_TOO_LARGE',
    message: /checkpoint file .* is larger than 65,536 bytes/,
  });
});

void test('the bounded copy copies a regular file exactly and never overwrites its destination', (t) => {
  const { dir } = scratch(t);
  const src = path.join(dir, 'src');
  writeFileSync(src, Buffer.alloc(3 * 1024 * 1024 + 17, 0x5a));
  const dest = path.join(dir, 'dest');
  assert.equal(copyBoundedFile(src, dest, 'audit-db').size, 3 * 1024 * 1024 + 17);
  assert.throws(() => copyBoundedFile(src, dest, 'audit-db'), { code: 'TEMP_COPY_FAILED' });
});

void test('share and custodian key files that are FIFOs, devices or oversized are refused as unreadable', (t) => {
  const { dir, fifo } = scratch(t);
  const big = path.join(dir, 'big.share.json');
  writeFileSync(big, `{"pad":"${'x'.repeat(FILE_CAPS.share.max)}"}`);
  for (const f of [fifo, '/dev/zero', big]) {
    assert.throws(() => readShareFile(f), { code: 'CEREMONY_FILE_UNREADABLE' });
    assert.throws(() => readEnrollmentFile(f), { code: 'CEREMONY_FILE_UNREADABLE' });
  }
});

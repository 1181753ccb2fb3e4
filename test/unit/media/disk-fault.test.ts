import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyriteError } from '../../../src-shared/errors.js';
import { diskFault, onDisk } from '../../../src-main/media/disk-fault.js';
import { reportError } from '../../../src-main/cli/io.js';
import { toFailure } from '../../../src-main/ipc/to-failure.js';

const coded = (code: string): Error => Object.assign(new Error(`raw ${code}`), { code });

void test('a full or failing disk is a coded error naming where, never a bug', () => {
  for (const [code, want] of [
    ['ENOSPC', 'DISK_FULL'],
    ['EDQUOT', 'DISK_FULL'],
    ['EFBIG', 'DISK_FULL'],
    ['SQLITE_FULL', 'DISK_FULL'],
    ['EIO', 'DISK_IO_ERROR'],
    ['SQLITE_IOERR', 'DISK_IO_ERROR'],
    ['SQLITE_IOERR_WRITE', 'DISK_IO_ERROR'],
    ['SQLITE_IOERR_FSYNC', 'DISK_IO_ERROR'],
  ] as const) {
    const e = diskFault(coded(code), '/media/station/ceremony/audit.db');
    assert.equal(e?.code, want, code);
    assert.ok(e?.message.includes('/media/station/ceremony/audit.db'), e?.message);
    assert.ok(e?.message.includes(code), e?.message);
    assert.match(e?.hint ?? '', /resume/);
  }
  for (const e of [
    coded('ENOENT'),
    coded('SQLITE_CONSTRAINT'),
    coded('SQLITE_FULLISH_'),
    new Error('x'),
    null,
    'ENOSPC',
  ])
    assert.equal(diskFault(e, 'x'), undefined, String(e));
  // A coded error already said what happened: it is passed on as it is.
  const k = new KeyriteError('MEDIUM_FULL', 'full', 'hint');
  assert.throws(
    () =>
      onDisk('x', () => {
        throw k;
      }),
    (e) => e === k,
  );
  assert.throws(
    () =>
      onDisk('/d/report.html', () => {
        throw coded('ENOSPC');
      }),
    { code: 'DISK_FULL' },
  );
  assert.equal(
    onDisk('x', () => 7),
    7,
  );
});

void test('the CLI and IPC say a disk fault no writer named as a disk fault, not an internal error', () => {
  const lines: string[] = [];
  const exit = reportError({ out: () => {}, err: (l) => lines.push(l) }, coded('SQLITE_FULL'));
  assert.equal(exit, 1);
  assert.doesNotMatch(lines.join('\n'), /internal error|bug in Keyrite/);
  assert.match(lines.join('\n'), /is full \(SQLITE_FULL\)/);
  assert.equal(toFailure(coded('EIO')).code, 'DISK_IO_ERROR');
  assert.equal(toFailure(new Error('boom')).code, 'INTERNAL');
});

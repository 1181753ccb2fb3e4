import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crashPoint, testScryptCost } from '../../../src-main/ceremony/crash-point.js';
import { diskFullPoint } from '../../../src-main/ceremony/disk-full-point.js';

/** The crash and cost hooks exist for tests only: without KEYRITE_TEST=1 they do nothing. */
void test('crash points and the test scrypt cost are ignored outside test mode', () => {
  const saved = { ...process.env };
  try {
    delete process.env['KEYRITE_TEST'];
    process.env['KEYRITE_CRASH_AT'] = 'start:import';
    process.env['KEYRITE_TEST_SCRYPT_LOG2N'] = '4';
    process.env['KEYRITE_DISK_FULL_AT'] = 'start:import';
    crashPoint('start:import'); // would SIGKILL this very process in test mode, and limit its file size
    writeFileSync(path.join(tmpdir(), `keyrite-hooks-${process.pid}.txt`), 'writes still work');
    rmSync(path.join(tmpdir(), `keyrite-hooks-${process.pid}.txt`));
    assert.equal(testScryptCost(), undefined);
    process.env['KEYRITE_TEST'] = '1';
    assert.deepEqual(testScryptCost(), { N: 16, r: 8, p: 1 });
    process.env['KEYRITE_TEST_SCRYPT_LOG2N'] = '2';
    assert.equal(testScryptCost(), undefined, 'absurdly low costs are not accepted even in tests');
  } finally {
    for (const k of [
      'KEYRITE_TEST',
      'KEYRITE_CRASH_AT',
      'KEYRITE_TEST_SCRYPT_LOG2N',
      'KEYRITE_DISK_FULL_AT',
    ]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
});

void test('the disk-full hook never fills a file system larger than a test tmpfs', () => {
  const saved = { ...process.env };
  try {
    process.env['KEYRITE_DISK_FULL_AT'] = 'start:import';
    process.env['KEYRITE_DISK_FULL_FILLER'] = path.join(tmpdir(), `keyrite-filler-${process.pid}.bin`);
    assert.throws(() => diskFullPoint('start:import'), /refusing to fill/);
    diskFullPoint('start:wrap'); // another point: nothing happens
  } finally {
    for (const k of ['KEYRITE_DISK_FULL_AT', 'KEYRITE_DISK_FULL_FILLER']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
});

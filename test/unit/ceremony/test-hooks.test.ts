import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crashPoint, testScryptCost } from '../../../src-main/ceremony/crash-point.js';

/** The crash and cost hooks exist for tests only: without KEYRITE_TEST=1 they do nothing. */
void test('crash points and the test scrypt cost are ignored outside test mode', () => {
  const saved = { ...process.env };
  try {
    delete process.env['KEYRITE_TEST'];
    process.env['KEYRITE_CRASH_AT'] = 'start:import';
    process.env['KEYRITE_TEST_SCRYPT_LOG2N'] = '4';
    crashPoint('start:import'); // would SIGKILL this very process in test mode
    assert.equal(testScryptCost(), undefined);
    process.env['KEYRITE_TEST'] = '1';
    assert.deepEqual(testScryptCost(), { N: 16, r: 8, p: 1 });
    process.env['KEYRITE_TEST_SCRYPT_LOG2N'] = '2';
    assert.equal(testScryptCost(), undefined, 'absurdly low costs are not accepted even in tests');
  } finally {
    for (const k of ['KEYRITE_TEST', 'KEYRITE_CRASH_AT', 'KEYRITE_TEST_SCRYPT_LOG2N']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
});

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import {
  ADDON_RELATIVE_PATH,
  electronNativeDir,
  selectNativeBinding,
} from '../../../src-main/shell/native-binding.js';
import { isKeyriteError } from '../../../src-shared/errors.js';

const root = path.resolve('/proj');

void test('under plain Node better-sqlite3 uses its own build (no override)', () => {
  assert.equal(
    selectNativeBinding({
      electronVersion: undefined,
      packaged: false,
      projectRoot: root,
      exists: () => true,
    }),
    undefined,
  );
});

void test('in a packaged app the module was rebuilt in place by electron-builder (no override)', () => {
  assert.equal(
    selectNativeBinding({
      electronVersion: '45.4.1',
      packaged: true,
      projectRoot: root,
      exists: () => false,
    }),
    undefined,
  );
});

void test('under Electron in development the per-version build under .native is chosen', () => {
  const expected = path.join(root, '.native', 'electron', '45.4.1', ADDON_RELATIVE_PATH);
  const seen: string[] = [];
  const got = selectNativeBinding({
    electronVersion: '45.4.1',
    packaged: false,
    projectRoot: root,
    exists: (f) => (seen.push(f), true),
  });
  assert.equal(got, expected);
  assert.deepEqual(seen, [expected]);
  assert.equal(electronNativeDir(root, '45.4.1'), path.join(root, '.native', 'electron', '45.4.1'));
});

void test('a missing Electron build is a coded error that says how to make it', () => {
  assert.throws(
    () =>
      selectNativeBinding({
        electronVersion: '45.4.1',
        packaged: false,
        projectRoot: root,
        exists: () => false,
      }),
    (e) => isKeyriteError(e) && e.code === 'NATIVE_SQLITE_MISSING' && /native-electron\.mjs/.test(e.hint),
  );
});

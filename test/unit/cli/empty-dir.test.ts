import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertEmptyDir, STATION_KEY_FILE } from '../../../src-main/cli/empty-dir.js';

function dirWith(files: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-empty-dir-'));
  for (const f of files) writeFileSync(path.join(dir, f), 'x');
  return dir;
}

void test('a missing or empty directory may hold a new ceremony', () => {
  const dir = dirWith([]);
  assertEmptyDir(dir);
  assertEmptyDir(path.join(dir, 'new'));
  rmSync(dir, { recursive: true });
});

void test('what a start killed before its log existed left behind is cleared, so the start can run again', () => {
  const dir = dirWith([STATION_KEY_FILE, `.${STATION_KEY_FILE}.4242.tmp`]);
  assertEmptyDir(dir);
  assert.deepEqual(readdirSync(dir), []);
  rmSync(dir, { recursive: true });
});

void test('anything else, and any directory with a ceremony log, is refused and left as it was', () => {
  for (const files of [['notes.txt'], [STATION_KEY_FILE, 'audit.db'], [STATION_KEY_FILE, 'plan.json']]) {
    const dir = dirWith(files);
    assert.throws(() => assertEmptyDir(dir), { code: 'REHEARSAL_DIR_NOT_EMPTY' });
    for (const f of files) assert.ok(existsSync(path.join(dir, f)), `${f} is untouched`);
    rmSync(dir, { recursive: true });
  }
});

void test('the file the front end just sealed is allowed when named', () => {
  const dir = dirWith([STATION_KEY_FILE]);
  assertEmptyDir(dir, [STATION_KEY_FILE]);
  assert.ok(existsSync(path.join(dir, STATION_KEY_FILE)), 'kept: this run sealed it');
  rmSync(dir, { recursive: true });
});

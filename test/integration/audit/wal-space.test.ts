import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openAuditStore } from '../../../src-main/audit/audit-store.js';
import { WAL_BYTES, openAuditDatabase } from '../../../src-main/audit/database.js';
import { verifyDatabase } from '../../../src-main/audit/verify-database.js';
import { preallocateWal } from '../../../src-main/audit/preallocate-wal.js';
import { sha256Hex } from '../../../src-shared/digests.js';
import { stationKeyAt, tempDir } from './harness/fixture.js';

/*
 * The store gives a log's write-ahead log its working size before SQLite writes to it, so a durable
 * commit overwrites blocks the file has instead of growing it (preallocate-wal.ts; the speed is in
 * `npm run bench`). What must hold: committed records land in that file and survive a crash, a WAL
 * that already exists is never touched, and a failed preallocation costs nothing but the speed.
 */

const note = (i: number) => ({ ceremonyId: 'c', actor: 'w', type: 'note', payload: { text: `n${i}` } });

/** The files a crash would leave: the log and its WAL as they are on disk while the writer runs. */
function crashImage(db: string, into: string): string {
  mkdirSync(into, { recursive: true });
  const copy = path.join(into, path.basename(db));
  copyFileSync(db, copy);
  copyFileSync(`${db}-wal`, `${copy}-wal`);
  return copy;
}

void test('a new log commits into a WAL that already has its working size, and the records survive a crash', (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, 'audit.db');
  const store = openAuditStore(db, { stationKey: stationKeyAt(path.join(dir, 'station.key')) });
  for (let i = 0; i < 60; i++) store.append(note(i));
  // 60 commits and the store's own records: the WAL was never grown (it is SQLite's: frames, not zeros).
  assert.equal(statSync(`${db}-wal`).size, WAL_BYTES);
  assert.notEqual(readFileSync(`${db}-wal`).subarray(0, 4).readUInt32BE(0), 0, 'SQLite wrote its header');
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary file is left beside the log',
  );
  const image = crashImage(db, path.join(dir, 'crash'));
  const head = store.head();
  store.close();
  const v = verifyDatabase(image);
  assert.equal(v.result.ok, true, JSON.stringify(v.result));
  assert.equal(v.result.ok && v.result.recordCount, head.seq, 'every committed record is in the crash image');
});

void test('a WAL that exists is never replaced: a crashed run’s frames are recovered as they were', (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, 'audit.db');
  const store = openAuditStore(db, { stationKey: stationKeyAt(path.join(dir, 'station.key')) });
  for (let i = 0; i < 20; i++) store.append(note(i));
  const image = crashImage(db, path.join(dir, 'crash'));
  const head = store.head();
  store.close();
  const walBefore = sha256Hex(readFileSync(`${image}-wal`));
  assert.equal(preallocateWal(image, WAL_BYTES), false);
  assert.equal(sha256Hex(readFileSync(`${image}-wal`)), walBefore);
  // The writer reopening the crashed log recovers the frames, then goes on appending.
  const again = openAuditStore(image, { stationKey: stationKeyAt(path.join(dir, 'station.key')) });
  assert.deepEqual(again.head(), head);
  again.append(note(99));
  again.close();
  const v = verifyDatabase(image);
  assert.equal(v.result.ok && v.result.recordCount, head.seq + 1);
});

void test('a log closed cleanly gets its WAL back at working size on the next open, before the first commit', (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, 'audit.db');
  const key = stationKeyAt(path.join(dir, 'station.key'));
  openAuditStore(db, { stationKey: key }).close();
  assert.equal(existsSync(`${db}-wal`), false, 'SQLite removes the WAL when the last connection closes');
  const store = openAuditStore(db, { stationKey: key });
  for (let i = 0; i < 30; i++) store.append(note(i));
  assert.equal(statSync(`${db}-wal`).size, WAL_BYTES);
  const image = crashImage(db, path.join(dir, 'crash'));
  const head = store.head();
  store.close();
  const v = verifyDatabase(image);
  assert.equal(v.result.ok && v.result.recordCount, head.seq);
});

void test('when the WAL cannot be prepared the log opens and appends as before, and nothing is left behind', (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, 'audit.db');
  // Something already holds the temporary name (a directory with a file in it): the preparation fails.
  const planted = path.join(dir, `.audit.db-wal.${process.pid}.tmp`);
  mkdirSync(planted);
  writeFileSync(path.join(planted, 'keep'), 'mine');
  const store = openAuditDatabase(db);
  store.close();
  assert.equal(readFileSync(path.join(planted, 'keep'), 'utf8'), 'mine', 'what was there is untouched');
  const log = openAuditStore(db, { stationKey: stationKeyAt(path.join(dir, 'station.key')) });
  for (let i = 0; i < 5; i++) log.append(note(i));
  assert.ok(statSync(`${db}-wal`).size < WAL_BYTES, 'SQLite grew its own WAL instead');
  log.close();
  assert.equal(verifyDatabase(db).result.ok, true);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.includes('-wal')),
    [path.basename(planted)],
  );
});

void test('a file that is not a WAL-mode database is refused as before, and no WAL is left beside it', (t) => {
  const dir = tempDir(t);
  const junk = path.join(dir, 'junk.db');
  writeFileSync(junk, Buffer.alloc(8192, 7));
  assert.throws(() => openAuditDatabase(junk), { code: 'AUDIT_DB_UNREADABLE' });
  const folder = path.join(dir, 'folder.db');
  mkdirSync(folder);
  assert.throws(() => openAuditDatabase(folder), { code: 'AUDIT_DB_UNREADABLE' });
  assert.deepEqual(readdirSync(dir).sort(), ['folder.db', 'junk.db']);
});

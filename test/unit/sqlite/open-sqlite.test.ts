import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqlite, setSqliteNativeBinding } from '../../../src-main/sqlite/open-sqlite.js';
import { openAuditDatabase } from '../../../src-main/audit/database.js';

void test('every database opens through the configured native binding', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-sqlite-'));
  t.after(() => {
    setSqliteNativeBinding(undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  const db = openSqlite(path.join(dir, 'plain.db'));
  assert.equal((db.prepare('select 1 as one').get() as { one: number }).one, 1);
  db.close();

  // A binding that does not exist must be what better-sqlite3 tries to load: proof the path is used,
  // by the audit store too, not only by the helper.
  const missing = path.join(dir, 'no-such', 'better_sqlite3.node');
  setSqliteNativeBinding(missing);
  assert.throws(() => openSqlite(path.join(dir, 'b.db')), /no-such|Cannot find|better_sqlite3/);
  assert.throws(
    () => openAuditDatabase(path.join(dir, 'audit.db')),
    (e: Error & { code?: string }) => {
      return e.code === 'AUDIT_DB_UNREADABLE';
    },
  );
});

// `keyrite audit verify` runs SQLite's quick_check by default (a tenth of integrity_check's time on a
// large log: the hash chain and Merkle tree already prove every record) and the full integrity_check
// with --deep. The difference is an index that no longer matches its table: the records themselves
// are intact (exit 0 by default), and --deep reports the damaged file (exit 1).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openAuditStore } from '../../../src-main/audit/audit-store.js';
import { keyrite } from '../cli/harness/launcher.js';
import { tempDir } from './harness/fixture.js';

void test('quick_check by default; --deep finds an index that does not match its table', async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, 'audit.db');
  const store = openAuditStore(db);
  for (let i = 0; i < 20; i++)
    store.intent({
      ceremonyId: 'cer-1',
      actor: 'alice',
      type: 'media.write',
      effect: `write file ${i}`,
      payload: {},
    });
  store.close();

  // The intents' index holds (seq, rowid) per intent: records 2..21 after the station's key. Make the
  // last entry say seq 22 for row 21: still in order, still a valid page, no longer what the table holds.
  const probe = new Database(db, { readonly: true });
  const pageSize = probe.pragma('page_size', { simple: true }) as number;
  const root = probe
    .prepare("SELECT rootpage FROM sqlite_master WHERE name = 'records_intents'")
    .pluck()
    .get() as number;
  const intents = probe.prepare("SELECT max(seq) FROM records WHERE type = 'intent'").pluck().get() as number;
  probe.close();
  assert.equal(intents, 21);
  const bytes = readFileSync(db);
  const page = bytes.subarray((root - 1) * pageSize, root * pageSize);
  // An index record: header size 3, two 8-bit integers (serial type 1), then seq and rowid.
  const at = page.lastIndexOf(Buffer.from([3, 1, 1, 21, 21]));
  assert.ok(at > 0, 'the index page holds the last intent');
  page[at + 3] = 22;
  writeFileSync(db, bytes);

  const check = new Database(db, { readonly: true });
  assert.equal(
    check.pragma('quick_check', { simple: true }),
    'ok',
    'quick_check does not look at index contents',
  );
  assert.notEqual(check.pragma('integrity_check', { simple: true }), 'ok');
  check.close();

  const quick = await keyrite(['audit', 'verify', db], { cwd: dir });
  assert.equal(quick.code, 0, quick.stdout + quick.stderr);
  assert.match(quick.stdout, /audit log intact/);

  const deep = await keyrite(['audit', 'verify', db, '--deep'], { cwd: dir });
  assert.equal(deep.code, 1, deep.stdout + deep.stderr);
  assert.match(deep.stdout, /FAILED verification/);
  assert.match(deep.stdout, /integrity check failed: SQLite integrity_check/);
});

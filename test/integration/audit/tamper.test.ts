import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openAuditStore } from '../../../src-main/audit/audit-store.js';
import { cli, freshLog, tempDir, writeCeremony, stationKeyAt } from './harness/fixture.js';
import { asAttacker } from './harness/forger.js';

/** Small seeded PRNG so a failing case can be replayed from the seed printed with it. */
function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return (((x ^ (x >>> 14)) >>> 0) % n) as number;
  };
}

const SEED = Number(process.env['KEYRITE_TAMPER_SEED'] ?? Date.now() % 1_000_000);

interface Row {
  seq: number;
  time: string;
  ceremony_id: string;
  station_id: string;
  actor: string;
  type: string;
  payload: string;
  prev_hash: string;
  hash: string;
}
const COLUMNS = [
  'time',
  'ceremony_id',
  'station_id',
  'actor',
  'type',
  'payload',
  'prev_hash',
  'hash',
] as const;

function rowsOf(db: string): Row[] {
  const h = new Database(db, { readonly: true });
  try {
    return h.prepare('SELECT * FROM records ORDER BY seq').all() as Row[];
  } finally {
    h.close();
  }
}

/** Did an edit of the file change what SQLite reads for this row (or make the row unreadable)? */
function rowChanged(file: string, row: Row): boolean {
  let h: Database.Database | undefined;
  try {
    h = new Database(file, { readonly: true });
    const now = h.prepare('SELECT * FROM records WHERE seq = ?').get(row.seq) as Row | undefined;
    return now === undefined || COLUMNS.some((c) => now[c] !== row[c]);
  } catch {
    return true;
  } finally {
    h?.close();
  }
}

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

void test('tampering with a log of hundreds of records is always detected by keyrite audit verify', async (t) => {
  const dir = tempDir(t);
  const { db: written } = freshLog(dir, 320);
  // A compact copy, as an auditor might receive it.
  const original = path.join(dir, 'vacuumed.db');
  const w = new Database(written, { readonly: true });
  w.prepare('VACUUM INTO ?').run(original);
  w.close();
  const rows = rowsOf(original);
  assert.ok(rows.length >= 320);
  const rnd = prng(SEED);
  let n = 0;
  const copy = (): string => {
    const f = path.join(dir, `case-${n++}.db`);
    copyFileSync(original, f);
    return f;
  };
  const expectDetected = async (file: string, what: string, firstBad?: number): Promise<void> => {
    const r = await cli('audit', 'verify', file);
    assert.equal(r.code, 1, `not detected (seed ${SEED}): ${what}\n${r.out}\n${r.err}`);
    assert.match(r.out, /FAILED/);
    assert.match(r.out, /first bad record: \d+|not tied to one record/);
    // The bad record is named exactly, unless SQLite's integrity check saw the edit first (an indexed column).
    if (firstBad !== undefined) {
      assert.match(
        r.out,
        new RegExp(`first bad record: ${firstBad}\n|integrity check failed`),
        `${what} (seed ${SEED})`,
      );
    }
  };

  await t.test(
    'the intact log passes, read-only, on a copy without the station key, and is not modified',
    async () => {
      const f = copy();
      chmodSync(f, 0o444);
      const before = sha(f);
      const r = await cli('audit', 'verify', f);
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, new RegExp(`records: ${rows.length}, signed checkpoints: \\d+`));
      assert.equal(sha(f), before);
    },
  );

  await t.test('random single-byte edits of record content in the SQLite file', async () => {
    const bytes = readFileSync(original);
    for (let i = 0; i < 60; i++) {
      const row = rows[rnd(rows.length)]!;
      // A column with a byte to edit (a station's own records have an empty ceremony id).
      const editable = COLUMNS.filter((c) => String(row[c]).length > 0);
      const column = editable[rnd(editable.length)]!;
      // A table row stores its text columns back to back: find the cell, then the column within it.
      // SQLite may also leave stale copies of a cell in free space; only an edit of the live cell changes
      // the log, so each copy is tried and the one whose edit changes the row as SQLite reads it is kept.
      const cell = Buffer.from(COLUMNS.map((c) => row[c]).join(''), 'utf8');
      const before = Buffer.byteLength(
        COLUMNS.slice(0, COLUMNS.indexOf(column))
          .map((c) => row[c])
          .join(''),
        'utf8',
      );
      const within = before + rnd(Buffer.byteLength(String(row[column]), 'utf8'));
      const xor = 1 + rnd(255);
      const f = copy();
      let live = false;
      for (let at = bytes.indexOf(cell); at >= 0 && !live; at = bytes.indexOf(cell, at + 1)) {
        const edited = Buffer.from(bytes);
        edited[at + within] = edited[at + within]! ^ xor;
        writeFileSync(f, edited);
        live = rowChanged(f, row);
      }
      assert.ok(live, `no live copy of record ${row.seq} found in the file`);
      await expectDetected(f, `byte ${within} of record ${row.seq} (${column}) ^ ${xor}`, row.seq);
    }
  });

  await t.test('single-character edits of rows through SQL with the triggers dropped', async () => {
    for (let i = 0; i < 60; i++) {
      const row = rows[rnd(rows.length)]!;
      const column = COLUMNS[rnd(COLUMNS.length)]!;
      const value = String(row[column]);
      const pos = rnd(value.length);
      let replacement = value[pos]!;
      while (replacement === value[pos]) replacement = String.fromCharCode(0x21 + rnd(0x5e));
      const edited = value.slice(0, pos) + replacement + value.slice(pos + 1);
      const f = copy();
      // Column names come from the fixed list above; values are bound.
      asAttacker(f, (h) => h.prepare(`UPDATE records SET ${column} = ? WHERE seq = ?`).run(edited, row.seq));
      await expectDetected(
        f,
        `record ${row.seq} ${column}: ${JSON.stringify(value)} -> ${JSON.stringify(edited)}`,
      );
    }
  });

  await t.test('deleted rows: one in the middle, a range, the newest ones, a checkpoint', async () => {
    const cases: Array<[string, string, number[]]> = [
      ['middle record', 'DELETE FROM records WHERE seq = ?', [1 + rnd(rows.length - 2)]],
      ['range of records', 'DELETE FROM records WHERE seq BETWEEN ? AND ?', [100, 140]],
      ['the newest records', 'DELETE FROM records WHERE seq > ?', [rows.length - 3]],
      ['the first record', 'DELETE FROM records WHERE seq = ?', [1]],
      ['a signed checkpoint', 'DELETE FROM checkpoints WHERE id = ?', [2]],
      ['every checkpoint', 'DELETE FROM checkpoints WHERE id > ?', [0]],
    ];
    for (const [what, sql, args] of cases) {
      const f = copy();
      asAttacker(f, (h) => h.prepare(sql).run(...args));
      await expectDetected(f, what);
    }
  });

  await t.test('reordered rows: two records swap places, or a record moves', async () => {
    for (let i = 0; i < 10; i++) {
      const a = rows[rnd(rows.length)]!;
      let b = rows[rnd(rows.length)]!;
      while (b.seq === a.seq) b = rows[rnd(rows.length)]!;
      const f = copy();
      asAttacker(f, (h) => {
        const move = h.prepare('UPDATE records SET seq = ? WHERE seq = ?');
        move.run(-1, a.seq);
        move.run(a.seq, b.seq);
        move.run(b.seq, -1);
      });
      await expectDetected(f, `records ${a.seq} and ${b.seq} swapped`);
    }
    const f = copy();
    asAttacker(f, (h) => h.prepare('UPDATE records SET seq = ? WHERE seq = ?').run(rows.length + 5, 50));
    await expectDetected(f, 'record 50 moved to the end');
  });

  await t.test('an unreadable or foreign file is exit 2, not a verdict', async () => {
    assert.equal((await cli('audit', 'verify', path.join(dir, 'missing.db'))).code, 2);
    const junk = path.join(dir, 'junk.db');
    writeFileSync(junk, Buffer.alloc(5000, 0x41));
    assert.equal((await cli('audit', 'verify', junk)).code, 2);
    const empty = path.join(dir, 'empty.db');
    new Database(empty).close();
    assert.equal((await cli('audit', 'verify', empty)).code, 2);
    assert.equal(
      (await cli('audit', 'verify', original, '--checkpoint', path.join(dir, 'none.json'))).code,
      2,
    );
    const garbage = path.join(dir, 'garbage.json');
    writeFileSync(garbage, '{"treeSize": 3}');
    assert.equal((await cli('audit', 'verify', original, '--checkpoint', garbage)).code, 1);
  });
});

/**
 * Where a WAL's frames end: a 32-byte header (page size at 8, salts at 16), then frames of a 24-byte
 * header (salts at 8) and a page, for as long as a frame carries the header's salts (SQLite's format).
 */
function walFramesEnd(wal: Buffer): number {
  const pageSize = wal.readUInt32BE(8);
  const salts = wal.subarray(16, 24);
  let end = 32;
  while (end + 24 + pageSize <= wal.length && wal.subarray(end + 8, end + 16).equals(salts))
    end += 24 + pageSize;
  return end;
}

void test('a truncated WAL is detected against the checkpoint an auditor kept', async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, 'audit.db');
  const store = openAuditStore(db);
  // Small enough that SQLite's automatic WAL checkpoint (128 pages, database.ts) has not yet run: the
  // log lives in the WAL, none of it in the main file (checked below, on a copy of the main file alone).
  writeCeremony(store, 50, 25);
  const mainAlone = path.join(dir, 'main-alone.db');
  copyFileSync(db, mainAlone);
  const alone = new Database(mainAlone);
  assert.equal(alone.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'records'").pluck().get(), 0);
  alone.close();
  const kept = path.join(dir, 'kept.json');
  assert.equal((await cli('audit', 'checkpoint', db, '--out', kept)).code, 0);
  // The store gives the WAL its working size up front (preallocate-wal.ts): the cut is made in the part
  // SQLite has written, which ends at the last frame carrying the salts of the WAL's header.
  const walSize = walFramesEnd(readFileSync(`${db}-wal`));
  assert.ok(walSize > 10 * 4096 && walSize < statSync(`${db}-wal`).size, `frames end at ${walSize}`);
  for (const fraction of [0.2, 0.5, 0.8, 0.95]) {
    const caseDir = path.join(dir, `wal-${fraction}`);
    (await import('node:fs')).mkdirSync(caseDir);
    copyFileSync(db, path.join(caseDir, 'audit.db'));
    copyFileSync(`${db}-wal`, path.join(caseDir, 'audit.db-wal'));
    const whole = await cli('audit', 'verify', path.join(caseDir, 'audit.db'), '--checkpoint', kept);
    assert.equal(whole.code, 0, whole.out + whole.err);
    truncateSync(path.join(caseDir, 'audit.db-wal'), Math.floor(walSize * fraction));
    const r = await cli('audit', 'verify', path.join(caseDir, 'audit.db'), '--checkpoint', kept);
    assert.equal(r.code, 1, `WAL cut to ${fraction}: ${r.out}${r.err}`);
    assert.match(r.out, /removed or lost/);
  }
  store.close();
});

void test('a forked log, even one signed with the station key, is detected with an earlier checkpoint', async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, 'audit.db');
  const key = path.join(dir, 'station.key');
  let store = openAuditStore(db, { stationKey: stationKeyAt(key) });
  writeCeremony(store, 60, 30);
  store.close();
  const fork = path.join(dir, 'fork.db');
  copyFileSync(db, fork);
  store = openAuditStore(db, { stationKey: stationKeyAt(key) });
  writeCeremony(store, 120, 30, 'cer-2');
  store.close();
  const kept = path.join(dir, 'kept.json');
  assert.equal((await cli('audit', 'checkpoint', db, '--out', kept)).code, 0);

  // The forger rewrites history from record 60 on, with the real station key, and signs new checkpoints.
  const forged = openAuditStore(fork, { stationKey: stationKeyAt(key) });
  writeCeremony(forged, 200, 30, 'cer-forged');
  forged.close();
  assert.equal((await cli('audit', 'verify', fork)).code, 0, 'the fork is self-consistent on its own');
  const r = await cli('audit', 'verify', fork, '--checkpoint', kept);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /forked or rewritten/);

  // The honest log keeps growing and still extends what the auditor kept.
  store = openAuditStore(db, { stationKey: stationKeyAt(key) });
  writeCeremony(store, 150, 30, 'cer-3');
  store.close();
  const ok = await cli('audit', 'verify', db, '--checkpoint', kept);
  assert.equal(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /extends your checkpoint/);
});

// Verification in segments on worker threads must answer exactly what verification in order answers:
// the same verdict, first bad record, reason and shown row for every damaged log, and the same result
// (root, head, stations, participants, witnesses, tail) for an intact one. Small segments make a
// ceremony log of a few hundred records span many segments and workers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import {
  type DatabaseVerification,
  verifyDatabase,
  verifyDatabaseParallel,
} from '../../../src-main/audit/verify-database.js';
import { SEGMENT_RECORDS, planSegments } from '../../../src-main/audit/verify-parallel.js';
import { seeded } from '../kms/harness/fault-proxy.js';
import { freshLog, tempDir } from './harness/fixture.js';
import { asAttacker } from './harness/forger.js';

const SEGMENT = 16;
const LAUNCHER = path.resolve(__dirname, '../../../src-main/cli/keyrite.cjs');

const withoutHow = (v: DatabaseVerification): DatabaseVerification => {
  const { parallel: _parallel, ...rest } = v;
  return rest;
};

void test('a log verified in segments on worker threads gives the in-order answer, intact or damaged', async (t) => {
  const dir = tempDir(t);
  const { db } = freshLog(dir, 320);
  const rows = (new Database(db, { readonly: true }).prepare('SELECT count(*) FROM records').pluck().get() ??
    0) as number;
  assert.ok(rows > 8 * SEGMENT, `${rows} records`);
  let n = 0;
  const copy = (): string => {
    const f = path.join(dir, `case-${n++}.db`);
    copyFileSync(db, f);
    return f;
  };

  await t.test('intact: the same result, and it was taken on workers', async () => {
    const inOrder = verifyDatabase(db);
    const parallel = await verifyDatabaseParallel(db, undefined, undefined, 'quick', {
      segmentRecords: SEGMENT,
    });
    assert.equal(parallel.result.ok, true, JSON.stringify(parallel.result));
    assert.deepEqual(parallel.parallel?.segments, Math.ceil(rows / SEGMENT));
    assert.ok((parallel.parallel?.workers ?? 0) >= 1);
    assert.deepEqual(withoutHow(parallel), inOrder);
  });

  await t.test('a log below the threshold is verified in order, without workers', async () => {
    const v = await verifyDatabaseParallel(db);
    assert.ok(rows < 2 * SEGMENT_RECORDS);
    assert.equal(v.parallel, undefined);
    assert.deepEqual(v, verifyDatabase(db));
  });

  const next = seeded(17_17);
  const pick = (k: number): number => Math.floor(next() * k);
  const columns = ['time', 'ceremony_id', 'station_id', 'actor', 'type', 'payload', 'prev_hash', 'hash'];
  const cases: Array<[string, (h: Database.Database) => void]> = [];
  for (let i = 0; i < 24; i++) {
    const seq = 1 + pick(rows);
    const column = columns[pick(columns.length)]!;
    cases.push([
      `record ${seq}: one character of ${column} changed`,
      (h) => {
        const value = String(h.prepare(`SELECT ${column} FROM records WHERE seq = ?`).pluck().get(seq));
        const at = pick(value.length);
        const c = value[at] === 'a' ? 'b' : 'a';
        h.prepare(`UPDATE records SET ${column} = ? WHERE seq = ?`).run(
          value.slice(0, at) + c + value.slice(at + 1),
          seq,
        );
      },
    ]);
  }
  cases.push(
    [
      'a record at a segment boundary deleted',
      (h) => h.prepare('DELETE FROM records WHERE seq = ?').run(SEGMENT * 3 + 1),
    ],
    [
      'the last record of a segment deleted',
      (h) => h.prepare('DELETE FROM records WHERE seq = ?').run(SEGMENT * 2),
    ],
    [
      'a whole segment deleted',
      (h) => h.prepare('DELETE FROM records WHERE seq BETWEEN ? AND ?').run(SEGMENT + 1, 2 * SEGMENT),
    ],
    ['the newest records deleted', (h) => h.prepare('DELETE FROM records WHERE seq > ?').run(rows - 3)],
    ['the first record deleted', (h) => h.prepare('DELETE FROM records WHERE seq = 1').run()],
    ['a signed checkpoint deleted', (h) => h.prepare('DELETE FROM checkpoints WHERE id = 2').run()],
    [
      'a record numbered 0 added',
      (h) =>
        h
          .prepare(
            "INSERT INTO records SELECT 0, time, ceremony_id, station_id, actor, type, payload, prev_hash, substr(hash, 1, 63) || 'x' FROM records WHERE seq = 5",
          )
          .run(),
    ],
    [
      'two records in different segments swapped',
      (h) => {
        const move = h.prepare('UPDATE records SET seq = ? WHERE seq = ?');
        move.run(-1, 20);
        move.run(20, 70);
        move.run(70, -1);
      },
    ],
    [
      'a payload over the size limit',
      (h) =>
        h
          .prepare('UPDATE records SET payload = ? WHERE seq = ?')
          .run(`{"text":"${'x'.repeat(1024 * 1024 + 10)}"}`, 3 * SEGMENT + 5),
    ],
    [
      'a record written by another station',
      (h) =>
        h.prepare('UPDATE records SET station_id = ? WHERE seq = ?').run('0'.repeat(32), 2 * SEGMENT + 3),
    ],
  );
  await t.test(`${cases.length} damaged logs: the same answer in segments as in order`, async () => {
    for (const [what, change] of cases) {
      const f = copy();
      asAttacker(f, change);
      const inOrder = verifyDatabase(f);
      const parallel = await verifyDatabaseParallel(f, undefined, undefined, 'quick', {
        segmentRecords: SEGMENT,
      });
      assert.equal(inOrder.result.ok, false, `${what}: not detected in order`);
      assert.deepEqual(parallel, inOrder, what);
    }
  });

  await t.test('a trusted checkpoint and pinned stations: the same answer, matching or not', async () => {
    const cps = new Database(db, { readonly: true })
      .prepare('SELECT body FROM checkpoints ORDER BY id')
      .pluck()
      .all() as string[];
    const kept = JSON.parse(cps[1]!) as Record<string, unknown>;
    const forged = { ...kept, rootHash: 'ab'.repeat(32) };
    for (const [trusted, pins] of [
      [kept, undefined],
      [forged, undefined],
      [undefined, ['cd'.repeat(32)]],
    ] as const) {
      const inOrder = verifyDatabase(db, trusted, pins);
      const parallel = await verifyDatabaseParallel(db, trusted, pins, 'quick', { segmentRecords: SEGMENT });
      assert.deepEqual(withoutHow(parallel), inOrder, JSON.stringify({ trusted, pins }));
    }
  });
});

void test('the built command line verifies in segments on workers, and prints the same verdict', (t) => {
  const built = path.resolve(__dirname, '../../../dist/cli/commands/audit.cjs');
  assert.ok(existsSync(built), 'build the command line first (node src-main/build/build.mjs main)');
  const dir = tempDir(t);
  const { db } = freshLog(dir, 120);
  const run = (file: string, segment?: number) =>
    spawnSync(process.execPath, [LAUNCHER, 'audit', 'verify', file], {
      encoding: 'utf8',
      env: { ...process.env, KEYRITE_TEST: '1', KEYRITE_TEST_VERIFY_SEGMENT: String(segment ?? '') },
    });
  const parallel = run(db, 8);
  assert.equal(parallel.status, 0, parallel.stdout + parallel.stderr);
  assert.match(parallel.stdout, /checked in \d+ segments on \d+ worker threads/);
  const inOrder = run(db);
  assert.doesNotMatch(inOrder.stdout, /worker threads/);
  assert.equal(parallel.stdout.replace(/ {2}checked in .*\n/, ''), inOrder.stdout);
  const damaged = path.join(dir, 'damaged.db');
  copyFileSync(db, damaged);
  asAttacker(damaged, (h) => h.prepare("UPDATE records SET actor = 'mallory' WHERE seq = 50").run());
  const a = run(damaged, 8);
  const b = run(damaged);
  assert.equal(a.status, 1, a.stdout + a.stderr);
  assert.match(a.stdout, /first bad record: 50\n/);
  assert.equal(a.stdout, b.stdout);
  assert.equal(a.stderr, b.stderr);
});

void test('workers only where a core is left for the joins, unless a test chose the segment size', (t) => {
  // planSegments reads only the numbering: a table with the first and last sequence numbers stands in
  // for a log of three segments of the command line's size.
  const file = path.join(tempDir(t), 'numbering.db');
  const db = new Database(file);
  t.after(() => db.close());
  db.exec('CREATE TABLE records (seq INTEGER PRIMARY KEY)');
  db.prepare('INSERT INTO records (seq) VALUES (?), (?)').run(1, 2 * SEGMENT_RECORDS + 1);
  assert.equal(planSegments(db, undefined, 1), undefined, 'one core: in order');
  assert.equal(planSegments(db, undefined, 2), undefined, 'two cores: in order (no core for the joins)');
  assert.equal(planSegments(db, undefined, 3)?.workers, 2);
  assert.equal(planSegments(db, undefined, 3)?.segments.length, 3);
  assert.equal(planSegments(db, undefined, 16)?.workers, 3, 'never more workers than segments');
  assert.equal(planSegments(db, SEGMENT_RECORDS, 2)?.workers, 2, 'a chosen size takes the worker path');
  assert.equal(planSegments(db, 2 ** 12, 64)?.workers, 4, 'at most four workers');
});

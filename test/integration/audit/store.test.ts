import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openAuditStore } from '../../../src-main/audit/audit-store.js';
import { openAuditDatabase } from '../../../src-main/audit/database.js';
import {
  LATEST_VERSION,
  MIGRATIONS,
  checkMonotonic,
  migrate,
  userVersion,
} from '../../../src-main/audit/migrations.js';
import { verifyDatabase } from '../../../src-main/audit/verify-database.js';
import { custodianKey, tempDir, stationKeyAt, writeCeremony } from './harness/fixture.js';

const objects = (db: Database.Database): string[] =>
  db
    .prepare("SELECT type || ':' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1")
    .pluck()
    .all() as string[];

void test('migration 1 creates the append-only records table on a real file', (t) => {
  const file = path.join(tempDir(t), 'm1.db');
  const db = new Database(file);
  migrate(db, MIGRATIONS, 1);
  assert.equal(userVersion(db), 1);
  assert.deepEqual(objects(db), ['table:records', 'trigger:records_no_delete', 'trigger:records_no_update']);
  db.prepare("INSERT INTO records VALUES (1, 't', 'c', 's', 'a', 'note', '{}', 'p', 'h')").run();
  assert.throws(() => db.prepare("UPDATE records SET actor = 'x'").run(), /append-only/);
  assert.throws(() => db.prepare('DELETE FROM records').run(), /append-only/);
  db.close();
});

void test('migration 2 adds append-only checkpoints referencing records, keeping existing rows', (t) => {
  const file = path.join(tempDir(t), 'm2.db');
  let db = new Database(file);
  migrate(db, MIGRATIONS, 1);
  db.prepare("INSERT INTO records VALUES (1, 't', 'c', 's', 'a', 'note', '{}', 'p', 'h')").run();
  db.close();
  db = new Database(file);
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS, 2);
  assert.equal(userVersion(db), 2);
  assert.ok(objects(db).includes('table:checkpoints'));
  assert.equal(db.prepare('SELECT count(*) FROM records').pluck().get(), 1);
  db.prepare("INSERT INTO checkpoints (tree_size, body) VALUES (1, '{}')").run();
  assert.throws(
    () => db.prepare("INSERT INTO checkpoints (tree_size, body) VALUES (5, '{}')").run(),
    /FOREIGN KEY/,
  );
  assert.throws(() => db.prepare('DELETE FROM checkpoints').run(), /append-only/);
  assert.throws(() => db.prepare("UPDATE checkpoints SET body = 'x'").run(), /append-only/);
  db.close();
});

void test('migration 3 adds the lookup indexes; a fresh database gets every migration in one go', (t) => {
  const dir = tempDir(t);
  const three = new Database(path.join(dir, 'm3.db'));
  migrate(three, MIGRATIONS, 2);
  migrate(three, MIGRATIONS, 3);
  assert.equal(userVersion(three), 3);
  assert.ok(objects(three).includes('index:records_by_ceremony'));
  assert.ok(objects(three).includes('index:records_by_type'));
  migrate(three);
  const fresh = new Database(path.join(dir, 'fresh.db'));
  migrate(fresh);
  assert.equal(LATEST_VERSION, 4);
  for (const db of [three, fresh]) assert.equal(userVersion(db), LATEST_VERSION);
  assert.deepEqual(objects(three), objects(fresh));
  three.close();
  fresh.close();
});

/** The rows of both tables, every column, in order: what a migration must carry over unchanged. */
const contents = (db: Database.Database): unknown[] => [
  ...db.prepare('SELECT * FROM records ORDER BY seq').raw().all(),
  ...db.prepare('SELECT * FROM checkpoints ORDER BY id').raw().all(),
];

/** A real ceremony log (written by the store) copied row for row into a database at schema 3. */
function logAtSchema3(dir: string): string {
  const written = path.join(dir, 'written.db');
  const store = openAuditStore(written, { stationKey: stationKeyAt(path.join(dir, 'station.key')) });
  writeCeremony(store, 120, 30);
  store.close();
  const file = path.join(dir, 'v3.db');
  const db = new Database(file);
  migrate(db, MIGRATIONS, 3);
  db.prepare('ATTACH DATABASE ? AS written').run(written);
  db.exec('INSERT INTO records SELECT * FROM written.records ORDER BY seq');
  db.exec('INSERT INTO checkpoints SELECT * FROM written.checkpoints ORDER BY id');
  db.exec('DETACH DATABASE written');
  db.close();
  return file;
}

void test('migration 4 rebuilds a real schema-3 log: same rows, append-only, one page per plain append', (t) => {
  const dir = tempDir(t);
  const file = logAtSchema3(dir);
  const before = new Database(file, { readonly: true });
  const rows = contents(before);
  before.close();
  // An auditor's verification reads a schema-3 log as it is: intact, and still at schema 3 after.
  const asWritten = verifyDatabase(file);
  assert.equal(asWritten.result.ok, true, JSON.stringify(asWritten.result));
  const still = new Database(file, { readonly: true });
  assert.equal(userVersion(still), 3);
  still.close();

  const db = openAuditDatabase(file);
  assert.equal(userVersion(db), 4);
  assert.deepEqual(contents(db), rows);
  assert.deepEqual(objects(db), [
    'index:records_cosignatures',
    'index:records_enrolments',
    'index:records_intents',
    'index:records_outcomes',
    'index:records_station_keys',
    'table:checkpoints',
    'table:records',
    'trigger:checkpoints_no_delete',
    'trigger:checkpoints_no_update',
    'trigger:records_no_delete',
    'trigger:records_no_update',
  ]);
  // No index left over from the UNIQUE constraint: a plain record touches the table alone.
  assert.deepEqual(
    db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_autoindex%'").all(),
    [],
  );
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys are on again');
  assert.throws(() => db.prepare("UPDATE records SET actor = 'x'").run(), /append-only/);
  assert.throws(() => db.prepare('DELETE FROM records WHERE seq = 1').run(), /append-only/);
  assert.throws(
    () => db.prepare("INSERT INTO checkpoints (tree_size, body) VALUES (100000, '{}')").run(),
    /FOREIGN KEY/,
  );
  // Each lookup the store and the co-signature rule make is answered from its partial index.
  for (const [sql, index] of [
    [
      "SELECT station_id FROM records WHERE type = 'station.key' ORDER BY seq DESC LIMIT 1",
      'records_station_keys',
    ],
    [
      "SELECT 1 FROM records WHERE type = 'outcome' AND json_extract(payload, '$.intentSeq') = 7 LIMIT 1",
      'records_outcomes',
    ],
    [
      "SELECT * FROM records r WHERE r.type = 'intent' AND (NULL IS NULL OR r.ceremony_id = NULL) ORDER BY r.seq",
      'records_intents',
    ],
    [
      "SELECT json_extract(payload, '$.publicKey') FROM records WHERE type = 'participant.enrolled' AND json_extract(payload, '$.name') = 'alice' ORDER BY seq DESC LIMIT 1",
      'records_enrolments',
    ],
    [
      "SELECT 1 FROM records WHERE type = 'audit.cosignature' AND ceremony_id = 'cer-1' AND json_extract(payload, '$.treeSize') = 30 AND json_extract(payload, '$.signer') = 'alice' LIMIT 1",
      'records_cosignatures',
    ],
  ] as const) {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join('; ');
    assert.match(plan, new RegExp(`USING INDEX ${index}\\b`), sql);
  }
  db.close();

  // The migrated log verifies, and the store goes on writing it.
  const store = openAuditStore(file, { stationKey: stationKeyAt(path.join(dir, 'station.key')) });
  store.append({ ceremonyId: 'cer-1', actor: 'admin', type: 'note', payload: { text: 'after migration 4' } });
  store.checkpoint({ ceremonyId: 'cer-1' });
  store.close();
  const v = verifyDatabase(file);
  assert.equal(v.result.ok, true, JSON.stringify(v.result));
});

void test('migration 4 on a log whose checkpoint names a missing record changes nothing and says why', (t) => {
  const dir = tempDir(t);
  const file = logAtSchema3(dir);
  const damaged = new Database(file);
  damaged.pragma('foreign_keys = OFF');
  damaged.prepare("INSERT INTO checkpoints (tree_size, body) VALUES (999999, '{}')").run();
  const rows = contents(damaged);
  const schema = objects(damaged);
  damaged.close();
  assert.throws(() => openAuditDatabase(file), {
    code: 'AUDIT_MIGRATION_FAILED',
    message: /checkpoints that name records it does not hold; nothing was changed/,
  });
  const after = new Database(file, { readonly: true });
  assert.equal(userVersion(after), 3);
  assert.deepEqual(objects(after), schema);
  assert.deepEqual(contents(after), rows);
  after.close();
});

void test('a failing migration leaves the database untouched (one transaction)', (t) => {
  const db = new Database(path.join(tempDir(t), 'fail.db'));
  const broken = [
    ...MIGRATIONS,
    {
      version: LATEST_VERSION + 1,
      name: 'broken',
      sql: 'CREATE TABLE ok_table (x); CREATE TABLE records (x);',
    },
  ];
  assert.throws(() => migrate(db, broken), /already exists/);
  assert.equal(userVersion(db), 0);
  assert.deepEqual(objects(db), []);
  db.close();
});

void test('non-monotonic migrations and a newer database are refused with a clear error', (t) => {
  assert.throws(() => checkMonotonic([MIGRATIONS[0]!, MIGRATIONS[2]!]), { code: 'AUDIT_MIGRATIONS_BROKEN' });
  const file = path.join(tempDir(t), 'new.db');
  const db = new Database(file);
  db.pragma('user_version = 99');
  db.close();
  assert.throws(() => openAuditDatabase(file), { code: 'AUDIT_DB_TOO_NEW', message: /version 99/ });
});

void test('the store opens with WAL, synchronous=FULL and foreign keys, and checks integrity', (t) => {
  const dir = tempDir(t);
  const db = openAuditDatabase(path.join(dir, 'p.db'));
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('synchronous', { simple: true }), 2);
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  db.close();
  const junk = path.join(dir, 'junk.db');
  writeFileSync(junk, Buffer.alloc(8192, 7));
  assert.throws(() => openAuditDatabase(junk), { code: 'AUDIT_DB_UNREADABLE' });
});

void test('append and read back across a reopen; the station key is declared once', (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, 'audit.db');
  let times = 0;
  const clock = (): Date => new Date(Date.UTC(2026, 10, 24, 3, 0, times++ === 3 ? 0 : times));
  const stationKey = stationKeyAt(path.join(dir, 'station.key'));
  const store = openAuditStore(db, { clock, stationKey });
  const a = store.append({
    ceremonyId: 'c',
    actor: 'admin',
    type: 'ceremony.started',
    payload: { planDigest: 'ef'.repeat(32) },
  });
  const b = store.append({
    ceremonyId: 'c',
    actor: 'alice',
    type: 'material.kcv',
    payload: { kcv: 'ABC123', scope: 'material' },
  });
  const c = store.append({
    ceremonyId: 'c',
    actor: 'alice',
    type: 'note',
    payload: { text: 'clock stepped back' },
  });
  assert.deepEqual([a.seq, b.seq, c.seq], [2, 3, 4]);
  assert.equal(b.prevHash, a.hash);
  assert.ok(c.time >= b.time, 'a clock stepping back does not reorder times');
  const head = store.head();
  const pub = store.stationPublicKey();
  store.close();
  const again = openAuditStore(db, { stationKey });
  assert.equal(again.stationPublicKey(), pub);
  assert.deepEqual(again.head(), head);
  assert.deepEqual(again.records({ ceremonyId: 'c' }), [a, b, c]);
  assert.equal(again.records({ type: 'station.key' }).length, 1);
  assert.equal(again.records({ type: 'station.key' })[0]!.payload['publicKey'], pub);
  again.close();
  assert.equal(verifyDatabase(db).result.ok, true);
});

void test('invalid and secret-looking payloads are refused and nothing is written', (t) => {
  const store = openAuditStore(path.join(tempDir(t), 'a.db'));
  const before = store.head();
  assert.throws(
    () =>
      store.append({ ceremonyId: 'c', actor: 'x', type: 'note', payload: { text: 't', passphrase: 'p' } }),
    { code: 'AUDIT_SECRET_REFUSED' },
  );
  assert.throws(
    () =>
      store.append({
        ceremonyId: 'c',
        actor: 'x',
        type: 'note',
        payload: { text: 't', blob: 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRg==' },
      }),
    { code: 'AUDIT_SECRET_REFUSED' },
  );
  assert.throws(
    () => store.append({ ceremonyId: 'c', actor: 'x', type: 'material.kcv', payload: { kcv: '12' } }),
    { code: 'AUDIT_RECORD_INVALID' },
  );
  assert.throws(() => store.append({ ceremonyId: 'c', actor: 'x', type: 'unknown', payload: {} }), {
    code: 'AUDIT_RECORD_INVALID',
  });
  assert.throws(
    () => store.append({ ceremonyId: 'c', actor: 'x', type: 'note', payload: { text: 't', n: 1.5 } }),
    { code: 'AUDIT_NOT_CANONICAL' },
  );
  assert.deepEqual(store.head(), before);
  store.close();
});

void test('intents stay open across a restart until their outcome is recorded', (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, 'a.db');
  const stationKey = stationKeyAt(path.join(dir, 'station.key'));
  const s1 = openAuditStore(db, { stationKey });
  const i1 = s1.intent({
    ceremonyId: 'c',
    actor: 'admin',
    type: 'kms.import',
    effect: 'ImportKeyMaterial',
    payload: { keyArn: 'arn:aws:kms:eu-west-1:111122223333:key/a' },
  });
  const i2 = s1.intent({
    ceremonyId: 'd',
    actor: 'admin',
    type: 'media.write',
    effect: 'write share file',
    payload: {},
  });
  s1.close();
  const s2 = openAuditStore(db, { stationKey });
  assert.deepEqual(
    s2.openIntents().map((r) => r.seq),
    [i1.seq, i2.seq],
  );
  assert.deepEqual(
    s2.openIntents('c').map((r) => r.seq),
    [i1.seq],
  );
  const out = s2.outcome(i1.seq, { ok: true, payload: { keyState: 'Enabled' } });
  assert.equal(out.ceremonyId, 'c');
  assert.deepEqual(out.payload, {
    intentSeq: i1.seq,
    action: 'kms.import',
    ok: true,
    details: { keyState: 'Enabled' },
  });
  assert.deepEqual(
    s2.openIntents().map((r) => r.seq),
    [i2.seq],
  );
  assert.throws(() => s2.outcome(i1.seq, { ok: true, payload: {} }), /already has an outcome/);
  assert.throws(() => s2.outcome(out.seq, { ok: true, payload: {} }), /not an intent/);
  s2.close();
});

void test('checkpoints are signed by the station, co-signed by custodians and recorded in the log', (t) => {
  const db = path.join(tempDir(t), 'a.db');
  const store = openAuditStore(db);
  const alice = custodianKey('alice');
  store.append({
    ceremonyId: 'c',
    actor: 'admin',
    type: 'participant.enrolled',
    payload: { name: 'alice', role: 'custodian', publicKey: alice.publicKey },
  });
  const head = store.head();
  const cp = store.checkpoint({ ceremonyId: 'c', cosign: (d) => [alice.cosign(d)] });
  assert.equal(cp.treeSize, head.treeSize);
  assert.equal(cp.rootHash, head.rootHash);
  assert.equal(cp.stationPublicKey, store.stationPublicKey());
  assert.deepEqual(store.checkpoints(), [cp]);
  const rec = store.records({ type: 'audit.checkpoint' })[0]!;
  assert.equal(rec.seq, cp.treeSize + 1);
  assert.deepEqual(rec.payload['cosigners'], ['alice']);
  store.close();
  const v = verifyDatabase(db, cp);
  assert.equal(v.result.ok, true, JSON.stringify(v.result));
});

void test('a checkpoint with a bad or unenrolled co-signature is refused before anything is written', (t) => {
  const store = openAuditStore(path.join(tempDir(t), 'a.db'));
  const alice = custodianKey('alice');
  const stranger = custodianKey('stranger');
  store.append({
    ceremonyId: 'c',
    actor: 'admin',
    type: 'participant.enrolled',
    payload: { name: 'alice', role: 'custodian', publicKey: alice.publicKey },
  });
  const before = store.head();
  assert.throws(
    () => store.checkpoint({ ceremonyId: 'c', cosign: (d) => [stranger.cosign(d)] }),
    /not enrolled/,
  );
  assert.throws(
    () =>
      store.checkpoint({
        ceremonyId: 'c',
        cosign: (d) => [{ ...alice.cosign(d), signature: alice.cosign(Buffer.alloc(32)).signature }],
      }),
    /co-signature of alice is invalid/,
  );
  assert.throws(
    () => store.checkpoint({ ceremonyId: 'c', cosign: (d) => [alice.cosign(d), alice.cosign(d)] }),
    /twice/,
  );
  assert.deepEqual(store.head(), before);
  assert.deepEqual(store.checkpoints(), []);
  store.close();
});

void test('acknowledged appends survive the writer being killed (SIGKILL)', async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, 'audit.db');
  const script = path.join(dir, 'writer.ts');
  const storeModule = path.resolve('src-main/audit/audit-store.ts');
  writeFileSync(
    script,
    `import { openAuditStore } from ${JSON.stringify(storeModule)};
     import { stationKeyAt } from ${JSON.stringify(path.resolve('test/integration/audit/harness/fixture.ts'))};
     const s = openAuditStore(${JSON.stringify(db)}, { stationKey: stationKeyAt(${JSON.stringify(path.join(dir, 'station.key'))}) });
     for (let i = 0; ; i++) {
       const r = s.append({ ceremonyId: 'c', actor: 'w', type: 'note', payload: { text: 'n' + i } });
       process.stdout.write(r.seq + '\\n');
     }`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let acknowledged = 0;
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    let buf = '';
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) acknowledged = Math.max(acknowledged, Number(l));
      if (acknowledged >= 40) child.kill('SIGKILL');
    });
    child.on('exit', () => resolve());
    child.on('error', reject);
  });
  assert.ok(acknowledged >= 40);
  assert.ok(existsSync(db));
  const v = verifyDatabase(db);
  assert.equal(v.result.ok, true, JSON.stringify(v.result));
  assert.ok(
    v.result.ok && v.result.recordCount >= acknowledged,
    `records ${v.result.ok && v.result.recordCount} < acknowledged ${acknowledged}`,
  );
  const reopened = openAuditStore(db, { stationKey: stationKeyAt(path.join(dir, 'station.key')) });
  assert.ok(reopened.head().seq >= acknowledged);
  reopened.close();
});

void test('a second writer on the same log is refused, and nothing it tried is written', (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, 'a.db');
  const stationKey = stationKeyAt(path.join(dir, 'station.key'));
  const first = openAuditStore(db, { stationKey });
  const second = openAuditStore(db, { stationKey });
  first.append({ ceremonyId: 'c', actor: 'admin', type: 'note', payload: { text: 'from the first' } });
  const head = first.head();
  assert.throws(
    () =>
      second.append({ ceremonyId: 'c', actor: 'admin', type: 'note', payload: { text: 'from the second' } }),
    { code: 'AUDIT_CONCURRENT_WRITER', message: /changed under this process/ },
  );
  assert.throws(() => second.checkpoint({ ceremonyId: 'c' }), { code: 'AUDIT_CONCURRENT_WRITER' });
  assert.deepEqual(first.head(), head);
  first.checkpoint({ ceremonyId: 'c' });
  first.close();
  second.close();
  const v = verifyDatabase(db);
  assert.equal(v.result.ok, true, JSON.stringify(v.result));
});

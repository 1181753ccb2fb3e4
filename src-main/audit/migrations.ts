import type Database from 'better-sqlite3';
import { KeyriteError } from '../../src-shared/errors.js';

/**
 * Numbered schema migrations. Append new ones; never edit one that has shipped: a database's
 * `user_version` says which have run. Append-only is enforced by triggers so that even a bug in Keyrite
 * cannot rewrite history through SQL; tampering with the file itself is caught by verification.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * The migration rebuilds a table other tables reference: it runs with foreign keys off, as SQLite's
   * own procedure for changing a table's definition says, and `foreign_key_check` must find nothing
   * before it commits.
   */
  rebuildsTable?: true;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'append-only records',
    sql: `
      CREATE TABLE records (
        seq         INTEGER PRIMARY KEY,
        time        TEXT NOT NULL,
        ceremony_id TEXT NOT NULL,
        station_id  TEXT NOT NULL,
        actor       TEXT NOT NULL,
        type        TEXT NOT NULL,
        payload     TEXT NOT NULL,
        prev_hash   TEXT NOT NULL,
        hash        TEXT NOT NULL UNIQUE
      ) STRICT;
      CREATE TRIGGER records_no_update BEFORE UPDATE ON records
        BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
      CREATE TRIGGER records_no_delete BEFORE DELETE ON records
        BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
    `,
  },
  {
    version: 2,
    name: 'signed checkpoints',
    sql: `
      CREATE TABLE checkpoints (
        id        INTEGER PRIMARY KEY,
        tree_size INTEGER NOT NULL REFERENCES records(seq),
        body      TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
        BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
      CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
        BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
    `,
  },
  {
    version: 3,
    name: 'lookup indexes',
    sql: `
      CREATE INDEX records_by_ceremony ON records (ceremony_id, seq);
      CREATE INDEX records_by_type ON records (type, seq);
    `,
  },
  {
    // Each commit writes every B-tree page the insert touched, and an append is durable only once
    // they are on disk. The UNIQUE index on the hash put each new record on a random leaf (the hashes
    // are random), the type index on the leaf of its type, the ceremony index on a third: four pages
    // a commit where one record fills part of one. The hash chain already makes a repeated hash
    // impossible to hide (verify recomputes every hash) and nothing looks a record up by hash; no
    // query could use the ceremony index (the store's filter, `? IS NULL OR ceremony_id = ?`, is not
    // answerable from an index); and only five types are ever looked up by type. So the table is
    // rebuilt without the UNIQUE index, and each lookup gets a partial index that only its own type's
    // records touch: most appends now write one page, the looked-up types two. No index holds an
    // expression over the payload (json_extract): writing, migrating or checking a row never parses
    // its JSON, so a damaged payload stays the verifier's to report rather than an SQL error.
    version: 4,
    name: 'append touches fewer pages',
    rebuildsTable: true,
    sql: `
      CREATE TABLE records_v4 (
        seq         INTEGER PRIMARY KEY,
        time        TEXT NOT NULL,
        ceremony_id TEXT NOT NULL,
        station_id  TEXT NOT NULL,
        actor       TEXT NOT NULL,
        type        TEXT NOT NULL,
        payload     TEXT NOT NULL,
        prev_hash   TEXT NOT NULL,
        hash        TEXT NOT NULL
      ) STRICT;
      INSERT INTO records_v4 (seq, time, ceremony_id, station_id, actor, type, payload, prev_hash, hash)
        SELECT seq, time, ceremony_id, station_id, actor, type, payload, prev_hash, hash
        FROM records ORDER BY seq;
      DROP TABLE records;
      ALTER TABLE records_v4 RENAME TO records;
      CREATE TRIGGER records_no_update BEFORE UPDATE ON records
        BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
      CREATE TRIGGER records_no_delete BEFORE DELETE ON records
        BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
      CREATE INDEX records_station_keys ON records (seq) WHERE type = 'station.key';
      CREATE INDEX records_intents ON records (seq) WHERE type = 'intent';
      CREATE INDEX records_outcomes ON records (seq) WHERE type = 'outcome';
      CREATE INDEX records_enrolments ON records (seq) WHERE type = 'participant.enrolled';
      CREATE INDEX records_cosignatures ON records (seq) WHERE type = 'audit.cosignature';
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Versions must run 1, 2, 3… with no gap or repeat; checked before anything is applied. */
export function checkMonotonic(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new KeyriteError(
        'AUDIT_MIGRATIONS_BROKEN',
        `audit migration ${m.name} has version ${m.version}, expected ${i + 1}`,
        'this is a bug in Keyrite',
      );
  });
}

export function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every pending migration up to `target` in one transaction, then sets user_version. */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
  target = migrations.length,
): void {
  checkMonotonic(migrations);
  const current = userVersion(db);
  if (current > migrations.length) {
    throw new KeyriteError(
      'AUDIT_DB_TOO_NEW',
      `the audit database is at schema version ${current}, newer than this Keyrite understands (${migrations.length})`,
      'open it with the newer Keyrite that wrote it; do not downgrade an audit database',
    );
  }
  const pending = migrations.slice(current, target);
  if (pending.length === 0) return;
  // Foreign keys cannot be switched inside a transaction; a rebuild needs them off around it.
  const rebuild = pending.some((m) => m.rebuildsTable);
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  if (rebuild && foreignKeys) db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      for (const m of pending) db.exec(m.sql);
      if (rebuild && (db.pragma('foreign_key_check') as unknown[]).length > 0) {
        throw new KeyriteError(
          'AUDIT_MIGRATION_FAILED',
          'the audit database has checkpoints that name records it does not hold; nothing was changed',
          'keep the file as evidence and run keyrite audit verify on a copy',
        );
      }
      // user_version cannot be bound as a parameter; the value is an integer from our own table.
      db.pragma(`user_version = ${Number(pending[pending.length - 1]!.version)}`);
    })();
  } finally {
    if (rebuild && foreignKeys) db.pragma('foreign_keys = ON');
  }
}

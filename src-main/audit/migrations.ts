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
  db.transaction(() => {
    for (const m of pending) db.exec(m.sql);
    // user_version cannot be bound as a parameter; the value is an integer from our own table.
    db.pragma(`user_version = ${Number(pending[pending.length - 1]!.version)}`);
  })();
}

import { Buffer } from 'node:buffer';
import type Database from 'better-sqlite3';
import { openSqlite } from '../sqlite/open-sqlite.js';
import { KeyriteError } from '../../src-shared/errors.js';
import type { KeyRecord, MaterialRecord } from './key-record.js';
import type { AliasRecord, ImportParams, Persister } from './state-types.js';

/**
 * `--state FILE`: the emulator's world in SQLite so a rehearsal survives a restart. Key metadata is
 * JSON (non-secret); material and wrapping private keys are BLOBs, never text. This file is the
 * emulated "AWS side" and holds key material in the clear: it is for rehearsals, never for real keys.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE keys (key_id TEXT PRIMARY KEY, record TEXT NOT NULL);
   CREATE TABLE materials (key_id TEXT NOT NULL, material_id TEXT NOT NULL, meta TEXT NOT NULL, bytes BLOB,
     PRIMARY KEY (key_id, material_id));
   CREATE TABLE aliases (name TEXT PRIMARY KEY, target_key_id TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);
   CREATE TABLE import_params (token_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, algorithm TEXT NOT NULL,
     wrapping_key_spec TEXT NOT NULL, private_key BLOB NOT NULL, public_key BLOB NOT NULL, valid_to REAL NOT NULL);`,
];

type MaterialMeta = Omit<MaterialRecord, 'bytes'>;

function copyOut(b: Buffer | null): Buffer | null {
  if (b === null) return null;
  const out = Buffer.alloc(b.length);
  b.copy(out);
  return out;
}

export function openSqlitePersister(file: string): Persister {
  let db: Database.Database;
  try {
    db = openSqlite(file);
  } catch (e) {
    throw new KeyriteError(
      'EMULATOR_STATE_OPEN',
      `cannot open emulator state file ${file}`,
      'check the path and its permissions',
      {
        cause: e,
      },
    );
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    db.close();
    throw new KeyriteError(
      'EMULATOR_STATE_NEWER',
      `emulator state file ${file} was written by a newer Keyrite`,
      'use the Keyrite version that wrote it, or start with a new --state file',
    );
  }
  db.transaction(() => {
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v] as string);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();

  const q = {
    keys: db.prepare('SELECT key_id, record FROM keys'),
    materials: db.prepare('SELECT meta, bytes FROM materials WHERE key_id = ?'),
    aliases: db.prepare('SELECT name, target_key_id, created, updated FROM aliases'),
    params: db.prepare('SELECT * FROM import_params'),
    upsertKey: db.prepare(
      'INSERT INTO keys (key_id, record) VALUES (?, ?) ON CONFLICT(key_id) DO UPDATE SET record = excluded.record',
    ),
    clearMaterials: db.prepare('DELETE FROM materials WHERE key_id = ?'),
    insertMaterial: db.prepare(
      'INSERT INTO materials (key_id, material_id, meta, bytes) VALUES (?, ?, ?, ?)',
    ),
    deleteKey: db.prepare('DELETE FROM keys WHERE key_id = ?'),
    upsertAlias: db.prepare(
      'INSERT INTO aliases (name, target_key_id, created, updated) VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET target_key_id = excluded.target_key_id, updated = excluded.updated',
    ),
    deleteAlias: db.prepare('DELETE FROM aliases WHERE name = ?'),
    insertParams: db.prepare(
      'INSERT OR REPLACE INTO import_params (token_id, key_id, algorithm, wrapping_key_spec, private_key, public_key, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    deleteParams: db.prepare('DELETE FROM import_params WHERE token_id = ?'),
  };

  const saveKey = db.transaction((key: KeyRecord) => {
    const { materials, ...rest } = key;
    q.upsertKey.run(key.keyId, JSON.stringify(rest));
    q.clearMaterials.run(key.keyId);
    for (const m of materials) {
      const { bytes, ...meta } = m;
      q.insertMaterial.run(key.keyId, m.id, JSON.stringify(meta), bytes);
    }
  });
  const deleteKey = db.transaction((keyId: string) => {
    q.clearMaterials.run(keyId);
    q.deleteKey.run(keyId);
  });

  return {
    load() {
      const keys: KeyRecord[] = [];
      for (const row of q.keys.all() as { key_id: string; record: string }[]) {
        const rest = JSON.parse(row.record) as Omit<KeyRecord, 'materials'>;
        const materials: MaterialRecord[] = [];
        for (const mr of q.materials.all(row.key_id) as { meta: string; bytes: Buffer | null }[]) {
          materials.push({ ...(JSON.parse(mr.meta) as MaterialMeta), bytes: copyOut(mr.bytes) });
          mr.bytes?.fill(0);
        }
        keys.push({ ...rest, materials });
      }
      const aliases = (
        q.aliases.all() as { name: string; target_key_id: string; created: number; updated: number }[]
      ).map((r) => ({
        name: r.name,
        targetKeyId: r.target_key_id,
        created: r.created,
        updated: r.updated,
      }));
      const params = (
        q.params.all() as {
          token_id: string;
          key_id: string;
          algorithm: ImportParams['algorithm'];
          wrapping_key_spec: ImportParams['wrappingKeySpec'];
          private_key: Buffer;
          public_key: Buffer;
          valid_to: number;
        }[]
      ).map((r) => ({
        tokenId: r.token_id,
        keyId: r.key_id,
        algorithm: r.algorithm,
        wrappingKeySpec: r.wrapping_key_spec,
        privateKeyDer: r.private_key,
        publicKeyDer: r.public_key,
        validTo: r.valid_to,
      }));
      return { keys, aliases, params };
    },
    saveKey: (key) => saveKey(key),
    deleteKey: (keyId) => deleteKey(keyId),
    saveAlias: (a: AliasRecord) => void q.upsertAlias.run(a.name, a.targetKeyId, a.created, a.updated),
    deleteAlias: (name) => void q.deleteAlias.run(name),
    saveParams: (p: ImportParams) =>
      void q.insertParams.run(
        p.tokenId,
        p.keyId,
        p.algorithm,
        p.wrappingKeySpec,
        p.privateKeyDer,
        p.publicKeyDer,
        p.validTo,
      ),
    deleteParams: (tokenId) => void q.deleteParams.run(tokenId),
    close: () => db.close(),
  };
}

import { Buffer } from 'node:buffer';
import type Database from 'better-sqlite3';
import { openSqlite } from '../sqlite/open-sqlite.js';
import { KeyriteError } from '../../src-shared/errors.js';
import type { KeyRecord, MaterialRecord } from './key-record.js';
import type { AliasRecord, GrantRecord, ImportParams, Persister } from './state-types.js';

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
  // One emulator serves every region: a key is identified by region and key id (multi-Region keys
  // share the id), aliases are unique per region. Version-1 files held one region; each key record
  // already names it, and aliases and parameters take the region of their key.
  `CREATE TABLE keys_v2 (region TEXT NOT NULL, key_id TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (region, key_id));
   INSERT INTO keys_v2 (region, key_id, record) SELECT json_extract(record, '$.region'), key_id, record FROM keys;
   CREATE TABLE materials_v2 (region TEXT NOT NULL, key_id TEXT NOT NULL, material_id TEXT NOT NULL, meta TEXT NOT NULL,
     bytes BLOB, PRIMARY KEY (region, key_id, material_id));
   INSERT INTO materials_v2 (region, key_id, material_id, meta, bytes)
     SELECT k.region, m.key_id, m.material_id, m.meta, m.bytes FROM materials m JOIN keys_v2 k ON k.key_id = m.key_id;
   CREATE TABLE aliases_v2 (region TEXT NOT NULL, name TEXT NOT NULL, target_key_id TEXT NOT NULL, created REAL NOT NULL,
     updated REAL NOT NULL, PRIMARY KEY (region, name));
   INSERT INTO aliases_v2 (region, name, target_key_id, created, updated)
     SELECT k.region, a.name, a.target_key_id, a.created, a.updated FROM aliases a JOIN keys_v2 k ON k.key_id = a.target_key_id;
   CREATE TABLE import_params_v2 (token_id TEXT PRIMARY KEY, region TEXT NOT NULL, key_id TEXT NOT NULL,
     algorithm TEXT NOT NULL, wrapping_key_spec TEXT NOT NULL, private_key BLOB NOT NULL, public_key BLOB NOT NULL,
     valid_to REAL NOT NULL);
   INSERT INTO import_params_v2 (token_id, region, key_id, algorithm, wrapping_key_spec, private_key, public_key, valid_to)
     SELECT p.token_id, k.region, p.key_id, p.algorithm, p.wrapping_key_spec, p.private_key, p.public_key, p.valid_to
     FROM import_params p JOIN keys_v2 k ON k.key_id = p.key_id;
   DROP TABLE keys; DROP TABLE materials; DROP TABLE aliases; DROP TABLE import_params;
   ALTER TABLE keys_v2 RENAME TO keys; ALTER TABLE materials_v2 RENAME TO materials;
   ALTER TABLE aliases_v2 RENAME TO aliases; ALTER TABLE import_params_v2 RENAME TO import_params;`,
  // Grants (CreateGrant) belong to a key in a region; the record is JSON (principals, operations,
  // constraints, token digests: nothing secret).
  `CREATE TABLE grants (region TEXT NOT NULL, grant_id TEXT NOT NULL, key_id TEXT NOT NULL, record TEXT NOT NULL,
     PRIMARY KEY (region, grant_id));`,
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
    keys: db.prepare('SELECT region, key_id, record FROM keys'),
    materials: db.prepare('SELECT meta, bytes FROM materials WHERE region = ? AND key_id = ?'),
    aliases: db.prepare('SELECT region, name, target_key_id, created, updated FROM aliases'),
    params: db.prepare('SELECT * FROM import_params'),
    upsertKey: db.prepare(
      'INSERT INTO keys (region, key_id, record) VALUES (?, ?, ?) ON CONFLICT(region, key_id) DO UPDATE SET record = excluded.record',
    ),
    clearMaterials: db.prepare('DELETE FROM materials WHERE region = ? AND key_id = ?'),
    insertMaterial: db.prepare(
      'INSERT INTO materials (region, key_id, material_id, meta, bytes) VALUES (?, ?, ?, ?, ?)',
    ),
    deleteKey: db.prepare('DELETE FROM keys WHERE region = ? AND key_id = ?'),
    upsertAlias: db.prepare(
      'INSERT INTO aliases (region, name, target_key_id, created, updated) VALUES (?, ?, ?, ?, ?) ON CONFLICT(region, name) DO UPDATE SET target_key_id = excluded.target_key_id, updated = excluded.updated',
    ),
    deleteAlias: db.prepare('DELETE FROM aliases WHERE region = ? AND name = ?'),
    insertParams: db.prepare(
      'INSERT OR REPLACE INTO import_params (token_id, region, key_id, algorithm, wrapping_key_spec, private_key, public_key, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    deleteParams: db.prepare('DELETE FROM import_params WHERE token_id = ?'),
    grants: db.prepare('SELECT record FROM grants'),
    upsertGrant: db.prepare(
      'INSERT INTO grants (region, grant_id, key_id, record) VALUES (?, ?, ?, ?) ON CONFLICT(region, grant_id) DO UPDATE SET record = excluded.record',
    ),
    deleteGrant: db.prepare('DELETE FROM grants WHERE region = ? AND grant_id = ?'),
  };

  const saveKey = db.transaction((key: KeyRecord) => {
    const { materials, ...rest } = key;
    q.upsertKey.run(key.region, key.keyId, JSON.stringify(rest));
    q.clearMaterials.run(key.region, key.keyId);
    for (const m of materials) {
      const { bytes, ...meta } = m;
      q.insertMaterial.run(key.region, key.keyId, m.id, JSON.stringify(meta), bytes);
    }
  });
  const deleteKey = db.transaction((region: string, keyId: string) => {
    q.clearMaterials.run(region, keyId);
    q.deleteKey.run(region, keyId);
  });

  return {
    load() {
      const keys: KeyRecord[] = [];
      for (const row of q.keys.all() as { region: string; key_id: string; record: string }[]) {
        const rest = JSON.parse(row.record) as Omit<KeyRecord, 'materials'>;
        const materials: MaterialRecord[] = [];
        for (const mr of q.materials.all(row.region, row.key_id) as {
          meta: string;
          bytes: Buffer | null;
        }[]) {
          materials.push({ ...(JSON.parse(mr.meta) as MaterialMeta), bytes: copyOut(mr.bytes) });
          mr.bytes?.fill(0);
        }
        keys.push({ ...rest, materials });
      }
      const aliases = (
        q.aliases.all() as {
          region: string;
          name: string;
          target_key_id: string;
          created: number;
          updated: number;
        }[]
      ).map((r) => ({
        region: r.region,
        name: r.name,
        targetKeyId: r.target_key_id,
        created: r.created,
        updated: r.updated,
      }));
      const params = (
        q.params.all() as {
          token_id: string;
          region: string;
          key_id: string;
          algorithm: ImportParams['algorithm'];
          wrapping_key_spec: ImportParams['wrappingKeySpec'];
          private_key: Buffer;
          public_key: Buffer;
          valid_to: number;
        }[]
      ).map((r) => ({
        tokenId: r.token_id,
        region: r.region,
        keyId: r.key_id,
        algorithm: r.algorithm,
        wrappingKeySpec: r.wrapping_key_spec,
        privateKeyDer: r.private_key,
        publicKeyDer: r.public_key,
        validTo: r.valid_to,
      }));
      const grants = (q.grants.all() as { record: string }[]).map((r) => JSON.parse(r.record) as GrantRecord);
      return { keys, aliases, params, grants };
    },
    saveKey: (key) => saveKey(key),
    deleteKey: (region, keyId) => deleteKey(region, keyId),
    saveAlias: (a: AliasRecord) =>
      void q.upsertAlias.run(a.region, a.name, a.targetKeyId, a.created, a.updated),
    deleteAlias: (region, name) => void q.deleteAlias.run(region, name),
    saveParams: (p: ImportParams) =>
      void q.insertParams.run(
        p.tokenId,
        p.region,
        p.keyId,
        p.algorithm,
        p.wrappingKeySpec,
        p.privateKeyDer,
        p.publicKeyDer,
        p.validTo,
      ),
    deleteParams: (tokenId) => void q.deleteParams.run(tokenId),
    saveGrant: (g: GrantRecord) => void q.upsertGrant.run(g.region, g.grantId, g.keyId, JSON.stringify(g)),
    deleteGrant: (region, grantId) => void q.deleteGrant.run(region, grantId),
    close: () => db.close(),
  };
}

import { type KeyObject, generateKeyPairSync, sign } from 'node:crypto';
import Database from 'better-sqlite3';
import { canonicalString } from '../../../../src-shared/audit/canonical-json.js';
import { checkpointDigest } from '../../../../src-shared/audit/checkpoint.js';
import { publicKeyToBase64, stationIdOf } from '../../../../src-shared/audit/keys.js';
import { CompactRange } from '../../../../src-shared/audit/merkle.js';
import { type RecordBody, computeRecordHash, recordLeafHash } from '../../../../src-shared/audit/record.js';

/**
 * An attacker with write access to a copied ceremony directory and a tool of their own: appends
 * well-formed records (correct hashes, valid schemas) with plain SQL, bypassing every check the store
 * makes, under the station id of their choice, and can sign checkpoints with a key they hold.
 */
export class Forger {
  readonly db: Database.Database;
  readonly tree = new CompactRange();
  last: { seq: number; time: string; hash: string };

  constructor(file: string) {
    this.db = new Database(file);
    const hashes = this.db.prepare('SELECT hash FROM records ORDER BY seq').pluck().all() as string[];
    for (const h of hashes) this.tree.append(recordLeafHash(h));
    this.last = this.db.prepare('SELECT seq, time, hash FROM records ORDER BY seq DESC LIMIT 1').get() as {
      seq: number;
      time: string;
      hash: string;
    };
  }

  static freshStation(): { privateKey: KeyObject; publicKey: string; stationId: string } {
    const pair = generateKeyPairSync('ed25519');
    const publicKey = publicKeyToBase64(pair.publicKey);
    return { privateKey: pair.privateKey, publicKey, stationId: stationIdOf(publicKey) };
  }

  append(
    stationId: string,
    ceremonyId: string,
    actor: string,
    type: string,
    payload: Record<string, unknown>,
  ) {
    const body: RecordBody = {
      seq: this.last.seq + 1,
      time: this.last.time,
      ceremonyId,
      stationId,
      actor,
      type,
      payload,
      prevHash: this.last.hash,
    };
    const hash = computeRecordHash(body);
    this.db
      .prepare(
        'INSERT INTO records (seq, time, ceremony_id, station_id, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        body.seq,
        body.time,
        ceremonyId,
        stationId,
        actor,
        type,
        canonicalString(payload),
        body.prevHash,
        hash,
      );
    this.tree.append(recordLeafHash(hash));
    this.last = { seq: body.seq, time: body.time, hash };
  }

  /** A checkpoint over everything so far, signed by `station`, with its audit.checkpoint record. */
  checkpoint(station: { privateKey: KeyObject; publicKey: string; stationId: string }, ceremonyId: string) {
    const body = {
      version: 1 as const,
      ceremonyId,
      stationId: station.stationId,
      treeSize: this.tree.size,
      rootHash: this.tree.root().toString('hex'),
      time: this.last.time,
    };
    const cp = {
      ...body,
      stationPublicKey: station.publicKey,
      stationSignature: sign(null, checkpointDigest(body), station.privateKey).toString('base64'),
      cosignatures: [],
    };
    this.db
      .prepare('INSERT INTO checkpoints (tree_size, body) VALUES (?, ?)')
      .run(cp.treeSize, canonicalString(cp));
    this.append(station.stationId, ceremonyId, 'station', 'audit.checkpoint', {
      treeSize: cp.treeSize,
      rootHash: cp.rootHash,
      time: cp.time,
      stationSignature: cp.stationSignature,
      cosigners: [],
    });
  }

  close(): void {
    this.db.close();
  }
}

/** Opens a copy as an attacker would: drop the append-only triggers, change rows, put the triggers back. */
export function asAttacker(db: string, change: (h: Database.Database) => void): void {
  const h = new Database(db);
  h.pragma('foreign_keys = OFF');
  const triggers = h.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as Array<{
    name: string;
    sql: string;
  }>;
  for (const t of triggers) h.exec(`DROP TRIGGER ${t.name}`);
  change(h);
  for (const t of triggers) h.exec(t.sql);
  h.pragma('wal_checkpoint(TRUNCATE)');
  h.close();
}

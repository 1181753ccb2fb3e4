// Rewrites a copy of a station's log as someone holding its station key could: keeps the records up
// to a point, appends what the forger chooses and seals it with a checkpoint signed by the real key,
// so the forged log verifies on its own and only the join with the other station's log can catch it.
import { copyFileSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { publicKeyToBase64, stationIdOf } from '../../../../src-shared/audit/keys.js';
import type { StationKey } from '../../../../src-main/audit/station-key.js';
import { Forger } from '../../audit/harness/forger.js';

/** Copies `db` (with its WAL) to `to`, keeping records 1..keep and the checkpoints they cover. */
export function forkLog(db: string, to: string, keep: number): void {
  for (const ext of ['', '-wal', '-shm']) if (existsSync(db + ext)) copyFileSync(db + ext, to + ext);
  const d = new Database(to);
  const triggers = d
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL")
    .pluck()
    .all() as string[];
  const names = d.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[];
  for (const n of names) d.exec(`DROP TRIGGER "${n}"`);
  d.prepare('DELETE FROM checkpoints WHERE tree_size > ?').run(keep);
  d.prepare('DELETE FROM records WHERE seq > ?').run(keep);
  for (const t of triggers) d.exec(t);
  d.pragma('wal_checkpoint(TRUNCATE)');
  d.close();
}

/** Appends records under the station's own id and seals them with a checkpoint signed by its key. */
export function forgeTail(
  db: string,
  key: StationKey,
  records: { type: string; payload: Record<string, unknown> }[],
): void {
  const publicKey = publicKeyToBase64(key.publicKey);
  const station = { privateKey: key.privateKey, publicKey, stationId: stationIdOf(publicKey) };
  const f = new Forger(db);
  const ceremonyId = f.db.prepare('SELECT ceremony_id FROM records WHERE seq = 2').pluck().get() as string;
  for (const r of records) f.append(station.stationId, ceremonyId, 'station', r.type, r.payload);
  f.checkpoint(station, ceremonyId);
  f.close();
}

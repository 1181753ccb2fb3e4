import type Database from 'better-sqlite3';
import { decodeCanonical } from '../../src-shared/audit/canonical-json.js';
import type { AuditRecord } from '../../src-shared/audit/record.js';

/** A records row exactly as stored. */
export interface RecordRow {
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

/** A row as a record, or why it cannot be one (a stored payload must be canonical JSON of an object). */
export function rowToRecord(row: RecordRow): AuditRecord | { seq: number; problem: string } {
  let payload: unknown;
  try {
    payload = decodeCanonical(row.payload);
  } catch (e) {
    return { seq: row.seq, problem: `payload is not canonical JSON (${(e as Error).message})` };
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return { seq: row.seq, problem: 'payload is not a JSON object' };
  return {
    seq: row.seq,
    time: row.time,
    ceremonyId: row.ceremony_id,
    stationId: row.station_id,
    actor: row.actor,
    type: row.type,
    payload: payload as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function readCheckpointRows(
  rows: Array<{ id: number; tree_size: number; body: string }>,
): Array<{ id: number; checkpoint: unknown } | { id: number; problem: string }> {
  return rows.map((r) => {
    try {
      const cp = decodeCanonical(r.body) as { treeSize?: unknown } | null;
      if (cp === null || typeof cp !== 'object' || cp.treeSize !== r.tree_size)
        return { id: r.id, problem: 'checkpoint body does not match its tree size column' };
      return { id: r.id, checkpoint: cp };
    } catch (e) {
      return { id: r.id, problem: `checkpoint body is not canonical JSON (${(e as Error).message})` };
    }
  });
}

/** Streams the records table in sequence order (seq is the rowid), one row at a time. */
export function iterateRows(db: Database.Database): IterableIterator<RecordRow> {
  return db
    .prepare(
      'SELECT seq, time, ceremony_id, station_id, actor, type, payload, prev_hash, hash FROM records ORDER BY seq',
    )
    .iterate() as IterableIterator<RecordRow>;
}

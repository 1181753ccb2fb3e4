import type Database from 'better-sqlite3';
import { decodeCanonical } from '../../src-shared/audit/canonical-json.js';
import type { AuditRecord } from '../../src-shared/audit/record.js';
import {
  MAX_CHECKPOINT_BYTES,
  MAX_FIELD_BYTES,
  MAX_PAYLOAD_BYTES,
} from '../../src-shared/audit/record-limits.js';

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

/**
 * A row as iterateRows reads it: the stored sizes, and a column's text only when it is within its
 * limit (record-limits.ts), so an oversized record is rejected without being loaded.
 */
export interface SizedRecordRow extends RecordRow {
  payload_bytes: number;
  field_bytes: number;
}

const bytes = (n: number): string => n.toLocaleString('en-US');

function sizeProblem(row: SizedRecordRow): string | undefined {
  if (row.payload_bytes > MAX_PAYLOAD_BYTES)
    return `the record is ${bytes(row.payload_bytes)} bytes, over the ${bytes(MAX_PAYLOAD_BYTES)}-byte limit of a record payload (not read)`;
  if (row.field_bytes > MAX_FIELD_BYTES)
    return `a column of the record is ${bytes(row.field_bytes)} bytes, over the ${bytes(MAX_FIELD_BYTES)}-byte limit (not read)`;
  return undefined;
}

/** A row read by iterateRows as a record, or why it cannot be one: over a size limit, or as rowToRecord. */
export function sizedRowToRecord(row: SizedRecordRow): AuditRecord | { seq: number; problem: string } {
  const tooLarge = sizeProblem(row);
  return tooLarge ? { seq: row.seq, problem: tooLarge } : rowToRecord(row);
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
  rows: Array<{ id: number; tree_size: number; body: string | null }>,
): Array<{ id: number; checkpoint: unknown } | { id: number; problem: string }> {
  return rows.map((r) => {
    if (r.body === null)
      return {
        id: r.id,
        problem: `checkpoint body is over the ${bytes(MAX_CHECKPOINT_BYTES)}-byte limit (not read)`,
      };
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

const FIELDS = ['time', 'ceremony_id', 'station_id', 'actor', 'type', 'prev_hash', 'hash'] as const;

/**
 * Streams the records table in sequence order (seq is the rowid), one row at a time. octet_length()
 * reads a column's size from the record header without loading it, so a column over its limit is
 * returned as NULL and never enters memory.
 */
export function iterateRows(db: Database.Database): IterableIterator<SizedRecordRow> {
  const sized = (c: string, max: number) => `CASE WHEN octet_length(${c}) <= ${max} THEN ${c} END AS ${c}`;
  const sql = [
    'SELECT seq',
    ...FIELDS.map((c) => sized(c, MAX_FIELD_BYTES)),
    sized('payload', MAX_PAYLOAD_BYTES),
    'coalesce(octet_length(payload), 0) AS payload_bytes',
    `coalesce(max(${FIELDS.map((c) => `coalesce(octet_length(${c}), 0)`).join(', ')}), 0) AS field_bytes`,
  ].join(', ');
  return db.prepare(`${sql} FROM records ORDER BY seq`).iterate() as IterableIterator<SizedRecordRow>;
}

/**
 * The checkpoints table as stored, each body only when within its limit (NULL, never loaded, when
 * over it). A database at schema version 1 predates the table: no rows.
 */
export function storedCheckpointRows(
  db: Database.Database,
): Array<{ id: number; tree_size: number; body: string | null }> {
  const hasTable =
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'checkpoints'").get() !==
    undefined;
  if (!hasTable) return [];
  return db
    .prepare(
      `SELECT id, tree_size, CASE WHEN octet_length(body) <= ${MAX_CHECKPOINT_BYTES} THEN body END AS body FROM checkpoints ORDER BY id`,
    )
    .all() as Array<{ id: number; tree_size: number; body: string | null }>;
}

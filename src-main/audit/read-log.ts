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

/** The sizes of a stored row over a limit, read from the record header without loading its text. */
interface RowSizes {
  seq: number;
  payload_bytes: number;
  field_bytes: number;
}

const bytes = (n: number): string => n.toLocaleString('en-US');

function sizeProblem(row: RowSizes): string {
  if (row.payload_bytes > MAX_PAYLOAD_BYTES)
    return `the record is ${bytes(row.payload_bytes)} bytes, over the ${bytes(MAX_PAYLOAD_BYTES)}-byte limit of a record payload (not read)`;
  return `a column of the record is ${bytes(row.field_bytes)} bytes, over the ${bytes(MAX_FIELD_BYTES)}-byte limit (not read)`;
}

/** A row as a record, or why it cannot be one (a stored payload must be canonical JSON of an object). */
export function rowToRecord(row: RecordRow): AuditRecord | { seq: number; problem: string } {
  return toRecord([
    row.seq,
    row.time,
    row.ceremony_id,
    row.station_id,
    row.actor,
    row.type,
    row.payload,
    row.prev_hash,
    row.hash,
  ]);
}

function toRecord(row: RawRow): AuditRecord | { seq: number; problem: string } {
  const [seq, time, ceremonyId, stationId, actor, type, payloadText, prevHash, hash] = row;
  let payload: unknown;
  try {
    payload = decodeCanonical(payloadText);
  } catch (e) {
    return { seq, problem: `payload is not canonical JSON (${(e as Error).message})` };
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return { seq, problem: 'payload is not a JSON object' };
  return {
    seq,
    time,
    ceremonyId,
    stationId,
    actor,
    type,
    payload: payload as Record<string, unknown>,
    prevHash,
    hash,
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
type RawRow = [number, string, string, string, string, string, string, string, string];

/**
 * The first row with a column over its limit (record-limits.ts), found by one scan inside SQLite:
 * octet_length() reads a column's size from the record header, so nothing oversized enters memory.
 */
function firstOversizedRow(db: Database.Database, range?: [number, number]): RowSizes | undefined {
  const over = [
    `octet_length(payload) > ${MAX_PAYLOAD_BYTES}`,
    ...FIELDS.map((c) => `octet_length(${c}) > ${MAX_FIELD_BYTES}`),
  ].join(' OR ');
  const sql =
    `SELECT seq, coalesce(octet_length(payload), 0) AS payload_bytes, ` +
    `coalesce(max(${FIELDS.map((c) => `coalesce(octet_length(${c}), 0)`).join(', ')}), 0) AS field_bytes ` +
    `FROM records WHERE ${range ? 'seq >= ? AND seq < ? AND ' : ''}(${over}) ORDER BY seq LIMIT 1`;
  return db.prepare(sql).get(...(range ?? [])) as RowSizes | undefined;
}

/**
 * Reads the records table in sequence order (seq is the rowid), one row at a time, calling `each` with
 * the record and its stored payload text (proven canonical) until `each` answers true. Answers the row
 * that stopped the reading, if one did: a column over its size limit (found first by
 * firstOversizedRow, so it is never loaded, and rows before it are read as plain columns) or a payload
 * rowToRecord refuses. Rows come as arrays (`raw`), not objects: verifying a million records reads a
 * million rows.
 */
export function readStoredRecords(
  db: Database.Database,
  each: (r: AuditRecord, payloadText: string) => boolean | undefined,
): { seq: number; problem: string } | undefined {
  const oversized = firstOversizedRow(db);
  const stopped = readRows(db, undefined, oversized?.seq ?? Number.MAX_SAFE_INTEGER, each);
  if (stopped !== false) return stopped;
  return oversized ? { seq: oversized.seq, problem: sizeProblem(oversized) } : undefined;
}

/**
 * readStoredRecords over the rows with from <= seq < to, for a segment worker (verify-parallel.ts): a
 * row over its size limit in the range is answered first, unread.
 */
export function readRecordRange(
  db: Database.Database,
  from: number,
  to: number,
  each: (r: AuditRecord, payloadText: string) => boolean | undefined,
): { seq: number; problem: string } | undefined {
  const oversized = firstOversizedRow(db, [from, to]);
  if (oversized) return { seq: oversized.seq, problem: sizeProblem(oversized) };
  const stopped = readRows(db, from, to, each);
  return stopped === false ? undefined : stopped;
}

/**
 * Rows with from <= seq < to (no lower bound without `from`) in order: false when all were read, else
 * the problem that stopped the reading, or undefined when `each` did.
 */
function readRows(
  db: Database.Database,
  from: number | undefined,
  to: number,
  each: (r: AuditRecord, payloadText: string) => boolean | undefined,
): { seq: number; problem: string } | undefined | false {
  const rows = db
    .prepare(
      `SELECT seq, ${FIELDS.slice(0, 5).join(', ')}, payload, prev_hash, hash FROM records ` +
        `WHERE ${from === undefined ? '' : 'seq >= ? AND '}seq < ? ORDER BY seq`,
    )
    .raw()
    .iterate(...(from === undefined ? [to] : [from, to])) as IterableIterator<RawRow>;
  for (const row of rows) {
    const r = toRecord(row);
    if ('problem' in r) {
      rows.return?.();
      return r;
    }
    if (each(r, row[6]) === true) {
      rows.return?.();
      return undefined;
    }
  }
  return false;
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

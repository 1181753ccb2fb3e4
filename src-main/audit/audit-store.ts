import type Database from 'better-sqlite3';
import { KeyriteError } from '../../src-shared/errors.js';
import { canonicalString } from '../../src-shared/audit/canonical-json.js';
import type { Cosignature, SignedCheckpoint } from '../../src-shared/audit/checkpoint.js';
import { HASH_HEX, ZERO_HASH } from '../../src-shared/audit/hashing.js';
import { publicKeyToBase64, stationIdOf } from '../../src-shared/audit/keys.js';
import {
  type AuditRecord,
  type RecordBody,
  TIME_FORMAT,
  checkedRecordDigest,
  computeRecordHash,
} from '../../src-shared/audit/record.js';
import { type AppendInput, STATION_ACTOR, invalidRecord, validateAppend } from './append-validation.js';
import { checkpointWriter } from './checkpoint-writer.js';
import { cosignatureLookups } from './cosignature-lookups.js';
import { openAuditDatabase } from './database.js';
import { onDisk } from '../media/disk-fault.js';
import { type RecordRow, rowToRecord } from './read-log.js';
import { stationDeclaration } from './station-declaration.js';
import { type StationKey, ephemeralStationKey } from './station-key.js';
import { StoreTree } from './store-tree.js';

export { type AppendInput, STATION_ACTOR } from './append-validation.js';

export interface RecordFilter {
  ceremonyId?: string;
  type?: string;
  fromSeq?: number;
  limit?: number;
}

export interface AuditHead {
  seq: number;
  hash: string;
  treeSize: number;
  rootHash: string;
}

/** The newest record's place in the chain. */
interface Head {
  seq: number;
  time: string;
  hash: string;
}

export interface AuditStore {
  append(e: AppendInput): AuditRecord;
  intent(e: AppendInput & { effect: string }): AuditRecord;
  outcome(intentSeq: number, e: { ok: boolean; payload: Record<string, unknown> }): AuditRecord;
  openIntents(ceremonyId?: string): AuditRecord[];
  checkpoint(opts: { ceremonyId: string; cosign?: (digest: Buffer) => Cosignature[] }): SignedCheckpoint;
  checkpoints(): SignedCheckpoint[];
  records(filter?: RecordFilter): AuditRecord[];
  head(): AuditHead;
  stationPublicKey(): string;
  stationId(): string;
  close(): void;
}

/**
 * Opens the audit log at `dbPath`. Every append is validated (schema, secret guard), hashed onto the chain
 * and committed with synchronous=FULL before it returns, so an acknowledged record is on disk. The station
 * key comes unsealed from the front end (station-key.ts); its public key is recorded in the log the first
 * time this station writes to it, and a log written by another station is refused unless that station's
 * key (`previousStationKey`) introduces this one.
 */
export function openAuditStore(
  dbPath: string,
  opts: { stationKey?: StationKey | undefined; clock?: () => Date; previousStationKey?: StationKey } = {},
): AuditStore {
  const clock = opts.clock ?? (() => new Date());
  // No key given: one that lives only in this process (nothing to steal from the disk; no reopening).
  const key = opts.stationKey ?? ephemeralStationKey();
  const publicKey = publicKeyToBase64(key.publicKey);
  const stationId = stationIdOf(publicKey);
  const db: Database.Database = openAuditDatabase(dbPath);

  const insert = db.prepare(
    'INSERT INTO records (seq, time, ceremony_id, station_id, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const last = db.prepare('SELECT seq, time, hash FROM records ORDER BY seq DESC LIMIT 1');
  const allHashes = db.prepare('SELECT hash FROM records ORDER BY seq').pluck();
  const bySeq = db.prepare('SELECT * FROM records WHERE seq = ?');
  const currentStation = db
    .prepare("SELECT station_id FROM records WHERE type = 'station.key' ORDER BY seq DESC LIMIT 1")
    .pluck();
  const outcomeOf = db
    .prepare(
      "SELECT 1 FROM records WHERE type = 'outcome' AND json_extract(payload, '$.intentSeq') = ? LIMIT 1",
    )
    .pluck();
  const openIntentRows = db.prepare(
    `SELECT r.* FROM records r WHERE r.type = 'intent' AND (? IS NULL OR r.ceremony_id = ?)
       AND NOT EXISTS (SELECT 1 FROM records o WHERE o.type = 'outcome' AND json_extract(o.payload, '$.intentSeq') = r.seq)
     ORDER BY r.seq`,
  );
  const filtered = db.prepare(
    `SELECT * FROM records WHERE (? IS NULL OR ceremony_id = ?) AND (? IS NULL OR type = ?) AND seq >= ?
     ORDER BY seq LIMIT ?`,
  );
  const lookups = cosignatureLookups(db);

  // The tree is rebuilt from the stored hashes once per open; appends extend it in memory.
  const tree = new StoreTree();
  for (const h of allHashes.iterate() as IterableIterator<string>) tree.append(h);
  // The newest record, kept as this process committed it rather than read back before every append.
  // Another writer's record takes the seq this process would write next, so SQLite refuses that
  // insert (its primary key) and the append says why.
  let head = last.get() as Head | undefined;
  const committed = (rec: AuditRecord): void => {
    head = { seq: rec.seq, time: rec.time, hash: rec.hash };
    tree.append(rec.hash);
  };
  const concurrentWriter = (): KeyriteError =>
    new KeyriteError(
      'AUDIT_CONCURRENT_WRITER',
      'the audit log changed under this process',
      'only one Keyrite process may write a ceremony log; close the other one',
    );

  const toRecord = (row: RecordRow): AuditRecord => {
    const r = rowToRecord(row);
    if ('problem' in r)
      throw new KeyriteError(
        'AUDIT_LOG_DAMAGED',
        `audit record ${row.seq} cannot be read: ${r.problem}`,
        'run keyrite audit verify on the database',
      );
    return r;
  };

  /** `payloadText`: the payload's canonical text, when validateAppend already encoded it. */
  const appendInTx = db.transaction((e: AppendInput, payloadText?: string): AuditRecord => {
    const prev = head;
    let time = clock().toISOString();
    // A clock that steps back must not make the log look reordered; the record keeps the last time seen.
    if (prev && time < prev.time) time = prev.time;
    const body: RecordBody = {
      seq: (prev?.seq ?? 0) + 1,
      time,
      ceremonyId: e.ceremonyId,
      stationId,
      actor: e.actor,
      type: e.type,
      payload: e.payload,
      prevHash: prev?.hash ?? ZERO_HASH,
    };
    const text = payloadText ?? canonicalString(body.payload);
    // The fields the store made itself are spliced into the hashed text as they are when they have the
    // formats the verifier checks (the same bytes: record.ts); a clock past year 9999 or a stored hash
    // that is not hex takes the encoder.
    const hash =
      TIME_FORMAT.test(time) && HASH_HEX.test(body.prevHash)
        ? checkedRecordDigest(body, text).toString('hex')
        : computeRecordHash(body, text);
    try {
      insert.run(
        body.seq,
        body.time,
        body.ceremonyId,
        body.stationId,
        body.actor,
        body.type,
        text,
        body.prevHash,
        hash,
      );
    } catch (err) {
      if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw concurrentWriter();
      throw err;
    }
    return { ...body, hash };
  });

  function append(e: AppendInput): AuditRecord {
    const payloadText = validateAppend(e);
    if (e.type === 'audit.cosignature') {
      const problem = lookups.cosignatureRefusal(e);
      if (problem) throw invalidRecord(`co-signature refused: ${problem}`);
    }
    // A full or failing disk rolls the append back whole: said as what happened to which disk.
    const rec = onDisk(dbPath, () => appendInTx.immediate(e, payloadText));
    committed(rec);
    return rec;
  }

  try {
    const declaration = stationDeclaration({
      dbPath,
      currentStationId: currentStation.get() as string | undefined,
      headHash: head?.hash ?? ZERO_HASH,
      key,
      previous: opts.previousStationKey,
    });
    if (declaration)
      append({ ceremonyId: '', actor: STATION_ACTOR, type: 'station.key', payload: declaration });
  } catch (e) {
    db.close();
    throw e;
  }

  const checkpoints = checkpointWriter({
    db,
    tree,
    clock,
    stationId,
    publicKey,
    key,
    lastRecord: () => last.get() as { seq: number; time: string } | undefined,
    appendInTx,
    committed,
    enrolledKeyOf: lookups.enrolledKeyOf,
  });

  const store: AuditStore = {
    append,
    intent(e) {
      return append({
        ceremonyId: e.ceremonyId,
        actor: e.actor,
        type: 'intent',
        payload: { action: e.type, effect: e.effect, details: e.payload },
      });
    },
    outcome(intentSeq, e) {
      const row = bySeq.get(intentSeq) as RecordRow | undefined;
      if (!row || row.type !== 'intent') throw invalidRecord(`record ${intentSeq} is not an intent`);
      if (outcomeOf.get(intentSeq)) throw invalidRecord(`intent ${intentSeq} already has an outcome`);
      const intent = toRecord(row);
      return append({
        ceremonyId: intent.ceremonyId,
        actor: intent.actor,
        type: 'outcome',
        payload: { intentSeq, action: intent.payload['action'], ok: e.ok, details: e.payload },
      });
    },
    openIntents(ceremonyId) {
      const c = ceremonyId ?? null;
      return (openIntentRows.all(c, c) as RecordRow[]).map(toRecord);
    },
    checkpoint: (opts) => onDisk(dbPath, () => checkpoints.checkpoint(opts)),
    checkpoints: checkpoints.checkpoints,
    records(filter = {}) {
      const c = filter.ceremonyId ?? null;
      const t = filter.type ?? null;
      return (filtered.all(c, c, t, t, filter.fromSeq ?? 1, filter.limit ?? -1) as RecordRow[]).map(toRecord);
    },
    head() {
      const prev = last.get() as { seq: number; hash: string } | undefined;
      return {
        seq: prev?.seq ?? 0,
        hash: prev?.hash ?? ZERO_HASH,
        treeSize: tree.size,
        rootHash: tree.root().toString('hex'),
      };
    },
    stationPublicKey: () => publicKey,
    stationId: () => stationId,
    close() {
      if (db.open) db.close();
    },
  };
  return store;
}

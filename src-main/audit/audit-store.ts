import { sign } from 'node:crypto';
import type Database from 'better-sqlite3';
import { KeyriteError } from '../../src-shared/errors.js';
import { canonicalString } from '../../src-shared/audit/canonical-json.js';
import { MAX_PAYLOAD_BYTES } from '../../src-shared/audit/record-limits.js';
import {
  type Cosignature,
  type SignedCheckpoint,
  checkpointDigest,
  checkpointProblem,
} from '../../src-shared/audit/checkpoint.js';
import { ZERO_HASH } from '../../src-shared/audit/hashing.js';
import { publicKeyToBase64, stationIdOf } from '../../src-shared/audit/keys.js';
import { CompactRange } from '../../src-shared/audit/merkle.js';
import { payloadProblem, payloadSchemas } from '../../src-shared/audit/payload-schemas.js';
import { cosignatureProblem, cosignerProblem } from '../../src-shared/audit/cosignature-rule.js';
import {
  type AuditRecord,
  type RecordBody,
  computeRecordHash,
  recordLeafHash,
} from '../../src-shared/audit/record.js';
import { findSecretLookingField } from '../../src-shared/audit/secret-guard.js';
import { openAuditDatabase } from './database.js';
import { type RecordRow, readCheckpointRows, rowToRecord } from './read-log.js';
import { stationDeclaration } from './station-declaration.js';
import { type StationKey, ephemeralStationKey } from './station-key.js';

export interface AppendInput {
  ceremonyId: string;
  actor: string;
  type: string;
  payload: Record<string, unknown>;
}

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

export const STATION_ACTOR = 'station';

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
  const enrolledKey = db
    .prepare(
      "SELECT json_extract(payload, '$.publicKey') FROM records WHERE type = 'participant.enrolled' AND json_extract(payload, '$.name') = ? ORDER BY seq DESC LIMIT 1",
    )
    .pluck();
  const enrolledKeyOf = (signer: string): string | undefined => {
    const k: unknown = enrolledKey.get(signer);
    return typeof k === 'string' ? k : undefined;
  };
  const insertCheckpoint = db.prepare('INSERT INTO checkpoints (tree_size, body) VALUES (?, ?)');
  const checkpointRows = db.prepare('SELECT id, tree_size, body FROM checkpoints ORDER BY id');
  const checkpointAt = db.prepare('SELECT id, tree_size, body FROM checkpoints WHERE tree_size = ?');

  // The tree is rebuilt from the stored hashes once per open; appends extend it in memory.
  const tree = new CompactRange();
  for (const h of allHashes.iterate() as IterableIterator<string>) tree.append(recordLeafHash(h));

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

  const appendInTx = db.transaction((e: AppendInput): AuditRecord => {
    const prev = last.get() as { seq: number; time: string; hash: string } | undefined;
    if ((prev?.seq ?? 0) !== tree.size) {
      throw new KeyriteError(
        'AUDIT_CONCURRENT_WRITER',
        'the audit log changed under this process',
        'only one Keyrite process may write a ceremony log; close the other one',
      );
    }
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
    const hash = computeRecordHash(body);
    insert.run(
      body.seq,
      body.time,
      body.ceremonyId,
      body.stationId,
      body.actor,
      body.type,
      canonicalString(body.payload),
      body.prevHash,
      hash,
    );
    return { ...body, hash };
  });

  function validate(e: AppendInput): void {
    if (typeof e.ceremonyId !== 'string' || e.ceremonyId.length > 200)
      throw invalid('ceremony id must be a string of at most 200 characters');
    if (typeof e.actor !== 'string' || e.actor.length === 0 || e.actor.length > 200)
      throw invalid('actor must be a non-empty string of at most 200 characters');
    const schema = payloadProblem(e.type, e.payload);
    if (schema) throw invalid(schema);
    const secret = findSecretLookingField(e.payload);
    if (secret) {
      throw new KeyriteError(
        'AUDIT_SECRET_REFUSED',
        `refused to log ${secret}: it looks like secret material`,
        'log a KCV, fingerprint or digest instead; never key material, shares or passphrases',
      );
    }
    // A record the verifier would reject for its size is refused here, before it is written.
    const size = Buffer.byteLength(canonicalString(e.payload), 'utf8');
    if (size > MAX_PAYLOAD_BYTES)
      throw invalid(`payload is ${size} bytes, over the ${MAX_PAYLOAD_BYTES}-byte limit of a record`);
  }

  const cosignedBy = db
    .prepare(
      "SELECT 1 FROM records WHERE type = 'audit.cosignature' AND ceremony_id = ? AND json_extract(payload, '$.treeSize') = ? AND json_extract(payload, '$.signer') = ? LIMIT 1",
    )
    .pluck();

  /** A co-signature that verification would reject later is refused now, while the custodian is present. */
  function cosignatureRefusal(e: AppendInput): string | undefined {
    const claim = payloadSchemas['audit.cosignature'].safeParse(e.payload);
    if (!claim.success) return 'the payload is malformed'; // validate() refuses it first
    const at = (size: number): SignedCheckpoint[] =>
      readCheckpointRows(checkpointAt.all(size) as Array<{ id: number; tree_size: number; body: string }>)
        .map((c) => ('problem' in c ? undefined : (c.checkpoint as SignedCheckpoint)))
        .filter((c) => c !== undefined);
    return cosignatureProblem(e.ceremonyId, claim.data, {
      // This ceremony's checkpoint where two ceremonies checkpointed the same tree.
      checkpoint: (size, root) =>
        at(size)
          .filter((c) => c.rootHash === root)
          .sort((a, b) => Number(b.ceremonyId === e.ceremonyId) - Number(a.ceremonyId === e.ceremonyId))[0],
      enrolledKey: enrolledKeyOf,
      alreadyCosigned: (size, signer) => cosignedBy.get(e.ceremonyId, size, signer) !== undefined,
    });
  }

  function append(e: AppendInput): AuditRecord {
    validate(e);
    if (e.type === 'audit.cosignature') {
      const problem = cosignatureRefusal(e);
      if (problem) throw invalid(`co-signature refused: ${problem}`);
    }
    const rec = appendInTx.immediate(e);
    tree.append(recordLeafHash(rec.hash));
    return rec;
  }

  try {
    const declaration = stationDeclaration({
      dbPath,
      currentStationId: currentStation.get() as string | undefined,
      headHash: (last.get() as { hash: string } | undefined)?.hash ?? ZERO_HASH,
      key,
      previous: opts.previousStationKey,
    });
    if (declaration)
      append({ ceremonyId: '', actor: STATION_ACTOR, type: 'station.key', payload: declaration });
  } catch (e) {
    db.close();
    throw e;
  }

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
      if (!row || row.type !== 'intent') throw invalid(`record ${intentSeq} is not an intent`);
      if (outcomeOf.get(intentSeq)) throw invalid(`intent ${intentSeq} already has an outcome`);
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
    checkpoint({ ceremonyId, cosign }) {
      const size = tree.size;
      const prevTime = (last.get() as { time: string } | undefined)?.time ?? '';
      let time = clock().toISOString();
      if (time < prevTime) time = prevTime;
      const body = {
        version: 1 as const,
        ceremonyId,
        stationId,
        treeSize: size,
        rootHash: tree.root().toString('hex'),
        time,
      };
      const digest = checkpointDigest(body);
      const cosignatures = cosign ? cosign(Buffer.from(digest)) : [];
      const cp: SignedCheckpoint = {
        ...body,
        stationPublicKey: publicKey,
        stationSignature: sign(null, digest, key.privateKey).toString('base64'),
        cosignatures,
      };
      // A checkpoint that would fail verification later is refused now, while the custodians are present.
      const problem = checkpointProblem(cp);
      if (problem) throw invalid(problem);
      for (const co of cosignatures) {
        const who = cosignerProblem(co.signer, co.publicKey, enrolledKeyOf(co.signer));
        if (who) throw invalid(`checkpoint co-signature refused: ${who}`);
      }
      const payload = {
        treeSize: size,
        rootHash: cp.rootHash,
        time,
        stationSignature: cp.stationSignature,
        cosigners: cosignatures.map((c) => c.signer),
      };
      validate({ ceremonyId, actor: STATION_ACTOR, type: 'audit.checkpoint', payload });
      db.transaction(() => {
        if (((last.get() as { seq: number } | undefined)?.seq ?? 0) !== size) {
          throw new KeyriteError(
            'AUDIT_CONCURRENT_WRITER',
            'the audit log changed under this process',
            'only one Keyrite process may write a ceremony log',
          );
        }
        insertCheckpoint.run(size, canonicalString(cp));
        const rec = appendInTx({ ceremonyId, actor: STATION_ACTOR, type: 'audit.checkpoint', payload });
        tree.append(recordLeafHash(rec.hash));
      }).immediate();
      return cp;
    },
    checkpoints() {
      return readCheckpointRows(
        checkpointRows.all() as Array<{ id: number; tree_size: number; body: string }>,
      ).map((c) => {
        if ('problem' in c)
          throw new KeyriteError(
            'AUDIT_LOG_DAMAGED',
            `checkpoint ${c.id} cannot be read: ${c.problem}`,
            'run keyrite audit verify on the database',
          );
        return c.checkpoint as SignedCheckpoint;
      });
    },
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

function invalid(message: string): KeyriteError {
  return new KeyriteError(
    'AUDIT_RECORD_INVALID',
    `audit record refused: ${message}`,
    'this is a bug in the caller; the log was not changed',
  );
}

import { sign } from 'node:crypto';
import type Database from 'better-sqlite3';
import { KeyriteError } from '../../src-shared/errors.js';
import { canonicalString } from '../../src-shared/audit/canonical-json.js';
import {
  type Cosignature,
  type SignedCheckpoint,
  checkpointDigest,
  checkpointProblem,
} from '../../src-shared/audit/checkpoint.js';
import { cosignerProblem } from '../../src-shared/audit/cosignature-rule.js';
import type { AuditRecord } from '../../src-shared/audit/record.js';
import { type AppendInput, STATION_ACTOR, invalidRecord, validateAppend } from './append-validation.js';
import { readCheckpointRows } from './read-log.js';
import type { StationKey } from './station-key.js';
import type { StoreTree } from './store-tree.js';

export interface CheckpointWriterDeps {
  db: Database.Database;
  /** The store's in-memory Merkle tree over every committed record (read here, extended by `committed`). */
  tree: StoreTree;
  clock: () => Date;
  stationId: string;
  publicKey: string;
  key: StationKey;
  /** The newest record, read inside the caller's transaction. */
  lastRecord(): { seq: number; time: string } | undefined;
  /** The store's append, without validation, for use inside a transaction. */
  appendInTx(e: AppendInput): AuditRecord;
  /** Tells the store a record it wrote is committed: its head and tree take it. */
  committed(rec: AuditRecord): void;
  enrolledKeyOf(signer: string): string | undefined;
}

export interface CheckpointWriter {
  checkpoint(opts: { ceremonyId: string; cosign?: (digest: Buffer) => Cosignature[] }): SignedCheckpoint;
  checkpoints(): SignedCheckpoint[];
}

/**
 * Station-signed checkpoints of the log (tree size, Merkle root, time), co-signed by the custodians
 * present. A checkpoint is stored in its own table and announced by an `audit.checkpoint` record, in
 * one transaction, so the log never holds one without the other.
 */
export function checkpointWriter(d: CheckpointWriterDeps): CheckpointWriter {
  const insertCheckpoint = d.db.prepare('INSERT INTO checkpoints (tree_size, body) VALUES (?, ?)');
  const checkpointRows = d.db.prepare('SELECT id, tree_size, body FROM checkpoints ORDER BY id');

  return {
    checkpoint({ ceremonyId, cosign }) {
      const size = d.tree.size;
      const prevTime = d.lastRecord()?.time ?? '';
      let time = d.clock().toISOString();
      if (time < prevTime) time = prevTime;
      const body = {
        version: 1 as const,
        ceremonyId,
        stationId: d.stationId,
        treeSize: size,
        rootHash: d.tree.root().toString('hex'),
        time,
      };
      const digest = checkpointDigest(body);
      const cosignatures = cosign ? cosign(Buffer.from(digest)) : [];
      const cp: SignedCheckpoint = {
        ...body,
        stationPublicKey: d.publicKey,
        stationSignature: sign(null, digest, d.key.privateKey).toString('base64'),
        cosignatures,
      };
      // A checkpoint that would fail verification later is refused now, while the custodians are present.
      const problem = checkpointProblem(cp);
      if (problem) throw invalidRecord(problem);
      for (const co of cosignatures) {
        const who = cosignerProblem(co.signer, co.publicKey, d.enrolledKeyOf(co.signer));
        if (who) throw invalidRecord(`checkpoint co-signature refused: ${who}`);
      }
      const payload = {
        treeSize: size,
        rootHash: cp.rootHash,
        time,
        stationSignature: cp.stationSignature,
        cosigners: cosignatures.map((c) => c.signer),
      };
      validateAppend({ ceremonyId, actor: STATION_ACTOR, type: 'audit.checkpoint', payload });
      // The in-memory tree takes the record only once SQLite committed it: a commit that fails (a full
      // disk often shows at commit in WAL mode) rolls the record back, and the tree must not keep it.
      const rec = d.db
        .transaction(() => {
          if ((d.lastRecord()?.seq ?? 0) !== size) {
            throw new KeyriteError(
              'AUDIT_CONCURRENT_WRITER',
              'the audit log changed under this process',
              'only one Keyrite process may write a ceremony log',
            );
          }
          insertCheckpoint.run(size, canonicalString(cp));
          return d.appendInTx({ ceremonyId, actor: STATION_ACTOR, type: 'audit.checkpoint', payload });
        })
        .immediate();
      d.committed(rec);
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
  };
}

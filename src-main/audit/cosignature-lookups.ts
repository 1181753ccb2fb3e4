import type Database from 'better-sqlite3';
import type { SignedCheckpoint } from '../../src-shared/audit/checkpoint.js';
import { cosignatureProblem } from '../../src-shared/audit/cosignature-rule.js';
import { payloadSchemas } from '../../src-shared/audit/payload-schemas.js';
import type { AppendInput } from './append-validation.js';
import { readCheckpointRows } from './read-log.js';

export interface CosignatureLookups {
  /** The Ed25519 public key a participant enrolled under this name (the newest enrollment), if any. */
  enrolledKeyOf(signer: string): string | undefined;
  /** Why an `audit.cosignature` record would fail verification, or undefined if it would pass. */
  cosignatureRefusal(e: AppendInput): string | undefined;
}

/**
 * The store's side of the one co-signature rule (`src-shared/audit/cosignature-rule.ts`): the rule
 * asks for checkpoints, enrolled keys and earlier co-signatures, and these answer from SQLite (the
 * verifier answers the same questions from what it has read).
 */
export function cosignatureLookups(db: Database.Database): CosignatureLookups {
  const enrolledKey = db
    .prepare(
      "SELECT json_extract(payload, '$.publicKey') FROM records WHERE type = 'participant.enrolled' AND json_extract(payload, '$.name') = ? ORDER BY seq DESC LIMIT 1",
    )
    .pluck();
  const checkpointAt = db.prepare('SELECT id, tree_size, body FROM checkpoints WHERE tree_size = ?');
  const cosignedBy = db
    .prepare(
      "SELECT 1 FROM records WHERE type = 'audit.cosignature' AND ceremony_id = ? AND json_extract(payload, '$.treeSize') = ? AND json_extract(payload, '$.signer') = ? LIMIT 1",
    )
    .pluck();

  const enrolledKeyOf = (signer: string): string | undefined => {
    const k: unknown = enrolledKey.get(signer);
    return typeof k === 'string' ? k : undefined;
  };

  /** A co-signature that verification would reject later is refused now, while the custodian is present. */
  function cosignatureRefusal(e: AppendInput): string | undefined {
    const claim = payloadSchemas['audit.cosignature'].safeParse(e.payload);
    if (!claim.success) return 'the payload is malformed'; // validateAppend() refuses it first
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

  return { enrolledKeyOf, cosignatureRefusal };
}

import { type SignedCheckpoint, checkpointDigest } from './checkpoint.js';
import { verifyEd25519 } from './keys.js';

/** What an `audit.cosignature` record claims: this signer, with this key, signed that checkpoint. */
export interface CosignatureClaim {
  treeSize: number;
  rootHash: string;
  signer: string;
  publicKey: string;
  signature: string;
}

/**
 * What the rule needs from the log. The store answers from SQLite before it writes the record; the
 * verifier answers from what it has read so far. Only the answers differ, never the rule.
 */
export interface CosignatureLog {
  /** The checkpoint recorded in the log at this tree size with this root, if there is one. */
  checkpoint(treeSize: number, rootHash: string): SignedCheckpoint | undefined;
  /** The key the signer enrolled with, if the signer enrolled one. */
  enrolledKey(signer: string): string | undefined;
  /** Whether the signer already co-signed the checkpoint at this tree size. */
  alreadyCosigned(treeSize: number, signer: string): boolean;
}

/**
 * Whether a co-signer is the participant the log enrolled: the one check for co-signatures embedded in
 * a checkpoint and for co-signatures recorded after it. Answers the problem, or undefined.
 */
export function cosignerProblem(
  signer: string,
  publicKey: string,
  enrolledKey: string | undefined,
): string | undefined {
  if (enrolledKey === undefined) return `${signer} is not enrolled with a key in the log`;
  if (enrolledKey !== publicKey) return `${signer} signed with a key other than the enrolled one`;
  return undefined;
}

/**
 * The one rule for a custodian's co-signature of an earlier checkpoint, used by the audit store when it
 * writes the record (refused while the custodian is present) and by the verifier when it reads it:
 * the checkpoint is recorded and belongs to this ceremony, the signer enrolled this key, has not
 * co-signed it before, and the signature verifies over the checkpoint's digest.
 */
export function cosignatureProblem(
  ceremonyId: string,
  c: CosignatureClaim,
  log: CosignatureLog,
): string | undefined {
  const cp = log.checkpoint(c.treeSize, c.rootHash);
  if (!cp)
    return `names no checkpoint recorded earlier in the log at tree size ${c.treeSize} with root ${c.rootHash}`;
  if (cp.ceremonyId !== ceremonyId) return `names a checkpoint of another ceremony (${cp.ceremonyId})`;
  const who = cosignerProblem(c.signer, c.publicKey, log.enrolledKey(c.signer));
  if (who) return `signer ${who}`;
  if (log.alreadyCosigned(c.treeSize, c.signer))
    return `${c.signer} already co-signed the checkpoint at tree size ${c.treeSize}`;
  if (!verifyEd25519(c.publicKey, checkpointDigest(cp), c.signature))
    return `signature of ${c.signer} does not verify over the digest of the checkpoint at tree size ${c.treeSize}`;
  return undefined;
}

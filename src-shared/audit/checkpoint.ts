import { z } from 'zod';
import { canonicalString } from './canonical-json.js';
import { CHECKPOINT_DOMAIN, HASH_HEX, sha256 } from './hashing.js';
import { stationIdOf, verifyEd25519 } from './keys.js';
import { TIME_FORMAT } from './record.js';

/**
 * A signed checkpoint: the station's statement "the log had `treeSize` records with Merkle root `rootHash`
 * at `time`", signed by the station's Ed25519 key and co-signed by the custodians who confirmed the step.
 * Every signature is over the 32-byte digest (see `checkpointDigest`), so a custodian's device needs to
 * see only that digest.
 */
export interface Cosignature {
  signer: string;
  publicKey: string;
  signature: string;
}

export interface SignedCheckpoint {
  version: 1;
  ceremonyId: string;
  stationId: string;
  treeSize: number;
  rootHash: string;
  time: string;
  stationPublicKey: string;
  stationSignature: string;
  cosignatures: Cosignature[];
}

export type CheckpointBody = Pick<
  SignedCheckpoint,
  'version' | 'ceremonyId' | 'stationId' | 'treeSize' | 'rootHash' | 'time'
>;

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/);

export const signedCheckpointSchema = z.strictObject({
  version: z.literal(1),
  ceremonyId: z.string().max(200),
  stationId: z.string().regex(/^[0-9a-f]{32}$/),
  treeSize: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  rootHash: z.string().regex(HASH_HEX),
  time: z.string().regex(TIME_FORMAT),
  stationPublicKey: base64,
  stationSignature: base64,
  cosignatures: z.array(
    z.strictObject({ signer: z.string().min(1).max(200), publicKey: base64, signature: base64 }),
  ),
});

/** SHA-256(domain tag || canonical JSON of the body): what the station and the custodians sign. */
export function checkpointDigest(body: CheckpointBody): Buffer {
  const text = canonicalString({
    version: body.version,
    ceremonyId: body.ceremonyId,
    stationId: body.stationId,
    treeSize: body.treeSize,
    rootHash: body.rootHash,
    time: body.time,
  });
  return sha256(CHECKPOINT_DOMAIN, Buffer.from(text, 'utf8'));
}

/** Checks shape and every signature; answers the first problem found, or undefined when all is well. */
export function checkpointProblem(cp: unknown): string | undefined {
  const parsed = signedCheckpointSchema.safeParse(cp);
  if (!parsed.success)
    return `checkpoint is malformed (${parsed.error.issues[0]?.path.join('.') ?? '?'}: ${parsed.error.issues[0]?.message ?? ''})`;
  const c = parsed.data;
  if (stationIdOf(c.stationPublicKey) !== c.stationId)
    return 'checkpoint station id does not match its public key';
  const digest = checkpointDigest(c);
  if (!verifyEd25519(c.stationPublicKey, digest, c.stationSignature))
    return 'checkpoint station signature is invalid';
  const seen = new Set<string>();
  for (const co of c.cosignatures) {
    if (seen.has(co.signer)) return `checkpoint is co-signed twice by ${co.signer}`;
    seen.add(co.signer);
    if (!verifyEd25519(co.publicKey, digest, co.signature)) return `co-signature of ${co.signer} is invalid`;
  }
  return undefined;
}

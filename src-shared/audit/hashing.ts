import { hash } from 'node:crypto';

/**
 * SHA-256 over the concatenation of the parts. The one-shot crypto.hash is about twice as fast as
 * createHash for the small inputs a Merkle tree hashes, and verification hashes millions of them.
 */
export function sha256(...parts: Buffer[]): Buffer {
  return hash('sha256', parts.length === 1 ? parts[0]! : Buffer.concat(parts), 'buffer');
}

export const HASH_HEX = /^[0-9a-f]{64}$/;

/** The predecessor of record 1. */
export const ZERO_HASH = '0'.repeat(64);

/**
 * Domain separation: a record hash, a checkpoint digest and a Merkle node can never be confused for one
 * another even if their bytes happened to coincide.
 */
export const RECORD_DOMAIN = Buffer.from('keyrite/audit/record/v1\n', 'utf8');
export const CHECKPOINT_DOMAIN = Buffer.from('keyrite/audit/checkpoint/v1\n', 'utf8');

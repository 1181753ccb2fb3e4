import { hash } from 'node:crypto';
import { encodeCanonical } from './canonical-json.js';

/**
 * SHA-256 over the concatenation of the parts. The one-shot crypto.hash is about twice as fast as
 * createHash for the small inputs a Merkle tree hashes, and verification hashes millions of them.
 */
export function sha256(...parts: Buffer[]): Buffer {
  return hash('sha256', parts.length === 1 ? parts[0]! : Buffer.concat(parts), 'buffer');
}

/** SHA-256 over the UTF-8 encoding of `text`, encoded inside the hash call (no intermediate Buffer). */
export function sha256Text(text: string): Buffer {
  return hash('sha256', text, 'buffer');
}

export const HASH_HEX = /^[0-9a-f]{64}$/;

/** The predecessor of record 1. */
export const ZERO_HASH = '0'.repeat(64);

/**
 * Domain separation: a record hash, a checkpoint digest, a plan digest, a confirmation request and a
 * Merkle node can never be confused for one another even if their bytes happened to coincide. Each
 * domain names its version; a new rule gets a new domain, and the old one stays readable.
 */
export const RECORD_DOMAIN = Buffer.from('keyrite/audit/record/v1\n', 'utf8');
/** RECORD_DOMAIN as text (it is ASCII), for hashing a record's text in one call. */
export const RECORD_DOMAIN_TEXT = RECORD_DOMAIN.toString('utf8');
export const CHECKPOINT_DOMAIN = Buffer.from('keyrite/audit/checkpoint/v1\n', 'utf8');
export const PLAN_DOMAIN = Buffer.from('keyrite/plan/v2\n', 'utf8');
export const CONFIRMATION_DOMAIN = Buffer.from('keyrite/confirmation/v2\n', 'utf8');

/** SHA-256(domain || canonical JSON of the value), in hex: how every Keyrite digest of a value is taken. */
export function domainDigest(domain: Buffer, value: unknown): string {
  return sha256(domain, encodeCanonical(value)).toString('hex');
}

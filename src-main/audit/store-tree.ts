import { CompactRange } from '../../src-shared/audit/merkle.js';
import { recordLeafHash } from '../../src-shared/audit/record.js';

/** Leaves waiting to be hashed into the tree; bounds the memory a long run of appends holds. */
const MOST_PENDING = 1024;

/**
 * The store's Merkle tree over every record it holds. An append only notes the record's hash: its leaf
 * and the nodes above it are hashed when a root is asked for (a checkpoint, the head) or once 1,024
 * are waiting. Hashing them together, away from the commit, costs less than one at a time between
 * fsyncs (the durable commit leaves the CPU's caches cold), and nothing but a root reads the tree.
 */
export class StoreTree {
  readonly #tree = new CompactRange();
  readonly #pending: string[] = [];

  /** How many records the tree holds, hashed or waiting. */
  get size(): number {
    return this.#tree.size + this.#pending.length;
  }

  /** Notes a committed record by its hash (hex); only committed records may be noted. */
  append(recordHash: string): void {
    this.#pending.push(recordHash);
    if (this.#pending.length >= MOST_PENDING) this.#fold();
  }

  root(): Buffer {
    this.#fold();
    return this.#tree.root();
  }

  #fold(): void {
    for (const h of this.#pending) this.#tree.append(recordLeafHash(h));
    this.#pending.length = 0;
  }
}

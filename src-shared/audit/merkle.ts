import { sha256 } from './hashing.js';

/*
 * RFC 9162 §2.1 Merkle tree: MTH({}) = SHA-256(), leaf = SHA-256(0x00 || d), node = SHA-256(0x01 || l || r),
 * split at the largest power of two smaller than n. Proof generation and verification follow §2.1.3
 * and §2.1.4 literally; the verifier functions take hashes, so an auditor needs no record content.
 */
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export const EMPTY_ROOT = sha256();

/*
 * Verification hashes two or three small inputs per record, so the common shapes (a 32-byte digest as a
 * leaf, two 32-byte children as a node) are laid out in one reused buffer instead of a fresh
 * Buffer.concat each time. Hashing is synchronous, so nothing else can use the buffer meanwhile.
 */
const DIGEST_BYTES = 32;
const leafScratch = Buffer.alloc(1 + DIGEST_BYTES, 0x00);
const nodeScratch = Buffer.alloc(1 + 2 * DIGEST_BYTES, 0x01);

export function leafHash(data: Buffer): Buffer {
  if (data.length !== DIGEST_BYTES) return sha256(LEAF_PREFIX, data);
  data.copy(leafScratch, 1);
  return sha256(leafScratch);
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  if (left.length !== DIGEST_BYTES || right.length !== DIGEST_BYTES) return sha256(NODE_PREFIX, left, right);
  left.copy(nodeScratch, 1);
  right.copy(nodeScratch, 1 + DIGEST_BYTES);
  return sha256(nodeScratch);
}

/** Largest power of two strictly smaller than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over already-hashed leaves [from, to). */
function subtreeRoot(leaves: readonly Buffer[], from: number, to: number): Buffer {
  const n = to - from;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[from]!;
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(leaves, from, from + k), subtreeRoot(leaves, from + k, to));
}

/** Root of the tree over the first `size` leaf hashes (all of them by default). */
export function rootOf(leafHashes: readonly Buffer[], size = leafHashes.length): Buffer {
  if (size > leafHashes.length || size < 0) throw new RangeError('tree size out of range');
  return subtreeRoot(leafHashes, 0, size);
}

/**
 * Root of a growing tree in O(log n) memory: the stack holds the roots of the perfect subtrees that
 * make up the tree so far (largest first), so verification of a million records never holds them all.
 */
export class CompactRange {
  private readonly stack: Buffer[] = [];
  private readonly heights: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  append(leaf: Buffer): void {
    let h = leaf;
    let height = 0;
    while (this.heights.length > 0 && this.heights[this.heights.length - 1] === height) {
      h = nodeHash(this.stack.pop()!, h);
      this.heights.pop();
      height += 1;
    }
    this.stack.push(h);
    this.heights.push(height);
    this.count += 1;
  }

  /**
   * The perfect subtrees making up the tree, largest first, with their heights: what a worker that
   * verified a range of leaves hands back, to be continued by appendSubtree elsewhere.
   */
  frontier(): Array<{ hash: Buffer; height: number }> {
    return this.stack.map((hash, i) => ({ hash, height: this.heights[i]! }));
  }

  /**
   * Appends a perfect subtree of 2^height leaves as one step: the tree of this range's leaves followed
   * by that subtree's. Only where the subtree is aligned (the size a multiple of 2^height), which is
   * what makes the two trees' shapes agree (RFC 9162 splits at powers of two).
   */
  appendSubtree(hash: Buffer, height: number): void {
    const leaves = 2 ** height;
    if (!Number.isSafeInteger(leaves) || this.count % leaves !== 0)
      throw new RangeError('a subtree is appended only at a multiple of its size');
    let h = hash;
    let at = height;
    while (this.heights.length > 0 && this.heights[this.heights.length - 1] === at) {
      h = nodeHash(this.stack.pop()!, h);
      this.heights.pop();
      at += 1;
    }
    this.stack.push(h);
    this.heights.push(at);
    this.count += leaves;
  }

  copy(): CompactRange {
    const c = new CompactRange();
    c.stack.push(...this.stack);
    c.heights.push(...this.heights);
    c.count = this.count;
    return c;
  }

  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let h = this.stack[this.stack.length - 1]!;
    for (let i = this.stack.length - 2; i >= 0; i--) h = nodeHash(this.stack[i]!, h);
    return h;
  }
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]) over leaf hashes. */
export function inclusionProof(
  leafHashes: readonly Buffer[],
  index: number,
  size = leafHashes.length,
): Buffer[] {
  if (!(index >= 0 && index < size && size <= leafHashes.length))
    throw new RangeError('leaf index out of range');
  const path = (m: number, from: number, to: number): Buffer[] => {
    const n = to - from;
    if (n <= 1) return [];
    const k = splitPoint(n);
    return m < k
      ? [...path(m, from, from + k), subtreeRoot(leafHashes, from + k, to)]
      : [...path(m - k, from + k, to), subtreeRoot(leafHashes, from, from + k)];
  };
  return path(index, 0, size);
}

/** RFC 9162 §2.1.3.2: does `proof` show leaf `leaf` at `index` in the tree of `size` with `root`? */
export function verifyInclusion(
  leaf: Buffer,
  index: number,
  size: number,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size))
    return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]): proves the tree of size m is a prefix of the tree of size n. */
export function consistencyProof(leafHashes: readonly Buffer[], m: number, n = leafHashes.length): Buffer[] {
  if (!(m >= 0 && m <= n && n <= leafHashes.length)) throw new RangeError('tree sizes out of range');
  if (m === 0 || m === n) return [];
  const subproof = (mm: number, from: number, to: number, complete: boolean): Buffer[] => {
    const nn = to - from;
    if (mm === nn) return complete ? [] : [subtreeRoot(leafHashes, from, to)];
    const k = splitPoint(nn);
    return mm <= k
      ? [...subproof(mm, from, from + k, complete), subtreeRoot(leafHashes, from + k, to)]
      : [...subproof(mm - k, from + k, to, false), subtreeRoot(leafHashes, from, from + k)];
  };
  return subproof(m, 0, n, true);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (size1, root1) is a prefix of (size2, root2)? */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Buffer[],
  root1: Buffer,
  root2: Buffer,
): boolean {
  if (!(Number.isSafeInteger(size1) && Number.isSafeInteger(size2) && size1 >= 0 && size1 <= size2))
    return false;
  if (size1 === size2) return proof.length === 0 && root1.equals(root2);
  if (size1 === 0) return proof.length === 0;
  let path = [...proof];
  if (isPowerOfTwo(size1)) path = [root1, ...path];
  if (path.length === 0) return false;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(root1) && sr.equals(root2);
}

function isPowerOfTwo(n: number): boolean {
  // Arithmetic rather than bit operations: sizes may exceed 2^31.
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  CompactRange,
  EMPTY_ROOT,
  consistencyProof,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../../src-shared/audit/merkle.js';

const sha = (...b: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(b)).digest();

/** RFC 9162 §2.1.1 MTH written out independently, as the definition reads. */
function mth(data: Buffer[]): Buffer {
  if (data.length === 0) return sha();
  if (data.length === 1) return sha(Buffer.from([0]), data[0]!);
  let k = 1;
  while (k * 2 < data.length) k *= 2;
  return sha(Buffer.from([1]), mth(data.slice(0, k)), mth(data.slice(k)));
}

// The test inputs of the Certificate Transparency reference implementation (RFC 6962 merkle tests).
const CT_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((h) => Buffer.from(h, 'hex'));
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

void test('roots match the Certificate Transparency reference vectors', () => {
  const leaves = CT_LEAVES.map(leafHash);
  assert.equal(
    EMPTY_ROOT.toString('hex'),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
  CT_ROOTS.forEach((root, i) => assert.equal(rootOf(leaves, i + 1).toString('hex'), root, `size ${i + 1}`));
});

const leavesArb = fc.array(
  fc.uint8Array({ maxLength: 8 }).map((u) => Buffer.from(u)),
  { minLength: 1, maxLength: 70 },
);

void test('root and the compact range agree with the definition at every size', () => {
  fc.assert(
    fc.property(leavesArb, (data) => {
      const leaves = data.map(leafHash);
      const range = new CompactRange();
      assert.ok(range.root().equals(EMPTY_ROOT));
      data.forEach((_, i) => {
        range.append(leaves[i]!);
        const expect = mth(data.slice(0, i + 1));
        assert.ok(rootOf(leaves, i + 1).equals(expect));
        assert.ok(range.root().equals(expect));
      });
    }),
    { numRuns: 60 },
  );
});

void test('every inclusion proof verifies, and fails for another leaf, index, size or root', () => {
  fc.assert(
    fc.property(leavesArb, fc.nat(), fc.nat(), (data, a, b) => {
      const leaves = data.map(leafHash);
      const n = (a % data.length) + 1;
      const i = b % n;
      const root = rootOf(leaves, n);
      const proof = inclusionProof(leaves, i, n);
      assert.ok(verifyInclusion(leaves[i]!, i, n, proof, root));
      assert.equal(verifyInclusion(Buffer.alloc(32, 0xdd), i, n, proof, root), false);
      // Another index fails unless the sibling leaves happen to be equal (same bytes, same hash).
      if (n > 1 && new Set(leaves.slice(0, n).map((l) => l.toString('hex'))).size === n) {
        assert.equal(verifyInclusion(leaves[i]!, (i + 1) % n, n, proof, root), false);
      }
      assert.equal(verifyInclusion(leaves[i]!, i, n, proof, Buffer.alloc(32, 0xee)), false);
      if (proof.length > 0) {
        const bent = proof.map((p, j) => (j === 0 ? Buffer.from(p).fill(p[0]! ^ 1, 0, 1) : p));
        assert.equal(verifyInclusion(leaves[i]!, i, n, bent, root), false);
        assert.equal(verifyInclusion(leaves[i]!, i, n, proof.slice(1), root), false);
      }
    }),
    { numRuns: 200 },
  );
});

void test('every consistency proof verifies, and fails against a forked history', () => {
  fc.assert(
    fc.property(leavesArb, fc.nat(), fc.nat(), (data, a, b) => {
      const leaves = data.map(leafHash);
      const n = (a % data.length) + 1;
      const m = (b % n) + 1;
      const proof = consistencyProof(leaves, m, n);
      const r1 = rootOf(leaves, m);
      const r2 = rootOf(leaves, n);
      assert.ok(verifyConsistency(m, n, proof, r1, r2));
      // A fork: the same sizes, but one early leaf differs in the first tree.
      const forked = [...leaves];
      forked[0] = leafHash(Buffer.from('forked'));
      assert.equal(verifyConsistency(m, n, proof, rootOf(forked, m), r2), false);
      assert.equal(verifyConsistency(m, n, proof, r1, rootOf(forked, n)), false);
      if (proof.length > 0) assert.equal(verifyConsistency(m, n, proof.slice(1), r1, r2), false);
      if (m < n) assert.equal(verifyConsistency(n, m, proof, r2, r1), false);
    }),
    { numRuns: 200 },
  );
});

void test('proof requests outside the tree are refused', () => {
  const leaves = CT_LEAVES.map(leafHash);
  assert.throws(() => inclusionProof(leaves, 8, 8), RangeError);
  assert.throws(() => consistencyProof(leaves, 9, 8), RangeError);
  assert.equal(verifyInclusion(leaves[0]!, 0, 0, [], EMPTY_ROOT), false);
});

void test('a tree continued from aligned segments’ frontiers has the root of the whole, at every size', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 70 }), (log2, n) => {
      const segment = 2 ** log2;
      const data = Array.from({ length: n }, (_, i) => Buffer.from(`leaf ${i}`));
      const joined = new CompactRange();
      for (let from = 0; from < n; from += segment) {
        const part = new CompactRange();
        for (let i = from; i < Math.min(n, from + segment); i++) {
          part.append(leafHash(data[i]!));
          // The tree up to any size inside the segment: what a checkpoint there is checked against.
          const upTo = joined.copy();
          for (const f of part.frontier()) upTo.appendSubtree(f.hash, f.height);
          assert.equal(upTo.size, i + 1);
          assert.ok(upTo.root().equals(mth(data.slice(0, i + 1))), `size ${i + 1}, segment ${segment}`);
        }
        for (const f of part.frontier()) joined.appendSubtree(f.hash, f.height);
      }
      assert.ok(joined.root().equals(mth(data)));
    }),
    { numRuns: 60 },
  );
});

void test('a subtree is appended only where it is aligned', () => {
  const t = new CompactRange();
  t.append(leafHash(Buffer.from('a')));
  assert.throws(() => t.appendSubtree(leafHash(Buffer.from('b')), 1), RangeError);
});

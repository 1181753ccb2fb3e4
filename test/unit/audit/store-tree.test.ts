// The store's tree hashes leaves only when a root is asked for (or 1,024 wait): its roots must be the
// RFC 9162 roots of every record noted so far, however the asks fall against the folds.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { EMPTY_ROOT, rootOf } from '../../../src-shared/audit/merkle.js';
import { recordLeafHash } from '../../../src-shared/audit/record.js';
import { StoreTree } from '../../../src-main/audit/store-tree.js';

const recordHash = (i: number): string => createHash('sha256').update(`record ${i}`).digest('hex');

void test('the store tree answers the RFC 9162 root of every record noted, across folds', () => {
  const tree = new StoreTree();
  assert.deepEqual(tree.root(), EMPTY_ROOT);
  const leaves: Buffer[] = [];
  // Roots asked at uneven points: before, at and after the 1,024-leaf fold, and long runs without one.
  const askAt = new Set([1, 2, 3, 7, 8, 100, 1023, 1024, 1025, 2047, 2048, 2100, 3000]);
  for (let i = 1; i <= 3000; i++) {
    tree.append(recordHash(i));
    leaves.push(recordLeafHash(recordHash(i)));
    assert.equal(tree.size, i);
    if (askAt.has(i)) assert.deepEqual(tree.root(), rootOf(leaves), `root after ${i} records`);
  }
});

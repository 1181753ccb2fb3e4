// The KDF pool: never more derivations at once than its limit (each holds scrypt's working memory),
// every queued derivation runs, and its figures add up. Each test file runs in its own process, so the
// pool's figures start at zero here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KDF_CONCURRENCY, inKdfSlot, kdfStats } from '../../../src-main/secrets/kdf-pool.js';

void test('derivations beyond the limit wait for a slot, and every one runs once', async () => {
  let running = 0;
  let most = 0;
  const order: number[] = [];
  const releases: Array<() => void> = [];
  const n = KDF_CONCURRENCY + 3;
  const all = Array.from({ length: n }, (_, i) =>
    inKdfSlot(1000, async () => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running--;
      order.push(i);
      return i;
    }),
  );
  // Let the first batch start; only KDF_CONCURRENCY may have.
  await new Promise((r) => setImmediate(r));
  assert.equal(releases.length, KDF_CONCURRENCY);
  while (order.length < n) {
    const next = releases.shift();
    assert.ok(next, 'a derivation is stuck waiting for a slot');
    next();
    await new Promise((r) => setImmediate(r));
  }
  assert.deepEqual(await Promise.all(all), [...Array(n).keys()]);
  assert.equal(most, KDF_CONCURRENCY);
  const s = kdfStats();
  assert.equal(s.derivations, n);
  assert.equal(s.peakConcurrent, KDF_CONCURRENCY);
  assert.equal(s.peakBytes, 1000 * KDF_CONCURRENCY);
  assert.ok(s.waitSeconds > 0 && s.waitSeconds <= s.deriveSeconds + 1);
});

void test('a failed derivation frees its slot', async () => {
  const before = kdfStats().derivations;
  const fails = Array.from({ length: KDF_CONCURRENCY + 1 }, () =>
    inKdfSlot(1, () => Promise.reject(new Error('scrypt failed'))),
  );
  for (const f of fails) await assert.rejects(f, /scrypt failed/);
  assert.equal(await inKdfSlot(1, () => Promise.resolve('after')), 'after');
  assert.equal(kdfStats().derivations, before + KDF_CONCURRENCY + 2);
});

void test('the limit lets at least two run (a person types while the previous key is derived)', () => {
  assert.ok(KDF_CONCURRENCY >= 2 && KDF_CONCURRENCY <= 3);
});

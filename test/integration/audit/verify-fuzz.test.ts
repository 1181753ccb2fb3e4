// Bounded, seeded fuzzing of `audit verify` over damaged files: random bytes anywhere in a real log's
// SQLite file (headers, b-tree pages, free space, the records), runs of zeros, truncation and junk
// appended. Whatever the damage, verification answers — intact, tampered (with the first bad record)
// or a KeyriteError with a code and a hint — and never throws anything else or hangs. A change that
// SQLite's own page checks miss but that alters a record must be reported as tampering. `npm test`
// runs a few dozen files; `npm run test:faults` (KEYRITE_FAULTS=long) many more. Every fifth file is
// also verified in small segments on worker threads, which must give the same answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import { verifyDatabase, verifyDatabaseParallel } from '../../../src-main/audit/verify-database.js';
import { freshLog, tempDir } from './harness/fixture.js';
import { seeded } from '../kms/harness/fault-proxy.js';

const CASES = process.env['KEYRITE_FAULTS'] === 'long' ? 600 : 40;

type Damage = (bytes: Buffer, next: () => number) => { bytes: Buffer; what: string };

const DAMAGES: Damage[] = [
  (b, next) => {
    const out = Buffer.from(b);
    const n = 1 + Math.floor(next() * 8);
    const at: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = Math.floor(next() * out.length);
      out[p] = out[p]! ^ (1 + Math.floor(next() * 255));
      at.push(p);
    }
    return { bytes: out, what: `bytes ${at.join(',')} flipped` };
  },
  (b, next) => {
    const out = Buffer.from(b);
    const from = Math.floor(next() * out.length);
    const len = Math.min(out.length - from, 1 + Math.floor(next() * 4096));
    out.fill(0, from, from + len);
    return { bytes: out, what: `${len} zero bytes at ${from}` };
  },
  (b, next) => {
    const len = Math.floor(next() * b.length);
    return { bytes: b.subarray(0, len), what: `truncated to ${len} bytes` };
  },
  (b, next) => {
    const junk = Buffer.alloc(1 + Math.floor(next() * 8192));
    for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(next() * 256);
    return { bytes: Buffer.concat([b, junk]), what: `${junk.length} junk bytes appended` };
  },
  (b, next) => {
    // A whole page (4096 bytes) replaced by another page of the same file: structurally plausible.
    const pages = Math.floor(b.length / 4096);
    const out = Buffer.from(b);
    const to = 1 + Math.floor(next() * (pages - 1));
    const from = Math.floor(next() * pages);
    b.copy(out, to * 4096, from * 4096, from * 4096 + 4096);
    return { bytes: out, what: `page ${to} replaced by page ${from}` };
  },
];

void test(`audit verify over ${CASES} seeded damaged files: an answer or a KeyriteError, nothing else`, async (t) => {
  const dir = tempDir(t);
  const { db } = freshLog(dir, 120);
  const original = readFileSync(db);
  const intact = verifyDatabase(db);
  assert.equal(intact.result.ok, true);
  const next = seeded(17_05);
  const rssBefore = process.memoryUsage().rss;
  const outcomes = { intact: 0, tampered: 0, refused: 0 };
  for (let i = 0; i < CASES; i++) {
    const damage = DAMAGES[i % DAMAGES.length]!;
    const { bytes, what } = damage(original, next);
    const file = path.join(dir, `case-${i}.db`);
    writeFileSync(file, bytes);
    let r: ReturnType<typeof verifyDatabase>;
    // Every fifth file also through the worker path, in segments of 16 records: the same answer.
    const parallel =
      i % 5 === 0
        ? await verifyDatabaseParallel(file, undefined, undefined, 'quick', { segmentRecords: 16 }).catch(
            (e: unknown) => e,
          )
        : undefined;
    try {
      r = verifyDatabase(file);
    } catch (e) {
      assert.ok(e instanceof KeyriteError, `case ${i} (${what}): threw ${String(e)}`);
      assert.ok(e.code.length > 0 && e.hint.length > 0, `case ${i}: ${e.code} without a hint`);
      if (i % 5 === 0)
        assert.equal((parallel as KeyriteError).code, e.code, `case ${i} (${what}) on workers`);
      outcomes.refused += 1;
      continue;
    }
    if (i % 5 === 0) {
      const { parallel: how, ...answer } = parallel as ReturnType<typeof verifyDatabase>;
      assert.deepEqual(answer, r, `case ${i} (${what}) on workers`);
      if (r.result.ok) assert.ok(how, `case ${i}: an intact log was verified on workers`);
    }
    if (r.result.ok) {
      // Accepted: then every record the damage touched must read back exactly as before.
      assert.equal(r.result.rootHash, intact.result.ok ? intact.result.rootHash : '', `case ${i} (${what})`);
      outcomes.intact += 1;
    } else {
      assert.ok(r.result.reason.length > 0, `case ${i}: a failure without a reason`);
      outcomes.tampered += 1;
    }
  }
  // Bounded memory: the whole campaign stays within a small multiple of one log's size.
  const grown = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  assert.ok(grown < 256, `memory grew by ${grown.toFixed(0)} MiB over the campaign`);
  t.diagnostic(`intact ${outcomes.intact}, tampered ${outcomes.tampered}, refused ${outcomes.refused}`);
  assert.ok(outcomes.tampered + outcomes.refused > 0, 'the damage was noticed at least once');
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openAuditStore } from '../../../src-main/audit/audit-store.js';
import { MAX_PAYLOAD_BYTES } from '../../../src-shared/audit/record-limits.js';
import { isolatedEnv, LAUNCHER } from '../cli/harness/launcher.js';
import { cli, freshLog, stationKeyAt, tempDir } from './harness/fixture.js';

/*
 * Issue 12 (low): a hostile log with one enormous record made `audit verify` allocate 1.34 GB for a
 * 200 MiB payload. A record over the documented limit (docs/FORMAT.md) is now rejected by its stored size,
 * without being read, and named.
 */

/** Appends a record with a payload of `bytes` bytes, generated inside SQLite (never in this process). */
function appendHugeRecord(db: string, bytes: number): number {
  const d = new Database(db);
  try {
    const last = d
      .prepare('SELECT seq, time, station_id, hash FROM records ORDER BY seq DESC LIMIT 1')
      .get() as {
      seq: number;
      time: string;
      station_id: string;
      hash: string;
    };
    d.prepare(
      `INSERT INTO records (seq, time, ceremony_id, station_id, actor, type, payload, prev_hash, hash)
       VALUES (?, ?, 'cer-1', ?, 'wendy', 'witness.exception', '{"text":"' || printf('%.*c', ?, 'a') || '"}', ?, ?)`,
    ).run(last.seq + 1, last.time, last.station_id, bytes - 11, last.hash, '0'.repeat(64));
    return last.seq + 1;
  } finally {
    d.close();
  }
}

/** Runs the real CLI and reports its peak resident memory (KiB), as the kernel counted it. */
function keyriteWithPeakRss(
  args: string[],
  cwd: string,
): { code: number; stdout: string; stderr: string; maxRssKiB: number } {
  const probe = path.join(cwd, 'rss-probe.cjs');
  const out = path.join(cwd, 'rss.txt');
  writeFileSync(
    probe,
    "process.on('exit', () => require('node:fs').writeFileSync(process.env.KEYRITE_RSS_OUT, String(process.resourceUsage().maxRSS)));\n",
  );
  const r = spawnSync(process.execPath, ['--require', probe, LAUNCHER, ...args], {
    cwd,
    env: isolatedEnv(cwd, { KEYRITE_RSS_OUT: out }),
    encoding: 'utf8',
    timeout: 300_000,
  });
  return {
    code: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    maxRssKiB: Number(readFileSync(out, 'utf8')),
  };
}

void test(
  'issue 12: a 200 MiB record is rejected by its size, named, and never loaded (peak memory stays small)',
  { timeout: 600_000 },
  (t) => {
    const dir = tempDir(t);
    const { db } = freshLog(dir, 30);
    const seq = appendHugeRecord(db, 200 * 1024 * 1024);
    const r = keyriteWithPeakRss(['audit', 'verify', db], dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(r.stdout.includes(`first bad record: ${seq}\n`), r.stdout);
    assert.match(
      r.stdout,
      /why: the record is 209,715,200 bytes, over the 1,048,576-byte limit of a record payload \(not read\)/,
    );
    assert.match(r.stdout, /as stored: .*type "witness\.exception"/);
    // The payload alone is 200 MiB; the verifier must not hold it (before: 1.34 GB). 150 MiB leaves room
    // for Node, the AWS SDK and SQLite's page cache, and is far from any copy of the payload.
    assert.ok(r.maxRssKiB < 150 * 1024, `peak RSS ${Math.round(r.maxRssKiB / 1024)} MiB`);
  },
);

void test('a record just over the limit fails verification; the store refuses to write one', async (t) => {
  const dir = tempDir(t);
  const { db, stationKey } = freshLog(dir, 20);
  const store = openAuditStore(db, { stationKey: stationKeyAt(stationKey) });
  try {
    assert.throws(
      () =>
        store.append({
          ceremonyId: 'cer-1',
          actor: 'wendy',
          type: 'step.started',
          // Schemas bound each known field; extra fields are allowed, so the size limit is what holds.
          payload: { stepId: 'step-x', note: 'x'.repeat(MAX_PAYLOAD_BYTES) },
        }),
      { code: 'AUDIT_RECORD_INVALID', message: /over the 1048576-byte limit/ },
    );
  } finally {
    store.close();
  }
  assert.equal((await cli('audit', 'verify', db)).code, 0, 'the refused record left the log intact');
  const seq = appendHugeRecord(db, MAX_PAYLOAD_BYTES + 1);
  const r = await cli('audit', 'verify', db);
  assert.equal(r.code, 1);
  assert.ok(r.out.includes(`first bad record: ${seq}\n`), r.out);
  assert.match(r.out, /1,048,577 bytes, over the 1,048,576-byte limit/);
  const exported = await cli('audit', 'export', db, '--format', 'jsonl', '--out', path.join(dir, 'x.jsonl'));
  assert.notEqual(exported.code, 0);
  assert.match(exported.err, new RegExp(`audit record ${seq} cannot be read: the record is 1,048,577 bytes`));
});

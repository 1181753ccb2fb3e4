// Audit log benchmark: verification throughput on a large log next to the cost of SHA-256 alone over the
// same bytes, and the append rate with synchronous=FULL. KEYRITE_BENCH_RECORDS sets the log size
// (default 1,000,000); KEYRITE_BENCH_APPENDS the number of durable appends sampled (default 3,000);
// KEYRITE_BENCH_RUNS the interleaved rounds of verify and SHA-256 alone (default 3, medians printed).
import { createHash, generateKeyPairSync, hash, sign } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { canonicalString } from '../../src-shared/audit/canonical-json.js';
import { checkpointDigest } from '../../src-shared/audit/checkpoint.js';
import { ZERO_HASH } from '../../src-shared/audit/hashing.js';
import { publicKeyToBase64, stationIdOf } from '../../src-shared/audit/keys.js';
import { CompactRange, leafHash } from '../../src-shared/audit/merkle.js';
import {
  type RecordBody,
  computeRecordHash,
  recordHashInput,
  recordLeafHash,
} from '../../src-shared/audit/record.js';
import { openAuditStore } from '../../src-main/audit/audit-store.js';
import { openAuditDatabase } from '../../src-main/audit/database.js';
import { migrate } from '../../src-main/audit/migrations.js';
import { readStoredRecords } from '../../src-main/audit/read-log.js';
import {
  type DatabaseVerification,
  verifyDatabase,
  type verifyDatabaseParallel,
} from '../../src-main/audit/verify-database.js';
import { SEGMENT_RECORDS } from '../../src-main/audit/verify-parallel.js';
import type { Figure } from './run.js';
import { type Goal, ROOT, interleave, median } from './side-by-side.js';

const RECORDS = Number(process.env['KEYRITE_BENCH_RECORDS'] ?? 1_000_000);
const APPENDS = Number(process.env['KEYRITE_BENCH_APPENDS'] ?? 3_000);
const CHECKPOINT_EVERY = 100_000;
/** Rounds of verify vs SHA-256 alone (KEYRITE_BENCH_RUNS, default 3), interleaved; medians are printed. */
const RUNS = Number(process.env['KEYRITE_BENCH_RUNS'] ?? 3);

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;
/** CPU seconds (user + system) since `start`: steadier than wall time on a machine shared with other work. */
const cpuSeconds = (start: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
};

function payloadFor(i: number): [string, Record<string, unknown>] {
  switch (i % 4) {
    case 0:
      return ['step.started', { stepId: `step-${i}` }];
    case 1:
      return [
        'material.kcv',
        {
          kcv: (i & 0xffffff).toString(16).toUpperCase().padStart(6, '0'),
          scope: 'component',
          holder: 'alice',
        },
      ];
    case 2:
      return [
        'step.completed',
        {
          stepId: `step-${i - 2}`,
          wrappingKeyFingerprint: createHash('sha256').update(String(i)).digest('hex'),
        },
      ];
    default:
      return ['note', { text: `Witness wendy observed step ${i} on camera 2; no exception.` }];
  }
}

/** Writes a valid log of `n` records fast (one transaction per 20,000, no fsync): the bench's input. */
export function buildLog(file: string, n: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  migrate(db);
  const station = generateKeyPairSync('ed25519');
  const publicKey = publicKeyToBase64(station.publicKey);
  const stationId = stationIdOf(publicKey);
  const insert = db.prepare('INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insertCp = db.prepare('INSERT INTO checkpoints (tree_size, body) VALUES (?, ?)');
  const tree = new CompactRange();
  let prev = ZERO_HASH;
  let ms = Date.parse('2026-01-01T00:00:00.000Z');
  const put = (type: string, payload: Record<string, unknown>, ceremonyId = 'bench'): void => {
    const body: RecordBody = {
      seq: tree.size + 1,
      time: new Date((ms += 7)).toISOString(),
      ceremonyId,
      stationId,
      actor: 'station',
      type,
      payload,
      prevHash: prev,
    };
    const hash = computeRecordHash(body);
    insert.run(
      body.seq,
      body.time,
      ceremonyId,
      stationId,
      'station',
      type,
      canonicalString(payload),
      prev,
      hash,
    );
    tree.append(recordLeafHash(hash));
    prev = hash;
  };
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      if (tree.size === 0) {
        put('station.key', { stationId, publicKey, algorithm: 'ed25519' }, '');
        continue;
      }
      if (tree.size % CHECKPOINT_EVERY === 0) {
        const body = {
          version: 1 as const,
          ceremonyId: 'bench',
          stationId,
          treeSize: tree.size,
          rootHash: tree.root().toString('hex'),
          time: new Date((ms += 7)).toISOString(),
        };
        const stationSignature = sign(null, checkpointDigest(body), station.privateKey).toString('base64');
        insertCp.run(
          body.treeSize,
          canonicalString({ ...body, stationPublicKey: publicKey, stationSignature, cosignatures: [] }),
        );
        put('audit.checkpoint', {
          treeSize: body.treeSize,
          rootHash: body.rootHash,
          time: body.time,
          stationSignature,
          cosigners: [],
        });
        continue;
      }
      const [type, payload] = payloadFor(i);
      put(type, payload);
    }
  });
  for (let i = 0; i < n; i += 20_000) batch(i, Math.min(n, i + 20_000));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/**
 * verifyDatabaseParallel as built (dist/src-main, compiled by `npm run bench`): its workers start from
 * compiled JavaScript, as the command line's do, not through the TypeScript loader the bench runs under.
 * The segment size is the command line's, chosen explicitly so the worker path runs even on a 2-core
 * machine, where the command line itself verifies in order (no core to spare for the joins).
 */
function builtParallelVerify(): (file: string) => Promise<DatabaseVerification> {
  const file = path.join(ROOT, 'dist', 'src-main', 'audit', 'verify-database.js');
  if (!existsSync(file)) throw new Error('the CLI is not built: run `node src-main/build/build.mjs main`');
  const built = createRequire(__filename)(file) as {
    verifyDatabaseParallel: typeof verifyDatabaseParallel;
  };
  return (f) =>
    built.verifyDatabaseParallel(f, undefined, undefined, 'quick', { segmentRecords: SEGMENT_RECORDS });
}

/** SHA-256 alone over exactly the bytes verification hashes per record, batch-prepared outside the clock. */
export function sha256Alone(file: string): { seconds: number; cpu: number; bytes: number } {
  const db = new Database(file, { readonly: true });
  let total = 0;
  let cpu = 0;
  let bytes = 0;
  let batch: Buffer[] = [];
  const flush = (): void => {
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    for (const b of batch) hash('sha256', b, 'buffer');
    total += seconds(t);
    cpu += cpuSeconds(c);
    batch = [];
  };
  const bad = readStoredRecords(db, (r) => {
    const input = recordHashInput(r);
    bytes += input.length;
    batch.push(input);
    if (batch.length === 10_000) flush();
    return false;
  });
  if (bad) throw new Error(bad.problem);
  flush();
  db.close();
  return { seconds: total, cpu, bytes };
}

/**
 * The floor under verification's CPU, part by part: what SQLite costs to hand every row to JS (plain
 * columns, no checks), and the Merkle tree's two extra SHA-256 calls per record (leaf, and about one
 * node). Each is a cost verify cannot avoid in one Node process; their sum with SHA-256 itself and
 * quick_check is the best ratio this design can reach.
 */
function verifyFloor(file: string): { rows: number; merkle: number } {
  const db = new Database(file, { readonly: true });
  let c = process.cpuUsage();
  let n = 0;
  const stmt = db.prepare(
    'SELECT seq, time, ceremony_id, station_id, actor, type, payload, prev_hash, hash FROM records ORDER BY seq',
  );
  for (const row of stmt.raw().iterate() as IterableIterator<unknown[]>) n += (row[6] as string).length;
  const rows = cpuSeconds(c);
  db.close();
  const digests: Buffer[] = [];
  for (let i = 0; i < 10_000; i++) digests.push(hash('sha256', String(i), 'buffer'));
  const tree = new CompactRange();
  c = process.cpuUsage();
  for (let i = 0; i < RECORDS; i++) tree.append(leafHash(digests[i % digests.length]!));
  const merkle = cpuSeconds(c);
  if (n < 0 || tree.size !== RECORDS) throw new Error('unreachable');
  return { rows, merkle };
}

/** CPU seconds of one SQLite check pragma over the whole file (what audit verify runs first). */
function sqliteCheckCpu(file: string, pragma: 'quick_check' | 'integrity_check'): number {
  const db = new Database(file, { readonly: true });
  const c = process.cpuUsage();
  const r = db.pragma(pragma, { simple: true });
  const cpu = cpuSeconds(c);
  db.close();
  if (r !== 'ok') throw new Error(`${pragma} of the bench log: ${String(r)}`);
  return cpu;
}

/**
 * Durable appends next to the raw rate of the same disk: a 200-byte write + fsync to a plain file in
 * the same directory. Interleaved in blocks of 250 so both see the same disk and the same load.
 */
function appendVsFsync(dir: string): { append: number; raw: number; bare: number; p50: number; p99: number } {
  const store = openAuditStore(path.join(dir, 'append.db'));
  const fd = openSync(path.join(dir, 'raw.bin'), 'w');
  // The floor under an append: the same INSERT into the same schema with the same pragmas, committed
  // with synchronous=FULL, by SQLite alone (no validation, hashing, tree or station key).
  const bareDb = openAuditDatabase(path.join(dir, 'bare.db'));
  const bareInsert = bareDb.prepare(
    'INSERT INTO records (seq, time, ceremony_id, station_id, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const bareRow = bareDb.transaction((seq: number) => {
    const h = createHash('sha256').update(String(seq)).digest('hex');
    bareInsert.run(
      seq,
      new Date().toISOString(),
      'bench',
      'f'.repeat(32),
      'alice',
      'note',
      `{"text":"append ${seq}"}`,
      h,
      h,
    );
  });
  let bareSeconds = 0;
  const line = Buffer.alloc(200, 0x61);
  const times: number[] = [];
  let appendSeconds = 0;
  let rawSeconds = 0;
  const BLOCK = 250;
  try {
    for (let done = 0; done < APPENDS; done += BLOCK) {
      const n = Math.min(BLOCK, APPENDS - done);
      let start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        const t = process.hrtime.bigint();
        store.append({
          ceremonyId: 'bench',
          actor: 'alice',
          type: 'note',
          payload: { text: `append ${done + i}` },
        });
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      // The store hashes Merkle leaves when a root is asked for: ask, so that work is timed too.
      store.head();
      appendSeconds += seconds(start);
      start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        writeSync(fd, line);
        fsyncSync(fd);
      }
      rawSeconds += seconds(start);
      start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) bareRow.immediate(done + i + 1);
      bareSeconds += seconds(start);
    }
  } finally {
    store.close();
    bareDb.close();
    closeSync(fd);
  }
  times.sort((a, b) => a - b);
  return {
    append: APPENDS / appendSeconds,
    raw: APPENDS / rawSeconds,
    bare: APPENDS / bareSeconds,
    p50: times[Math.floor(times.length / 2)]!,
    p99: times[Math.floor(times.length * 0.99)]!,
  };
}

export async function run(): Promise<Array<Figure | Goal>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-bench-audit-'));
  try {
    const file = path.join(dir, 'big.db');
    const t = process.hrtime.bigint();
    buildLog(file, RECORDS);
    const built = seconds(t);

    // Verify and SHA-256 alone, interleaved (order reversed each round), medians: one sample of each
    // swung by ±30 % under the load of a shared machine.
    const verifyRuns: Array<{ wall: number; cpu: number }> = [];
    const parallelRuns: Array<{ wall: number; cpu: number }> = [];
    let how = '';
    const shaRuns: Array<ReturnType<typeof sha256Alone>> = [];
    const parallel = builtParallelVerify();
    await interleave(RUNS, [
      async () => {
        const t0 = process.hrtime.bigint();
        const cpu = process.cpuUsage();
        const { result } = verifyDatabase(file);
        verifyRuns.push({ wall: seconds(t0), cpu: cpuSeconds(cpu) });
        if (!result.ok)
          throw new Error(`bench log failed verification at ${result.firstBadSeq}: ${result.reason}`);
        return 0;
      },
      async () => {
        const t0 = process.hrtime.bigint();
        // Process-wide: the worker threads' CPU is counted with the main thread's.
        const cpu = process.cpuUsage();
        const v = await parallel(file);
        parallelRuns.push({ wall: seconds(t0), cpu: cpuSeconds(cpu) });
        if (!v.result.ok)
          throw new Error(`bench log failed verification at ${v.result.firstBadSeq}: ${v.result.reason}`);
        how = v.parallel
          ? `${v.parallel.segments} segments on ${v.parallel.workers} worker threads`
          : 'in order (below the worker threshold)';
        return 0;
      },
      async () => {
        shaRuns.push(sha256Alone(file));
        return 0;
      },
    ]);
    const verifySeconds = median(verifyRuns.map((v) => v.wall));
    const verifyCpu = median(verifyRuns.map((v) => v.cpu));
    const parallelSeconds = median(parallelRuns.map((v) => v.wall));
    const parallelCpu = median(parallelRuns.map((v) => v.cpu));
    const sha = {
      seconds: median(shaRuns.map((x) => x.seconds)),
      cpu: median(shaRuns.map((x) => x.cpu)),
      bytes: shaRuns[0]!.bytes,
    };
    const floor = verifyFloor(file);
    const quick = sqliteCheckCpu(file, 'quick_check');
    const deep = sqliteCheckCpu(file, 'integrity_check');
    const append = appendVsFsync(dir);
    const mb = sha.bytes / 1e6;
    return [
      {
        name: `log size (records, checkpoint every ${CHECKPOINT_EVERY.toLocaleString('en-US')})`,
        value: RECORDS,
        unit: 'records',
        note: `${(statSync(file).size / 1e6).toFixed(0)} MB file, built in ${built.toFixed(1)} s`,
      },
      { name: 'bytes hashed as record content', value: mb, unit: 'MB' },
      {
        name: `keyrite audit verify in order, one thread (read, decode, chain, tree, schemas, signatures; median of ${RUNS})`,
        value: verifySeconds,
        unit: 's',
        note: `${Math.round(RECORDS / verifySeconds).toLocaleString('en-US')} records/s, ${(mb / verifySeconds).toFixed(1)} MB/s; ${verifyCpu.toFixed(1)} s CPU`,
      },
      {
        name: `keyrite audit verify on worker threads, as the command line runs it with a core to spare (3 or more): ${how} (built JavaScript; median of ${RUNS})`,
        value: parallelSeconds,
        unit: 's',
        note: `${Math.round(RECORDS / parallelSeconds).toLocaleString('en-US')} records/s; ${parallelCpu.toFixed(1)} s CPU, all threads (wall ${(parallelSeconds / verifySeconds).toFixed(2)}x, CPU ${(parallelCpu / verifyCpu).toFixed(2)}x of in order)`,
      },
      {
        name: 'SHA-256 alone over the same record bytes',
        value: sha.seconds,
        unit: 's',
        note: `${(mb / sha.seconds).toFixed(1)} MB/s; ${sha.cpu.toFixed(1)} s CPU; verify takes ${(verifySeconds / sha.seconds).toFixed(1)}x wall, ${(verifyCpu / sha.cpu).toFixed(1)}x CPU`,
      },
      {
        measure: `audit verify CPU (in order, one thread) vs SHA-256 CPU over the same bytes (${RECORDS.toLocaleString('en-US')} records)`,
        keyrite: `${verifyCpu.toFixed(2)} s`,
        reference: `${sha.cpu.toFixed(2)} s`,
        ratio: `${(verifyCpu / sha.cpu).toFixed(1)}x`,
        goal: '<= 2x',
        met: verifyCpu / sha.cpu <= 2,
      },
      {
        measure: `audit verify CPU on worker threads (${how}, all threads; the command line on 3 or more cores) vs SHA-256 CPU`,
        keyrite: `${parallelCpu.toFixed(2)} s`,
        reference: `${sha.cpu.toFixed(2)} s`,
        ratio: `${(parallelCpu / sha.cpu).toFixed(1)}x`,
        goal: '<= 2x',
        met: parallelCpu / sha.cpu <= 2,
      },
      {
        measure: `audit verify wall time: ${how} vs in order (load shares the cores)`,
        keyrite: `${parallelSeconds.toFixed(2)} s`,
        reference: `${verifySeconds.toFixed(2)} s`,
        ratio: `${(parallelSeconds / verifySeconds).toFixed(2)}x`,
      },
      {
        name: 'floor: SQLite handing every row to JS (plain columns), CPU',
        value: floor.rows,
        unit: 's',
        note: `${(floor.rows / sha.cpu).toFixed(1)}x SHA-256`,
      },
      {
        name: 'floor: Merkle leaf + node hashes (2 SHA-256 calls a record), CPU',
        value: floor.merkle,
        unit: 's',
        note: `${(floor.merkle / sha.cpu).toFixed(1)}x SHA-256`,
      },
      {
        name: 'floor: SQLite quick_check (run first by verify), CPU',
        value: quick,
        unit: 's',
        note: `${(quick / sha.cpu).toFixed(1)}x SHA-256; floor of verify = ${((floor.rows + floor.merkle + quick + sha.cpu) / sha.cpu).toFixed(1)}x SHA-256`,
      },
      {
        measure: 'SQLite check in audit verify: quick_check (default) vs integrity_check (--deep), CPU',
        keyrite: `${quick.toFixed(2)} s`,
        reference: `${deep.toFixed(2)} s`,
        ratio: `${(quick / deep).toFixed(2)}x`,
      },
      {
        measure: `durable append (synchronous=FULL) vs raw 200-byte write + fsync, same disk (p50 ${append.p50.toFixed(2)} ms, p99 ${append.p99.toFixed(2)} ms)`,
        keyrite: `${Math.round(append.append).toLocaleString('en-US')}/s`,
        reference: `${Math.round(append.raw).toLocaleString('en-US')}/s`,
        ratio: `${(append.append / append.raw).toFixed(2)}x`,
        goal: '>= 0.8x',
        met: append.append / append.raw >= 0.8,
      },
      {
        measure:
          'floor: the same INSERT committed by SQLite alone (same schema and pragmas) vs raw write + fsync',
        keyrite: `${Math.round(append.bare).toLocaleString('en-US')}/s`,
        reference: `${Math.round(append.raw).toLocaleString('en-US')}/s`,
        ratio: `${(append.bare / append.raw).toFixed(2)}x`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

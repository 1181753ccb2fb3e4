import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { type MessagePort, Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { LogVerifier } from '../../src-shared/audit/verify-log.js';
import { type SegmentSummary, SegmentVerifier } from '../../src-shared/audit/verify-segment.js';
import { openSqlite } from '../sqlite/open-sqlite.js';
import { readRecordRange } from './read-log.js';

/*
 * Verification of a large log in segments on worker threads (verify-segment.ts says what a segment
 * proves and what the main thread replays). It cuts the wall time on a machine with cores to spare,
 * not the CPU: every record is still read, hashed and checked once. A log is split into segments of
 * SEGMENT_RECORDS (a power of two, so each is a subtree of the Merkle tree); one below MIN_SEGMENTS
 * segments is verified in order, as starting workers would cost more than it saves.
 */
export const SEGMENT_RECORDS = 2 ** 15;
const MIN_SEGMENTS = 2;
/** Payload text one segment may hand back in the records it replays (intents, enrolments, ...). */
const MAX_EVENT_CHARS = 32 * 1024 * 1024;
const MAX_WORKERS = 4;
/** Marks a worker started by startWorker, so loading this module elsewhere in a worker does nothing. */
const WORKER_ROLE = 'keyrite-audit-verify-segment';

export interface WorkerSetup {
  file: string;
  checkpointSizes: number[];
  maxEventChars: number;
}
export interface SegmentJob {
  id: number;
  from: number;
  to: number;
}
/** The main thread has what it needs: close the database and exit. */
interface StopJob {
  stop: true;
}
export interface SegmentReply {
  id: number;
  /** Undefined when the segment cannot be vouched for (anything wrong, or too much to hand back). */
  summary: SegmentSummary | undefined;
}

export interface ParallelPlan {
  segments: Array<{ from: number; to: number }>;
  workers: number;
}

/**
 * How to split the log, or undefined to verify it in order: too small, not numbered from 1 (the
 * in-order verification words what is wrong with that), or no core to spare. Workers run only where a
 * core is left for the main thread, which joins their segments: on an idle 2-core machine two workers
 * cost 1.6x the CPU of verifying in order for 0.96x its wall time (`npm run bench -- audit`, 200,000
 * records). `segmentRecords` (a power of two) is chosen by tests and the bench, which take the worker
 * path on any machine; `cores` is for tests.
 */
export function planSegments(
  db: Database.Database,
  segmentRecords?: number,
  cores = availableParallelism(),
): ParallelPlan | undefined {
  const chosen = segmentRecords ?? testSegmentRecords();
  const size = chosen ?? SEGMENT_RECORDS;
  const { lo, hi } = db.prepare('SELECT min(seq) AS lo, max(seq) AS hi FROM records').get() as {
    lo: number | null;
    hi: number | null;
  };
  if (lo !== 1 || hi === null || !Number.isSafeInteger(hi)) return undefined;
  const segments: Array<{ from: number; to: number }> = [];
  for (let from = 1; from <= hi; from += size) segments.push({ from, to: Math.min(from + size, hi + 1) });
  if (segments.length < MIN_SEGMENTS) return undefined;
  const spare = Math.min(MAX_WORKERS, cores - 1, segments.length);
  if (chosen === undefined) return spare >= 2 ? { segments, workers: spare } : undefined;
  return { segments, workers: Math.min(MAX_WORKERS, Math.max(2, spare), segments.length) };
}

/**
 * KEYRITE_TEST_VERIFY_SEGMENT (honoured only under KEYRITE_TEST=1): a smaller segment, so tests of the
 * built command line take the worker path on a small log.
 */
function testSegmentRecords(): number | undefined {
  if (process.env['KEYRITE_TEST'] !== '1') return undefined;
  const n = Number(process.env['KEYRITE_TEST_VERIFY_SEGMENT']);
  return Number.isSafeInteger(n) && n >= 1 && 2 ** Math.round(Math.log2(n)) === n ? n : undefined;
}

/**
 * A worker runs the very file this code was loaded from — this module compiled (dist/src-main), the
 * `audit` command's bundle (dist/cli, all the offline kit ships), or this source under tsx (tests,
 * bench) — and finds its role in workerData (the end of this file): no second file to ship or find.
 */
function startWorker(setup: WorkerSetup): Worker {
  const workerData = { ...setup, role: WORKER_ROLE };
  if (path.extname(__filename) !== '.ts') return new Worker(__filename, { workerData });
  // From the TypeScript sources the worker needs the same loader as its parent.
  // createRequire keeps the bundler from trying to resolve a test-only package at build time.
  const tsx = createRequire(__filename).resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(__filename)});`, {
    eval: true,
    workerData,
  });
}

/** Verifies the segments it is sent, one at a time, answering each (see SegmentReply), until told to stop. */
function serveSegments(setup: WorkerSetup, port: MessagePort): void {
  let db: Database.Database | undefined;
  try {
    db = openSqlite(setup.file, { readonly: true, fileMustExist: true });
  } catch {
    // A file SQLite will not open: every segment is answered as not vouched for, and the in-order
    // verification says why. (Thrown out of the worker instead, it could meet the main thread
    // stopping the other workers: see runSegments.)
    db = undefined;
  }
  const sizes = new Set(setup.checkpointSizes);
  port.on('message', (job: SegmentJob | StopJob) => {
    if ('stop' in job) {
      db?.close();
      port.close();
      return;
    }
    let reply: SegmentReply = { id: job.id, summary: undefined };
    if (db) {
      try {
        const segment = new SegmentVerifier(job.from, sizes, setup.maxEventChars);
        const stopped = readRecordRange(db, job.from, job.to, (r, text) => !segment.add(r, text));
        if (!stopped && segment.problem === undefined) reply = { id: job.id, summary: segment.summary() };
      } catch {
        // A database that cannot be read to the end: the in-order verification reports it.
      }
    }
    port.postMessage(reply);
  });
}

/**
 * Verifies the plan's segments on workers reading `copy`, joining each into `verifier` in order.
 * True when every segment was vouched for and joined; false at the first that was not (the caller
 * then verifies in order). At most two segments per worker are in flight or waiting to be joined, so
 * memory stays bounded however large the log.
 */
export function runSegments(copy: string, plan: ParallelPlan, verifier: LogVerifier): Promise<boolean> {
  const setup: WorkerSetup = {
    file: copy,
    checkpointSizes: verifier.checkpointSizes,
    maxEventChars: MAX_EVENT_CHARS,
  };
  const window = 2 * plan.workers;
  return new Promise((resolve) => {
    const pool: Worker[] = [];
    const idle: Worker[] = [];
    const waiting = new Map<number, SegmentSummary>();
    let joined = 0;
    let issued = 0;
    let settled = false;
    const exited: Array<Promise<unknown>> = [];
    const settle = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      // Each worker is asked to stop after the segment it is on, never terminated: better-sqlite3
      // raising an error in a thread being terminated (a damaged file) aborts the whole process. The
      // answer waits for every worker to be gone, so the evidence copy outlives its readers.
      for (const w of pool) w.postMessage({ stop: true } satisfies StopJob);
      void Promise.all(exited).then(() => resolve(ok));
    };
    const feed = (): void => {
      while (idle.length > 0 && issued < plan.segments.length && issued - joined < window) {
        const s = plan.segments[issued]!;
        const job: SegmentJob = { id: issued++, from: s.from, to: s.to };
        idle.pop()!.postMessage(job);
      }
    };
    const onReply = (w: Worker, reply: SegmentReply): void => {
      if (settled) return;
      if (!reply.summary) return settle(false);
      waiting.set(reply.id, reply.summary);
      for (let next = waiting.get(joined); next; next = waiting.get(joined)) {
        waiting.delete(joined);
        if (!verifier.joinSegment(next)) return settle(false);
        joined += 1;
      }
      if (joined === plan.segments.length) return settle(true);
      idle.push(w);
      feed();
    };
    for (let i = 0; i < plan.workers; i++) {
      let w: Worker;
      try {
        w = startWorker(setup);
      } catch {
        return settle(false);
      }
      pool.push(w);
      idle.push(w);
      exited.push(new Promise((gone) => w.once('exit', gone)));
      w.on('message', (reply: SegmentReply) => onReply(w, reply));
      w.on('error', () => settle(false));
      w.on('exit', () => settle(false));
    }
    feed();
  });
}

// Loaded as a segment worker (startWorker): serve. Anywhere else this does nothing.
if (!isMainThread && parentPort && (workerData as { role?: unknown } | null)?.role === WORKER_ROLE)
  serveSegments(workerData as WorkerSetup, parentPort);

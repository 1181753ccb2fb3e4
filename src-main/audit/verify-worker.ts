import { parentPort, workerData } from 'node:worker_threads';
import { SegmentVerifier } from '../../src-shared/audit/verify-segment.js';
import { openSqlite } from '../sqlite/open-sqlite.js';
import { readRecordRange } from './read-log.js';
import type { SegmentJob, SegmentReply, WorkerSetup } from './verify-parallel.js';

/*
 * One worker of parallel verification (verify-parallel.ts): opens the private copy of the log
 * read-only, then verifies the segments it is given, one at a time, answering each with its summary
 * or with the fact that it cannot vouch for it (the main thread then verifies the log in order, which
 * says what is wrong). Nothing here decides a verdict.
 */
const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error('verify-worker runs only as a worker thread');
const db = openSqlite(setup.file, { readonly: true, fileMustExist: true });
const sizes = new Set(setup.checkpointSizes);

// The main thread terminates the worker when it has what it needs (the database closes with it).
port.on('message', (job: SegmentJob) => {
  let reply: SegmentReply;
  try {
    const segment = new SegmentVerifier(job.from, sizes, setup.maxEventChars);
    const stopped = readRecordRange(db, job.from, job.to, (r, text) => !segment.add(r, text));
    reply =
      stopped || segment.problem !== undefined
        ? { id: job.id, summary: undefined }
        : { id: job.id, summary: segment.summary() };
  } catch {
    // A database that cannot be read to the end: the in-order verification reports it.
    reply = { id: job.id, summary: undefined };
  }
  port.postMessage(reply);
});

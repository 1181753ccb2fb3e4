import { availableParallelism } from 'node:os';

/**
 * How many passphrase-key derivations may run at once. scrypt runs on libuv's thread pool (four
 * threads unless UV_THREADPOOL_SIZE says otherwise) and holds 128·N·r bytes while it runs (256 MiB at
 * Keyrite's default): more at once than there are cores only adds memory, and all four pool threads
 * busy with scrypt would stall file I/O. At least two, so a person types while the previous
 * derivation runs; at most three (three custodians enrolling or checking shares is the common case).
 */
export const KDF_CONCURRENCY = Math.min(3, Math.max(2, availableParallelism()));

/** What the derivations of this process cost: a ceremony reports it as its own line. */
export interface KdfStats {
  derivations: number;
  /** Seconds spent deriving, summed over derivations (what one core would have taken in sequence). */
  deriveSeconds: number;
  /** Wall seconds during which at least one derivation was running or waiting for a slot. */
  waitSeconds: number;
  /** Most derivations running at once. */
  peakConcurrent: number;
  /** Most working memory held by scrypt at once, in bytes (128·N·r per running derivation). */
  peakBytes: number;
}

const stats: KdfStats = { derivations: 0, deriveSeconds: 0, waitSeconds: 0, peakConcurrent: 0, peakBytes: 0 };
let running = 0;
let runningBytes = 0;
let inFlight = 0;
let busySince = 0n;
const queue: Array<() => void> = [];

const now = (): bigint => process.hrtime.bigint();

/** A snapshot of this process's derivation costs so far. */
export function kdfStats(): KdfStats {
  return { ...stats };
}

/**
 * Runs one derivation when a slot is free. `bytes`: the working memory it will hold. Derivations that
 * wait for a slot count as waiting time (the person waits for them), not as derivation time.
 */
export async function inKdfSlot<T>(bytes: number, derive: () => Promise<T>): Promise<T> {
  if (inFlight++ === 0) busySince = now();
  try {
    // A freed slot is handed straight to the first waiter, so `running` never passes the limit.
    if (running < KDF_CONCURRENCY) running++;
    else await new Promise<void>((resolve) => queue.push(resolve));
    runningBytes += bytes;
    stats.peakConcurrent = Math.max(stats.peakConcurrent, running);
    stats.peakBytes = Math.max(stats.peakBytes, runningBytes);
    const started = now();
    try {
      return await derive();
    } finally {
      stats.derivations++;
      stats.deriveSeconds += Number(now() - started) / 1e9;
      runningBytes -= bytes;
      const next = queue.shift();
      if (next) next();
      else running--;
    }
  } finally {
    if (--inFlight === 0) stats.waitSeconds += Number(now() - busySince) / 1e9;
  }
}

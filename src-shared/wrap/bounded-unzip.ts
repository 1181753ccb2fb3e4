import { Unzip, UnzipInflate, UnzipPassThrough } from 'fflate';

/** One entry of an archive, inflated. */
export interface UnzippedEntry {
  name: string;
  bytes: Uint8Array;
}

/** Why an archive was refused; the caller turns it into its own coded error. */
export class UnzipRefused extends Error {}

/** Compressed bytes fed per step: deflate expands at most ~1032×, so one step inflates ≤ ~1 MiB. */
const STEP = 1024;

/**
 * Unzips a small archive with a byte budget that holds while inflating: each entry may produce at most
 * `maxEntryBytes`, and no more than its header declared. A central directory or local header may lie
 * about sizes, and fflate's unzipSync inflates a lying entry in full (a 1 MiB zip took 14 s to expand
 * 1 GiB, only to truncate it), so the archive is streamed a kilobyte at a time and abandoned as soon
 * as any entry exceeds its budget.
 */
export function unzipBounded(bytes: Uint8Array, maxEntries: number, maxEntryBytes: number): UnzippedEntry[] {
  const entries: UnzippedEntry[] = [];
  const finished = new Set<UnzippedEntry>();
  let refused: string | undefined;
  const unzip = new Unzip((file) => {
    if (refused) return;
    if (entries.length >= maxEntries) {
      refused = `more than ${maxEntries} entries`;
      return;
    }
    if (file.name.endsWith('/')) return;
    const declared = file.originalSize;
    if (declared !== undefined && declared > maxEntryBytes) {
      refused = `entry ${file.name} declares ${declared} bytes (at most ${maxEntryBytes})`;
      return;
    }
    const budget = Math.min(declared ?? maxEntryBytes, maxEntryBytes);
    const chunks: Uint8Array[] = [];
    let total = 0;
    const entry: UnzippedEntry = { name: file.name, bytes: new Uint8Array(0) };
    entries.push(entry);
    file.ondata = (err, chunk, final) => {
      if (refused) return;
      if (err) {
        refused = `entry ${file.name} cannot be inflated`;
        return;
      }
      total += chunk.length;
      if (total > budget) {
        refused = `entry ${file.name} inflates past ${budget} bytes${declared !== undefined && total > declared ? ', more than it declares' : ''}`;
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) {
        entry.bytes = concat(chunks, total);
        finished.add(entry);
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  try {
    for (let off = 0; off < bytes.length && !refused; off += STEP) {
      const end = Math.min(off + STEP, bytes.length);
      unzip.push(bytes.subarray(off, end), end === bytes.length);
    }
  } catch (e) {
    throw new UnzipRefused(`not a readable zip (${(e as Error).message})`);
  }
  if (refused) throw new UnzipRefused(refused);
  const cut = entries.find((e) => !finished.has(e));
  if (cut) throw new UnzipRefused(`entry ${cut.name} is truncated`);
  return entries;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

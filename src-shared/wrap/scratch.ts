import { Buffer } from 'node:buffer';

/**
 * Scratch memory for secrets in flight (AES keys, padded copies, intermediate blocks): every buffer
 * comes from Buffer.alloc and is zeroed by `wipe()`, which callers run in `finally`.
 *
 * Tests watch the allocations through `observeScratch` to prove the wipe happens on every path.
 */
export interface Scratch {
  alloc(length: number): Buffer;
  /** Tracks a buffer created elsewhere (e.g. by node:crypto) so it is wiped with the rest. */
  track(buf: Buffer): Buffer;
  wipe(): void;
}

type Observer = (buf: Buffer) => void;
let observer: Observer | null = null;

/** Test hook: sees every scratch buffer; returns a function that stops observing. */
export function observeScratch(fn: Observer): () => void {
  observer = fn;
  return () => {
    if (observer === fn) observer = null;
  };
}

export function scratch(): Scratch {
  const held: Buffer[] = [];
  const track = (buf: Buffer): Buffer => {
    held.push(buf);
    observer?.(buf);
    return buf;
  };
  return {
    alloc: (length) => track(Buffer.alloc(length)),
    track,
    wipe() {
      for (const b of held) b.fill(0);
      held.length = 0;
    },
  };
}

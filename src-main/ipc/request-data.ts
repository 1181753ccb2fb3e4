/*
 * What a request from the renderer is made of, looked at without turning it into text: the size check
 * used to JSON.stringify the whole request, which made every passphrase a JS string in main. Secrets
 * now arrive as Uint8Arrays; these helpers size them by their byte length and zero them afterwards.
 */

const MAX_DEPTH = 32;

/**
 * The request's size as JSON would spell it (bytes for byte arrays), or null when it is not plain data
 * (functions, class instances other than Uint8Array, cycles, nesting deeper than any contract's).
 * Stops counting once past `limit`: any number above it is as good as the exact one.
 */
export function plainDataSize(value: unknown, limit: number): number | null {
  let size = 0;
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number): boolean => {
    if (size > limit) return true;
    if (depth > MAX_DEPTH) return false;
    if (v === null) size += 4;
    else if (typeof v === 'boolean') size += 5;
    else if (typeof v === 'number') size += Number.isFinite(v) ? String(v).length : 4;
    else if (typeof v === 'string') size += Buffer.byteLength(v, 'utf8') + 2;
    else if (v instanceof Uint8Array) size += v.byteLength;
    else if (typeof v === 'object') {
      if (seen.has(v)) return false;
      seen.add(v);
      if (Array.isArray(v)) {
        size += 2 + Math.max(0, v.length - 1);
        for (const x of v) if (!walk(x === undefined ? null : x, depth + 1)) return false;
      } else {
        const proto: unknown = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) return false;
        size += 2;
        for (const [k, x] of Object.entries(v)) {
          if (x === undefined) continue;
          size += Buffer.byteLength(k, 'utf8') + 4;
          if (!walk(x, depth + 1)) return false;
        }
      }
      seen.delete(v);
    } else return false; // undefined at the top, functions, symbols, bigints
    return true;
  };
  return walk(value, 0) ? size : null;
}

/** Zeroes every byte array in a request, whatever became of it: refused, failed or served. */
export function wipeBytes(value: unknown, depth = 0): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return;
  if (value instanceof Uint8Array) {
    value.fill(0);
    return;
  }
  for (const x of Array.isArray(value) ? value : Object.values(value)) wipeBytes(x, depth + 1);
}

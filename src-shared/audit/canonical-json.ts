import { KeyriteError } from '../errors.js';

/**
 * Keyrite canonical JSON (a strict subset of RFC 8785, JCS), the byte form every audit hash is taken over:
 * - values: null, true, false, strings, arrays, plain objects, and integers in the IEEE-754 safe range
 *   (|n| ≤ 2^53−1, no −0). No other numbers: floats are where JCS implementations disagree.
 * - objects: keys sorted by UTF-16 code units (JCS §3.2.3), no duplicates; arrays keep their order.
 * - strings: well-formed Unicode only (no lone surrogates); escaped exactly as JCS / ECMAScript
 *   JSON.stringify do: `"` `\\` `\b \t \n \f \r`, other controls as `\u00xx`, everything else literal.
 * - no whitespace; the text is encoded as UTF-8.
 * A byte string is canonical iff decoding then re-encoding it gives the same bytes; `decodeCanonical`
 * enforces exactly that, so a value has one and only one accepted encoding.
 */
export type CanonicalValue =
  null | boolean | number | string | CanonicalValue[] | { [key: string]: CanonicalValue };

const LONE_SURROGATE = /\p{Surrogate}/u;

function fail(message: string): never {
  throw new KeyriteError(
    'AUDIT_NOT_CANONICAL',
    message,
    'audit payloads hold only strings, integers, booleans, null, arrays and plain objects',
  );
}

function encodeInto(value: unknown, out: string[], depth: number): void {
  if (depth > 64) fail('value is nested more than 64 levels deep');
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0))
        fail(`number ${String(value)} is not a safe integer`);
      out.push(String(value));
      return;
    case 'string':
      if (LONE_SURROGATE.test(value)) fail('string holds a lone surrogate (not well-formed Unicode)');
      out.push(JSON.stringify(value));
      return;
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((v, i) => {
          if (i > 0) out.push(',');
          encodeInto(v, out, depth + 1);
        });
        out.push(']');
        return;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) fail('only plain objects can be encoded');
      const rec = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, which is what JCS specifies.
      const keys = Object.keys(rec).sort();
      out.push('{');
      keys.forEach((k, i) => {
        if (LONE_SURROGATE.test(k)) fail('object key holds a lone surrogate');
        if (i > 0) out.push(',');
        out.push(JSON.stringify(k), ':');
        encodeInto(rec[k], out, depth + 1);
      });
      out.push('}');
      return;
    }
    default:
      fail(`a ${typeof value} cannot be encoded`);
  }
}

/** The canonical text of a value. */
export function canonicalString(value: unknown): string {
  // A record's hash text encodes eight scalar fields per record: skip the array for those.
  if (typeof value === 'string' && !LONE_SURROGATE.test(value)) return JSON.stringify(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
  const out: string[] = [];
  encodeInto(value, out, 0);
  return out.join('');
}

/** The canonical UTF-8 bytes of a value. */
export function encodeCanonical(value: unknown): Buffer {
  return Buffer.from(canonicalString(value), 'utf8');
}

/**
 * Parses canonical JSON and refuses anything that is not in canonical form (whitespace, unsorted or
 * duplicate keys, floats, exponents, needless escapes, invalid UTF-8).
 */
export function decodeCanonical(input: Buffer | string): CanonicalValue {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  if (typeof input !== 'string' && !Buffer.from(text, 'utf8').equals(input))
    fail('bytes are not valid UTF-8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail('text is not JSON');
  }
  if (!plainlyCanonical(parsed, text) && canonicalString(parsed) !== text)
    fail('JSON is not in canonical form');
  return parsed as CanonicalValue;
}

/**
 * A fast proof that `text` is the canonical form of `parsed` (its JSON.parse), without building the
 * canonical text again: verifying a log checks every stored payload, and re-encoding was most of that
 * work. True only when canonicalString(parsed) === text is certain: V8's native JSON.stringify
 * reproduces the text, and the value holds nothing on which canonical form and JSON.stringify differ
 * — keys in strictly ascending order (so sorting changes nothing), only safe integers, no string
 * with a lone surrogate, no deeper nesting than encodeInto allows. False means "not proven": the exact
 * comparison decides.
 */
function plainlyCanonical(parsed: unknown, text: string): boolean {
  // Escapes are rare in payloads; \u escapes can produce lone surrogates, so leave those to the exact path.
  if (text.includes('\\u') || LONE_SURROGATE.test(text)) return false;
  return JSON.stringify(parsed) === text && orderedIntegersOnly(parsed, 0);
}

function orderedIntegersOnly(value: unknown, depth: number): boolean {
  if (depth > 64) return false;
  if (typeof value === 'number') return Number.isSafeInteger(value) && !Object.is(value, -0);
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const v of value) if (!orderedIntegersOnly(v, depth + 1)) return false;
    return true;
  }
  let previous: string | undefined;
  for (const k in value) {
    if (previous !== undefined && !(previous < k)) return false;
    previous = k;
    if (!orderedIntegersOnly((value as Record<string, unknown>)[k], depth + 1)) return false;
  }
  return true;
}

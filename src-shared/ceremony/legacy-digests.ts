import { sha256Hex } from '../digests.js';

/*
 * The digest rule of logs written before log format v2, kept only to read them: a ceremony started
 * then recorded its plan digest this way, and custodians signed confirmation requests this way. New
 * digests use the strict canonical JSON with a versioned domain (docs/FORMAT.md).
 *
 * The v1 rule: JSON with object keys sorted (default string order), no whitespace, members whose value
 * is undefined left out, strings and numbers as JSON.stringify writes them; the domain is a member of
 * the hashed object; SHA-256 over the UTF-8 text, in hex.
 */
type V1Value = string | number | boolean | null | V1Value[] | { [k: string]: V1Value | undefined };

function v1Text(value: V1Value): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(v1Text).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${v1Text(value[k] ?? null)}`).join(',')}}`;
}

function v1Digest(value: V1Value): string {
  return sha256Hex(v1Text(value));
}

/** A plan's digest as ceremonies before log format v2 recorded it in `ceremony.started`. */
export function planDigestV1(plan: V1Value): string {
  return v1Digest({ domain: 'keyrite/plan/v1', plan });
}

/** A confirmation request's digest as custodians signed it before log format v2. */
export function challengeDigestV1(ch: {
  ceremonyId: string;
  stepId: string;
  facts: { [k: string]: string | undefined };
  chainHead: string;
  nonce: string;
  expiresAt: string;
}): string {
  return v1Digest({ domain: 'keyrite/confirmation/v1', ...ch });
}

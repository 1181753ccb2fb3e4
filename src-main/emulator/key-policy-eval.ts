import type { Caller } from './callers.js';

/**
 * The part of IAM policy evaluation a key policy needs when a caller of another account uses a key:
 * an explicit Deny wins, then an Allow whose Principal names the caller's account (its root ARN, the
 * bare account id, `*`) or the caller itself, whose Action (or NotAction) matches `kms:<Operation>`
 * with IAM's wildcards, case-insensitively, and whose Resource is `*` or matches the key ARN.
 * Conditions are not evaluated; rather than guess, the emulator fails closed: an Allow with a
 * Condition never allows, a Deny with a Condition always denies.
 */
export type PolicyDecision = 'allow' | 'deny' | 'none';

type Json = unknown;

function list(v: Json): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

/** IAM wildcards: `*` any run of characters, `?` one character; actions compare case-insensitively. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, ignoreCase ? 'i' : '').test(value);
}

function principalMatches(principal: Json, caller: Caller): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null || Array.isArray(principal)) return false;
  const aws = list((principal as Record<string, Json>).AWS);
  if (!aws) return false;
  return aws.some(
    (p) =>
      p === '*' ||
      p === caller.accountId ||
      /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(p)?.[1] === caller.accountId ||
      p === caller.arn,
  );
}

function actionMatches(statement: Record<string, Json>, action: string): boolean {
  const yes = list(statement.Action);
  if (yes) return yes.some((p) => wildcard(p, action, true));
  const no = list(statement.NotAction);
  if (no) return !no.some((p) => wildcard(p, action, true));
  return false;
}

function resourceMatches(statement: Record<string, Json>, keyArn: string): boolean {
  const yes = list(statement.Resource);
  if (yes) return yes.some((p) => wildcard(p, keyArn, false));
  const no = list(statement.NotResource);
  if (no) return !no.some((p) => wildcard(p, keyArn, false));
  return false;
}

export function evaluateKeyPolicy(
  policyText: string,
  caller: Caller,
  action: string,
  keyArn: string,
): PolicyDecision {
  let doc: Json;
  try {
    doc = JSON.parse(policyText);
  } catch {
    return 'none';
  }
  const raw = (doc as { Statement?: Json } | null)?.Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  let allowed = false;
  for (const s of statements) {
    if (typeof s !== 'object' || s === null) continue;
    const st = s as Record<string, Json>;
    if (!principalMatches(st.Principal, caller)) continue;
    if (!actionMatches(st, action) || !resourceMatches(st, keyArn)) continue;
    const conditional = st.Condition !== undefined;
    if (st.Effect === 'Deny') return 'deny';
    if (st.Effect === 'Allow' && !conditional) allowed = true;
  }
  return allowed ? 'allow' : 'none';
}

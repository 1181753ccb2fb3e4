import { planSchema } from '../ceremony/plan.js';
import { huaweiKeySpecRefusal } from '../ceremony/plan-huawei.js';
import { closestChoice, notOneOf } from '../text/did-you-mean.js';
import { PLAN_FIELD_DOCS } from './plan-fields.js';
import { planFields } from './plan-json-schema.js';

/** One thing wrong with a plan, said so that its author can fix it without reading the schema. */
export interface PlanProblem {
  /** Where, as a person reads it: `participants.custodians[0].id`. */
  where: string;
  message: string;
  hint: string;
}

/** What a value at a field is, for "`X` is not a key spec". */
const WHAT: Readonly<Record<string, string>> = {
  'target.key.create.keySpec': 'a key spec',
  'target.key.existing.keySpec': 'a key spec',
  'target.key.create.keyUsage': 'a key usage',
  'target.provider': 'a provider Keyrite supports',
  'wrapping.algorithm': 'a wrapping algorithm',
  'wrapping.keySpec': 'a wrapping key spec',
  'expiration.model': 'an expiration model',
  'material.mode': 'a material mode',
  'guardedSteps[]': 'a step that can be guarded',
  version: 'a plan version this Keyrite reads',
};

type Key = string | number;
interface Issue {
  code: string;
  path: Key[];
  message: string;
  values?: unknown[];
  options?: unknown[];
  keys?: string[];
  expected?: string;
  errors?: Issue[][];
}

/** Every problem zod finds, each with the allowed values or fields and the nearest to what was written. */
export function planProblems(doc: unknown): PlanProblem[] {
  const r = planSchema.safeParse(doc);
  if (r.success) return [];
  return r.error.issues.flatMap((i) => explain(i as unknown as Issue, doc));
}

function explain(issue: Issue, doc: unknown): PlanProblem[] {
  const inner = chosenBranchIssues(issue, doc);
  if (inner) return inner.flatMap((i) => explain(i, doc));
  return [explainOne(issue, doc)];
}

/**
 * In a union told apart by field names (target.key: create or existing), a plan that wrote exactly
 * one of them meant that branch: its own problems are the useful ones, with their full paths.
 */
function chosenBranchIssues(issue: Issue, doc: unknown): Issue[] | undefined {
  if (issue.code !== 'invalid_union' || !issue.errors || issue.values || issue.options) return undefined;
  const given = valueAt(doc, issue.path);
  if (given === null || typeof given !== 'object') return undefined;
  const branches = childrenOf(schemaPath(issue.path));
  const chosen = Object.keys(given).filter((k) => branches.includes(k));
  if (chosen.length !== 1) return undefined;
  const errs = issue.errors.find(
    (list) => !list.some((e) => e.code === 'unrecognized_keys' && e.keys?.includes(chosen[0] ?? '')),
  );
  return errs?.map((e) => ({ ...e, path: [...issue.path, ...e.path] }));
}

function explainOne(issue: Issue, doc: unknown): PlanProblem {
  const where = show(issue.path);
  const field = schemaPath(issue.path);
  const given = valueAt(doc, issue.path);
  const fieldHint = (): string => {
    const d = PLAN_FIELD_DOCS[field];
    return d ? `${field}: ${d}` : 'see docs/PLAN.md';
  };
  const huawei =
    /^target\.key\.(create|existing)\.keySpec$/.test(field) &&
    valueAt(doc, ['target', 'provider']) === 'huawei' &&
    typeof given === 'string'
      ? huaweiKeySpecRefusal(given)
      : undefined;
  if (huawei)
    return {
      where,
      message: `${where}: ${huawei}`,
      hint: 'use keySpec AES_256 (256-bit material); docs/PLAN.md, "Huawei Cloud KMS: what Keyrite imports, and what it refuses"',
    };
  switch (issue.code) {
    case 'invalid_value':
    case 'invalid_union': {
      const choices = (issue.values ?? issue.options ?? []).map(String);
      if (choices.length > 0) {
        const { message, hint } = notOneOf(String(given), WHAT[field] ?? `allowed at ${where}`, choices);
        return { where, message: `${where}: ${message}`, hint };
      }
      return chooseBranch(issue, where, given);
    }
    case 'unrecognized_keys': {
      const allowed = childrenOf(field);
      const key = issue.keys?.[0] ?? '';
      const near = closestChoice(key, allowed);
      return {
        where,
        message: `${where || 'the plan'}: unknown field \`${key}\`${near ? `; did you mean \`${near}\`?` : ''}`,
        hint: allowed.length ? `fields here: ${allowed.join(', ')}` : 'remove it',
      };
    }
    case 'invalid_type':
      if (given === undefined)
        return { where, message: `${where} is missing`, hint: `add it — ${fieldHint()}` };
      return {
        where,
        message: `${where}: expected ${issue.expected ?? 'another type'}, got ${kind(given)}${typeof given === 'string' ? ` "${given.slice(0, 40)}"` : ''}`,
        hint: fieldHint(),
      };
    default:
      return { where, message: `${where}: ${issue.message}`, hint: fieldHint() };
  }
}

/** target.key: neither `create` nor `existing` (or a misspelling of one). */
function chooseBranch(issue: Issue, where: string, given: unknown): PlanProblem {
  const branches = (issue.errors ?? [])
    .map((errs) => errs.find((e) => e.code === 'invalid_type')?.path[0])
    .filter((k): k is string => typeof k === 'string');
  const written = given !== null && typeof given === 'object' ? Object.keys(given) : [];
  const near = written.map((w) => closestChoice(w, branches)).find((x) => x !== undefined);
  return {
    where,
    message: `${where}: give exactly one of ${branches.map((b) => `\`${b}\``).join(' or ')}${near && !written.includes(near) ? `; did you mean \`${near}\`?` : ''}`,
    hint: PLAN_FIELD_DOCS[schemaPath(issue.path)] ?? 'see docs/PLAN.md',
  };
}

function childrenOf(field: string): string[] {
  const prefix = field ? `${field}.` : '';
  return planFields()
    .map((f) => f.path)
    .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('.') && !p.endsWith('[]'))
    .map((p) => p.slice(prefix.length));
}

function show(path: Key[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

/** The schema's name for a document path: array indices become []. */
function schemaPath(path: Key[]): string {
  return show(path).replace(/\[\d+\]/g, '[]');
}

function valueAt(doc: unknown, path: Key[]): unknown {
  let v = doc;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<Key, unknown>)[k];
  }
  return v;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `a ${typeof v}`;
}

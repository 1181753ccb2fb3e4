import { z } from 'zod';
import { planSchema } from '../ceremony/plan.js';
import { PLAN_FIELD_DOCS } from './plan-fields.js';

/** A JSON Schema node, as z.toJSONSchema produces it. */
export type JsonSchema = { [key: string]: unknown };

/** One field of the plan, merged over the variants it appears in (material modes, expiration models). */
export interface PlanField {
  path: string;
  /** JSON types, or "one of" for a field whose shape depends on a choice. */
  type: string;
  required: boolean;
  /** The variant a field belongs to, e.g. "mode: existing-file"; absent when it applies always. */
  when?: string;
  values?: string[];
  default?: unknown;
  constraints: string[];
}

const isNode = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);
const nodes = (v: unknown): JsonSchema[] => (Array.isArray(v) ? v.filter(isNode) : []);

/**
 * The plan's JSON Schema, for editors: generated from the zod schema (input side, so fields with
 * defaults are optional), each property described from PLAN_FIELD_DOCS.
 */
export function planJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(planSchema, { io: 'input' }) as JsonSchema;
  walk(schema, '', (path, node) => {
    const doc = PLAN_FIELD_DOCS[path];
    if (doc !== undefined) node['description'] = doc;
  });
  return {
    $schema: schema['$schema'],
    title: 'Keyrite ceremony plan',
    description: 'A reviewed plan for one witnessed key ceremony. See docs/PLAN.md.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

/** Visits every named field (and array item, as `path[]`) with the schema node that describes it. */
export function walk(
  node: JsonSchema,
  path: string,
  visit: (path: string, node: JsonSchema, required: boolean, when: string | undefined) => void,
  when?: string,
): void {
  const props = isNode(node['properties']) ? node['properties'] : undefined;
  if (props) {
    const required = Array.isArray(node['required']) ? (node['required'] as unknown[]) : [];
    for (const [k, child] of Object.entries(props)) {
      if (!isNode(child)) continue;
      const p = path ? `${path}.${k}` : k;
      visit(p, child, required.includes(k), when);
      walk(child, p, visit, when);
    }
  }
  if (isNode(node['items'])) {
    visit(`${path}[]`, node['items'], true, when);
    walk(node['items'], `${path}[]`, visit, when);
  }
  for (const option of [...nodes(node['anyOf']), ...nodes(node['oneOf'])]) {
    const label = variantLabel(option);
    // Options told apart by their field names (target.key: create or existing): each is optional on
    // its own; the parent's description says that exactly one is given.
    walk(label === undefined ? { ...option, required: [] } : option, path, visit, label ?? when);
  }
}

/** "mode: csprng" for a discriminated option; nothing for options told apart by their field names. */
function variantLabel(option: JsonSchema): string | undefined {
  const props = isNode(option['properties']) ? option['properties'] : {};
  for (const [k, v] of Object.entries(props))
    if (isNode(v) && typeof v['const'] === 'string') return `${k}: ${v['const']}`;
  return undefined;
}

/** Every field of the plan, in schema order, merged across variants. */
export function planFields(
  schema: JsonSchema = z.toJSONSchema(planSchema, { io: 'input' }) as JsonSchema,
): PlanField[] {
  const byPath = new Map<string, PlanField & { whens: Set<string>; always: boolean }>();
  walk(schema, '', (path, node, required, when) => {
    let f = byPath.get(path);
    if (!f) {
      f = {
        path,
        type: typeOf(node),
        required,
        constraints: constraintsOf(node),
        whens: new Set(),
        always: false,
      };
      if ('default' in node) f.default = node['default'];
      byPath.set(path, f);
    }
    const values = valuesOf(node);
    if (values) f.values = [...new Set([...(f.values ?? []), ...values])];
    if (when === undefined || when.startsWith(`${path.split('.').pop() ?? ''}:`)) f.always = true;
    else f.whens.add(when);
    f.required = f.required && required;
  });
  return [...byPath.values()].map(({ whens, always, ...f }) => {
    if (always || whens.size === 0) return f;
    return { ...f, when: [...whens].join(' or ') };
  });
}

function typeOf(node: JsonSchema): string {
  if (Array.isArray(node['anyOf']) || Array.isArray(node['oneOf'])) return 'one of';
  const t = node['type'];
  if (t === 'array') return 'list';
  if (t === 'object') return isNode(node['additionalProperties']) ? 'map' : 'object';
  return typeof t === 'string' ? t : 'value';
}

function valuesOf(node: JsonSchema): string[] | undefined {
  if (Array.isArray(node['enum'])) return node['enum'].map(String);
  if (node['const'] !== undefined) return [String(node['const'])];
  return undefined;
}

function constraintsOf(node: JsonSchema): string[] {
  const out: string[] = [];
  const n = (k: string): number | undefined =>
    typeof node[k] === 'number' ? (node[k] as number) : undefined;
  if (node['format'] === 'date-time') out.push('ISO 8601 date-time with zone');
  else if (typeof node['pattern'] === 'string') out.push(`matches \`${node['pattern']}\``);
  const [min, max] = [
    n('minLength') ?? n('minItems') ?? n('minimum'),
    n('maxLength') ?? n('maxItems') ?? n('maximum'),
  ];
  const unit =
    n('minItems') !== undefined || n('maxItems') !== undefined
      ? ' items'
      : node['type'] === 'string'
        ? ' characters'
        : '';
  if (min !== undefined && max !== undefined) out.push(`${min}–${max}${unit}`);
  else if (max !== undefined) out.push(`at most ${max}${unit}`);
  else if (min === 1 && node['type'] === 'string') out.push('not empty');
  else if (min !== undefined && min > 0) out.push(`at least ${min}${unit}`);
  return out;
}

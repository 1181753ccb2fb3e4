import { PLAN_FIELD_DOCS } from './plan-fields.js';
import { planFields, type PlanField } from './plan-json-schema.js';

/** A Markdown table cell: no line breaks, no unescaped pipes. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function allowed(f: PlanField): string {
  const parts: string[] = [];
  if (f.values) parts.push(f.values.map((v) => `\`${v}\``).join(', '));
  parts.push(...f.constraints);
  return parts.join('; ');
}

function required(f: PlanField): string {
  if (f.when) return `with ${f.when}`;
  return f.required ? 'yes' : 'no';
}

/** The field reference of docs/PLAN.md, generated from the plan's JSON Schema and PLAN_FIELD_DOCS. */
export function planFieldTable(fields: PlanField[] = planFields()): string {
  const rows = fields.map((f) =>
    [
      `\`${f.path}\``,
      f.type,
      required(f),
      allowed(f),
      f.default === undefined ? '' : `\`${JSON.stringify(f.default)}\``,
      PLAN_FIELD_DOCS[f.path] ?? '',
    ]
      .map(cell)
      .join(' | '),
  );
  return [
    '| field | type | required | allowed values | default | meaning |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

export interface PlanExample {
  title: string;
  /** Where the example ships, shown to the reader. */
  file: string;
  text: string;
}

export function planExamples(examples: PlanExample[]): string {
  return examples
    .map((e) => `### ${e.title}\n\n\`${e.file}\`:\n\n\`\`\`yaml\n${e.text.trimEnd()}\n\`\`\``)
    .join('\n\n');
}

/** Replaces the text between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`. */
export function replaceGenerated(doc: string, name: string, body: string): string {
  const open = `<!-- generated:${name} -->`;
  const close = `<!-- /generated:${name} -->`;
  const a = doc.indexOf(open);
  const b = doc.indexOf(close);
  if (a < 0 || b < a) throw new Error(`the document has no ${open} … ${close} section`);
  return `${doc.slice(0, a + open.length)}\n\n${body}\n\n${doc.slice(b)}`;
}

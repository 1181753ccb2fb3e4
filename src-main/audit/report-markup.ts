import { toWords } from '../../src-shared/words/pgp-words.js';

/** Everything interpolated into the page goes through here: text and attribute values alike. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const code = (s: unknown): string => `<code>${escapeHtml(s)}</code>`;
export const words = (hex: string): string => `<div class="words">${escapeHtml(toWords(hex))}</div>`;

/** A table of already-escaped cells; `empty` (plain text) when there are no rows. */
export function table(headers: string[], rows: string[][], empty: string, cls = ''): string {
  if (rows.length === 0) return `<p>${escapeHtml(empty)}</p>`;
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A payload field as display text: strings, numbers and booleans only (never an object dump). */
export const str = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

/** The first characters of a long hex value, for sentences; the full value is in the tables. */
export const short = (hex: unknown): string => {
  const s = str(hex);
  return s.length > 16 ? `${s.slice(0, 16)}…` : s;
};

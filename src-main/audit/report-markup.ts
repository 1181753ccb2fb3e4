/** Everything interpolated into the page goes through here: text and attribute values alike. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A payload field as display text: strings, numbers and booleans only (never an object dump). */
export const str = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

/** The first characters of a long hex value, for sentences; the full value is in the tables. */
export const short = (hex: unknown): string => {
  const s = str(hex);
  return s.length > 16 ? `${s.slice(0, 16)}…` : s;
};

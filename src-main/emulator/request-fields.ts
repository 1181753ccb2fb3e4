import { Buffer } from 'node:buffer';
import { KmsServiceError, validation } from './kms-error.js';

/**
 * Field readers for AWS JSON 1.1 request bodies. Messages follow AWS's Coral validation wording
 * ("1 validation error detected: Value … at 'fieldName' failed to satisfy constraint: …") because
 * users and scripts match on it.
 */
export type Body = Record<string, unknown>;

function wireName(field: string): string {
  return field.charAt(0).toLowerCase() + field.slice(1);
}

export function optString(body: Body, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string')
    throw validation(`1 validation error detected: Value at '${wireName(field)}' must be a string`);
  return v;
}

export function reqString(body: Body, field: string): string {
  const v = optString(body, field);
  if (v === undefined) {
    throw validation(
      `1 validation error detected: Value null at '${wireName(field)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (v.length === 0) {
    throw validation(
      `1 validation error detected: Value '' at '${wireName(field)}' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    );
  }
  return v;
}

/**
 * `values` decides what is accepted; `listed` is the set the message prints, in AWS's order where a
 * recorded response shows it (see enum-messages.ts), otherwise the model's.
 */
export function optEnum<T extends string>(
  body: Body,
  field: string,
  values: readonly T[],
  listed: readonly string[] = values,
): T | undefined {
  const v = optString(body, field);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) {
    throw validation(
      `1 validation error detected: Value '${v}' at '${wireName(field)}' failed to satisfy constraint: Member must satisfy enum value set: [${listed.join(', ')}]`,
    );
  }
  return v as T;
}

export function reqEnum<T extends string>(
  body: Body,
  field: string,
  values: readonly T[],
  listed: readonly string[] = values,
): T {
  const v = optEnum(body, field, values, listed);
  if (v === undefined) {
    throw validation(
      `1 validation error detected: Value null at '${wireName(field)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}

/** Blobs arrive as standard base64; the decoded bytes are fresh Buffer.alloc'd memory the caller owns. */
export function optBlob(body: Body, field: string, maxLength = 6144): Buffer | undefined {
  const v = optString(body, field);
  if (v === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
    throw new KmsServiceError('SerializationException', `Value at '${wireName(field)}' is not valid base64`);
  }
  const decoded = Buffer.from(v, 'base64');
  const out = Buffer.alloc(decoded.length);
  decoded.copy(out);
  decoded.fill(0);
  if (out.length === 0) {
    throw validation(
      `1 validation error detected: Value at '${wireName(field)}' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    );
  }
  if (out.length > maxLength) {
    out.fill(0);
    throw validation(
      `1 validation error detected: Value at '${wireName(field)}' failed to satisfy constraint: Member must have length less than or equal to ${maxLength}`,
    );
  }
  return out;
}

export function reqBlob(body: Body, field: string, maxLength = 6144): Buffer {
  const v = optBlob(body, field, maxLength);
  if (v === undefined) {
    throw validation(
      `1 validation error detected: Value null at '${wireName(field)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}

export function optNumber(body: Body, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw validation(`1 validation error detected: Value at '${wireName(field)}' must be a number`);
  return v;
}

/**
 * An optional integer within [min, max], refused in AWS's Coral words ("Member must have value
 * greater than or equal to …" / "less than or equal to …").
 */
export function optIntInRange(body: Body, field: string, min: number, max: number): number | undefined {
  const n = optNumber(body, field);
  if (n === undefined) return undefined;
  const bound = (cmp: string, limit: number) =>
    validation(
      `1 validation error detected: Value '${n}' at '${wireName(field)}' failed to satisfy constraint: Member must have value ${cmp} ${limit}`,
    );
  if (!Number.isInteger(n) || n < min) throw bound('greater than or equal to', min);
  if (n > max) throw bound('less than or equal to', max);
  return n;
}

export function optBoolean(body: Body, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean')
    throw validation(`1 validation error detected: Value at '${wireName(field)}' must be a boolean`);
  return v;
}

export function optStringMap(body: Body, field: string): Record<string, string> | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v))
    throw validation(`1 validation error detected: Value at '${wireName(field)}' must be a map`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (typeof val !== 'string')
      throw validation(
        `1 validation error detected: Value at '${wireName(field)}' must map strings to strings`,
      );
    out[k] = val;
  }
  return out;
}

/** Limit/Marker pagination shared by the List* operations. */
export function page<T>(items: T[], body: Body): { items: T[]; nextMarker?: string } {
  const limit = optNumber(body, 'Limit') ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw validation(
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000`,
    );
  }
  const marker = optString(body, 'Marker');
  let start = 0;
  if (marker !== undefined) {
    start = Number.parseInt(marker, 10);
    if (!/^\d+$/.test(marker) || start > items.length) {
      throw new KmsServiceError('InvalidMarkerException', 'Invalid marker');
    }
  }
  const slice = items.slice(start, start + limit);
  const next = start + limit < items.length ? String(start + limit) : undefined;
  return next === undefined ? { items: slice } : { items: slice, nextMarker: next };
}

/**
 * An optional string with the model's length bounds and pattern, refused in Coral's words ("Member
 * must have length less than or equal to …" / "Member must satisfy regular expression pattern: …").
 */
export function optPatterned(
  body: Body,
  field: string,
  rule: { pattern: RegExp; min: number; max: number },
): string | undefined {
  const v = optString(body, field);
  if (v === undefined) return undefined;
  const refuse = (constraint: string) =>
    validation(
      `1 validation error detected: Value '${v}' at '${wireName(field)}' failed to satisfy constraint: Member must ${constraint}`,
    );
  const length = [...v].length;
  if (length < rule.min) throw refuse(`have length greater than or equal to ${rule.min}`);
  if (length > rule.max) throw refuse(`have length less than or equal to ${rule.max}`);
  if (!rule.pattern.test(v)) throw refuse(`satisfy regular expression pattern: ${rule.pattern.source}`);
  return v;
}

import type { Tag } from './key-record.js';
import { KmsServiceError, validation } from './kms-error.js';
import type { Body } from './request-fields.js';

/** AWS's limit of tags on one KMS key. */
export const MAX_TAGS = 50;

function tagException(message: string): KmsServiceError {
  return new KmsServiceError('TagException', message);
}

/** Characters as AWS counts them: code points, not UTF-16 units. */
function chars(s: string): number {
  return [...s].length;
}

function lengthError(value: string, at: string, max: number): KmsServiceError {
  return validation(
    `1 validation error detected: Value '${value}' at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
  );
}

function checkKey(key: string, at: string): void {
  if (chars(key) < 1) {
    throw validation(
      `1 validation error detected: Value '' at '${at}' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    );
  }
  if (chars(key) > 128) throw lengthError(key, at, 128);
}

function reserved(key: string): boolean {
  return key.toLowerCase().startsWith('aws:');
}

/**
 * The Tags list of CreateKey and TagResource, checked as AWS recorded it (localstack
 * test_kms.snapshot.json, 2025): duplicate keys and more than 50 tags are TagExceptions, an over-long
 * key or value is a ValidationException naming `tags.N.member.tagKey|tagValue`, and a key beginning
 * with "aws:" in any letter case is reserved. Which check wins when one list breaks several rules is
 * not recorded; the order here is duplicates, count, then each tag in turn.
 */
export function readTags(body: Body, required: boolean): Tag[] {
  const raw = body.Tags;
  if (raw === undefined || raw === null) {
    if (required)
      throw validation(
        "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
      );
    return [];
  }
  if (!Array.isArray(raw)) throw validation("1 validation error detected: Value at 'tags' must be a list");
  const tags = raw.map((t: unknown, i) => {
    const tag = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
    for (const [member, wire] of [
      ['TagKey', 'tagKey'],
      ['TagValue', 'tagValue'],
    ] as const) {
      if (typeof tag[member] !== 'string') {
        throw validation(
          `1 validation error detected: Value null at 'tags.${i + 1}.member.${wire}' failed to satisfy constraint: Member must not be null`,
        );
      }
    }
    return { TagKey: tag.TagKey as string, TagValue: tag.TagValue as string };
  });
  if (new Set(tags.map((t) => t.TagKey)).size < tags.length) throw tagException('Duplicate tag keys');
  if (tags.length > MAX_TAGS) throw tagException('Too many tags');
  tags.forEach((t, i) => {
    checkKey(t.TagKey, `tags.${i + 1}.member.tagKey`);
    if (chars(t.TagValue) > 256) throw lengthError(t.TagValue, `tags.${i + 1}.member.tagValue`, 256);
    if (reserved(t.TagKey)) throw tagException('Tags beginning with aws: are reserved');
  });
  return tags;
}

/**
 * TagResource: a new value replaces an existing tag's in place, new keys are appended (the order
 * ListResourceTags showed in AWS's recording). More than 50 tags in all is refused like too many in
 * one request (our assumption: AWS's answer to that case is not recorded).
 */
export function mergeTags(existing: readonly Tag[], incoming: readonly Tag[]): Tag[] {
  const out = existing.map((t) => ({ ...t }));
  for (const t of incoming) {
    const same = out.find((x) => x.TagKey === t.TagKey);
    if (same) same.TagValue = t.TagValue;
    else out.push({ ...t });
  }
  if (out.length > MAX_TAGS) throw tagException('Too many tags');
  return out;
}

/** UntagResource's TagKeys: each 1–128 characters; keys the key does not have are ignored, as on AWS. */
export function readTagKeys(body: Body): string[] {
  const raw = body.TagKeys;
  if (raw === undefined || raw === null) {
    throw validation(
      "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!Array.isArray(raw)) throw validation("1 validation error detected: Value at 'tagKeys' must be a list");
  return raw.map((k: unknown, i) => {
    const at = `tagKeys.${i + 1}.member`;
    if (typeof k !== 'string') {
      throw validation(
        `1 validation error detected: Value null at '${at}' failed to satisfy constraint: Member must not be null`,
      );
    }
    checkKey(k, at);
    if (reserved(k)) throw tagException('Tags beginning with aws: are reserved');
    return k;
  });
}

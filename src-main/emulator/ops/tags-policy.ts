import { requireNotPendingDeletion } from '../key-metadata.js';
import { validation } from '../kms-error.js';
import { optString, page, reqString } from '../request-fields.js';
import type { Handler } from './handler.js';
import { mergeTags, readTagKeys, readTags } from '../tags.js';
import { checkPolicy } from './key-lifecycle.js';

export const tagResource: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  const tags = readTags(body, true);
  requireNotPendingDeletion(key);
  key.tags = mergeTags(key.tags, tags);
  state.save(key);
  return {};
};

export const untagResource: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  const keys = readTagKeys(body);
  requireNotPendingDeletion(key);
  key.tags = key.tags.filter((t) => !keys.includes(t.TagKey));
  state.save(key);
  return {};
};

export const listResourceTags: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  const { items, nextMarker } = page(key.tags, body);
  const out: Record<string, unknown> = { Tags: items, Truncated: nextMarker !== undefined };
  if (nextMarker) out.NextMarker = nextMarker;
  return out;
};

function policyName(name: string | undefined): string {
  // KMS keys have exactly one key policy, named "default".
  if (name !== undefined && name !== 'default') {
    throw validation(
      `1 validation error detected: Value '${name}' at 'policyName' failed to satisfy constraint: the only valid value is "default"`,
    );
  }
  return 'default';
}

/** KMS keys have exactly one key policy, so the list is always ["default"]. */
export const listKeyPolicies: Handler = (state, body) => {
  state.resolve(reqString(body, 'KeyId'), false);
  const { items, nextMarker } = page(['default'], body);
  const out: Record<string, unknown> = { PolicyNames: items, Truncated: nextMarker !== undefined };
  if (nextMarker) out.NextMarker = nextMarker;
  return out;
};

export const updateKeyDescription: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  const description = optString(body, 'Description');
  if (description === undefined) {
    throw validation(
      "1 validation error detected: Value null at 'description' failed to satisfy constraint: Member must not be null",
    );
  }
  if (description.length > 8192) {
    throw validation(
      "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192",
    );
  }
  requireNotPendingDeletion(key);
  key.description = description;
  state.save(key);
  return {};
};

export const getKeyPolicy: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  const name = policyName(optString(body, 'PolicyName'));
  return { Policy: key.policy, PolicyName: name };
};

export const putKeyPolicy: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  policyName(optString(body, 'PolicyName'));
  const policy = reqString(body, 'Policy');
  if (policy.length > 32768) {
    throw validation(
      "1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to 32768",
    );
  }
  checkPolicy(policy);
  requireNotPendingDeletion(key);
  key.policy = policy;
  state.save(key);
  return {};
};

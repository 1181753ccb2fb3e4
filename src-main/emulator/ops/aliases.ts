import { requireNotPendingDeletion } from '../key-metadata.js';
import { KmsServiceError, notFound, validation } from '../kms-error.js';
import { optString, page, reqString } from '../request-fields.js';
import type { Handler } from './handler.js';

const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

function checkAliasName(name: string): void {
  if (!name.startsWith('alias/')) {
    throw validation(
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
  }
  if (name.startsWith('alias/aws/')) {
    throw new KmsServiceError('NotAuthorizedException', 'Cannot create alias with prefix "alias/aws/"');
  }
  if (!ALIAS_NAME.test(name)) {
    throw validation(
      `1 validation error detected: Value '${name}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$`,
    );
  }
}

export const createAlias: Handler = (state, body) => {
  const name = reqString(body, 'AliasName');
  checkAliasName(name);
  const key = state.resolve(reqString(body, 'TargetKeyId'), false);
  requireNotPendingDeletion(key);
  if (state.aliases.has(name)) {
    throw new KmsServiceError(
      'AlreadyExistsException',
      `An alias with the name ${state.aliasArn(name)} already exists`,
    );
  }
  const now = state.now();
  state.saveAlias({ region: state.region, name, targetKeyId: key.keyId, created: now, updated: now });
  return {};
};

/**
 * Points an existing alias at another key of the same kind: AWS requires the old and new target to
 * share key spec and key usage, so an alias in use can never silently change what its callers can do.
 */
export const updateAlias: Handler = (state, body) => {
  const name = reqString(body, 'AliasName');
  checkAliasName(name);
  const alias = state.aliases.get(name);
  const target = state.resolve(reqString(body, 'TargetKeyId'), false);
  if (!alias) throw notFound(`Alias ${state.aliasArn(name)} is not found.`);
  requireNotPendingDeletion(target);
  const current = state.keys.get(alias.targetKeyId);
  if (current && (current.keySpec !== target.keySpec || current.keyUsage !== target.keyUsage)) {
    throw validation(
      `${name} points to a ${current.keySpec} key for ${current.keyUsage}; the new target ${target.arn} is a ${target.keySpec} key for ${target.keyUsage}. The key spec and key usage must match.`,
    );
  }
  state.saveAlias({ ...alias, targetKeyId: target.keyId, updated: state.now() });
  return {};
};

export const deleteAlias: Handler = (state, body) => {
  const name = reqString(body, 'AliasName');
  if (!name.startsWith('alias/')) checkAliasName(name);
  if (!state.aliases.has(name)) throw notFound(`Alias ${state.aliasArn(name)} is not found.`);
  state.deleteAlias(name);
  return {};
};

export const listAliases: Handler = (state, body) => {
  const keyIdParam = optString(body, 'KeyId');
  const filterKey = keyIdParam === undefined ? undefined : state.resolve(keyIdParam, false).keyId;
  const all = [...state.aliases.values()]
    .filter((a) => filterKey === undefined || a.targetKeyId === filterKey)
    .sort((a, b) => a.name.localeCompare(b.name));
  const { items, nextMarker } = page(all, body);
  const out: Record<string, unknown> = {
    Aliases: items.map((a) => ({
      AliasName: a.name,
      AliasArn: state.aliasArn(a.name),
      TargetKeyId: a.targetKeyId,
      CreationDate: a.created / 1000,
      LastUpdatedDate: a.updated / 1000,
    })),
    Truncated: nextMarker !== undefined,
  };
  if (nextMarker) out.NextMarker = nextMarker;
  return out;
};

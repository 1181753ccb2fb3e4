import { isDeepStrictEqual } from 'node:util';
import {
  GRANT_ID,
  grantIdOfToken,
  invalidGrantId,
  newGrantId,
  newGrantToken,
  readConstraints,
  readGrantName,
  readOperations,
  readPrincipal,
  tokenDigest,
} from '../grant-rules.js';
import { requireUsable } from '../key-metadata.js';
import { dryRun, KmsServiceError, notFound, validation } from '../kms-error.js';
import type { RegionState } from '../region-state.js';
import { type Body, optBoolean, optString, page, reqString } from '../request-fields.js';
import type { GrantRecord } from '../state-types.js';
import type { Handler } from './handler.js';

/**
 * Grants as the API reference defines them. The emulator accepts every caller's credentials, so a
 * grant is not enforced on later calls; it is recorded, listed, retired and revoked exactly as KMS
 * would, which is what a hand-over by grant needs to rehearse.
 */
function readGrantTokens(body: Body): void {
  const raw = body.GrantTokens;
  if (raw === undefined || raw === null) return;
  if (!Array.isArray(raw) || raw.some((t) => typeof t !== 'string'))
    throw validation("1 validation error detected: Value at 'grantTokens' must be a list of strings");
  if (raw.length > 10) {
    throw validation(
      "1 validation error detected: Value at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
  }
}

function entry(state: RegionState, g: GrantRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { KeyId: state.keyArn(g.keyId), GrantId: g.grantId };
  if (g.name !== undefined) out.Name = g.name;
  out.CreationDate = g.creationDate / 1000;
  out.GranteePrincipal = g.granteePrincipal;
  if (g.retiringPrincipal !== undefined) out.RetiringPrincipal = g.retiringPrincipal;
  out.IssuingAccount = `arn:aws:iam::${state.accountId}:root`;
  out.Operations = g.operations;
  if (g.constraints) out.Constraints = g.constraints;
  return out;
}

function listed(state: RegionState, grants: GrantRecord[], body: Body): Record<string, unknown> {
  const { items, nextMarker } = page(
    grants.sort((a, b) => a.creationDate - b.creationDate),
    body,
  );
  const out: Record<string, unknown> = {
    Grants: items.map((g) => entry(state, g)),
    Truncated: nextMarker !== undefined,
  };
  if (nextMarker) out.NextMarker = nextMarker;
  return out;
}

export const createGrant: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  const granteePrincipal = readPrincipal(body, 'GranteePrincipal', 'granteePrincipal', true) as string;
  const retiringPrincipal = readPrincipal(body, 'RetiringPrincipal', 'retiringPrincipal', false);
  const operations = readOperations(body, key);
  const constraints = readConstraints(body, key);
  const name = readGrantName(body);
  readGrantTokens(body);
  requireUsable(key);
  if (optBoolean(body, 'DryRun')) throw dryRun();
  // With a Name, an identical request returns the same grant (with a new token) instead of a second one.
  const same =
    name === undefined
      ? undefined
      : [...state.grants.values()].find(
          (g) =>
            g.keyId === key.keyId &&
            g.name === name &&
            g.granteePrincipal === granteePrincipal &&
            g.retiringPrincipal === retiringPrincipal &&
            isDeepStrictEqual([...g.operations].sort(), [...operations].sort()) &&
            isDeepStrictEqual(g.constraints, constraints),
        );
  const grant: GrantRecord = same ?? {
    region: state.region,
    grantId: newGrantId(),
    keyId: key.keyId,
    creationDate: state.now(),
    granteePrincipal,
    operations,
    tokenDigests: [],
    ...(name !== undefined ? { name } : {}),
    ...(retiringPrincipal !== undefined ? { retiringPrincipal } : {}),
    ...(constraints ? { constraints } : {}),
  };
  const token = newGrantToken(grant.grantId);
  grant.tokenDigests.push(tokenDigest(token));
  state.saveGrant(grant);
  return { GrantToken: token, GrantId: grant.grantId };
};

export const listGrants: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  const grantId = optString(body, 'GrantId');
  const grantee = optString(body, 'GranteePrincipal');
  const grants = [...state.grants.values()].filter(
    (g) =>
      g.keyId === key.keyId &&
      (grantId === undefined || g.grantId === grantId) &&
      (grantee === undefined || g.granteePrincipal === grantee),
  );
  return listed(state, grants, body);
};

export const listRetirableGrants: Handler = (state, body) => {
  const principal = readPrincipal(body, 'RetiringPrincipal', 'retiringPrincipal', true) as string;
  return listed(
    state,
    [...state.grants.values()].filter((g) => g.retiringPrincipal === principal),
    body,
  );
};

function grantOfKey(state: RegionState, keyId: string, grantId: string): GrantRecord {
  if (!GRANT_ID.test(grantId)) throw invalidGrantId(grantId);
  const g = state.grants.get(grantId);
  if (!g || g.keyId !== keyId) throw notFound(`Grant ID ${grantId} not found`);
  return g;
}

export const revokeGrant: Handler = (state, body) => {
  const key = state.resolve(reqString(body, 'KeyId'), false);
  const grant = grantOfKey(state, key.keyId, reqString(body, 'GrantId'));
  if (optBoolean(body, 'DryRun')) throw dryRun();
  state.deleteGrant(grant.grantId);
  return {};
};

/** By the token the grant was created with, or by key and grant id. */
export const retireGrant: Handler = (state, body) => {
  const token = optString(body, 'GrantToken');
  const keyIdParam = optString(body, 'KeyId');
  const grantIdParam = optString(body, 'GrantId');
  let grant: GrantRecord;
  if (token !== undefined) {
    const id = grantIdOfToken(token);
    const g = id === undefined ? undefined : state.grants.get(id);
    if (!g || !g.tokenDigests.includes(tokenDigest(token)))
      throw new KmsServiceError('InvalidGrantTokenException', 'The grant token is not valid.');
    if (grantIdParam !== undefined && grantIdParam !== g.grantId)
      throw notFound(`Grant ID ${grantIdParam} not found`);
    grant = g;
  } else if (keyIdParam !== undefined && grantIdParam !== undefined) {
    grant = grantOfKey(state, state.resolve(keyIdParam, false).keyId, grantIdParam);
  } else {
    throw validation('Either GrantToken, or both KeyId and GrantId, must be specified.');
  }
  if (optBoolean(body, 'DryRun')) throw dryRun();
  state.deleteGrant(grant.grantId);
  return {};
};

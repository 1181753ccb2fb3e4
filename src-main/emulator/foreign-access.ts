import { aliasArn, keyArn, parseKmsArn } from './arn.js';
import type { Caller } from './callers.js';
import { evaluateKeyPolicy } from './key-policy-eval.js';
import type { KeyRecord } from './key-record.js';
import { KmsServiceError, notFound } from './kms-error.js';
import type { RegionState } from './region-state.js';

/** A request from a caller of another account: who, and the operation it called. */
export interface ForeignAccess {
  caller: Caller;
  operation: string;
}

/**
 * The IAM actions AWS lets a principal of another account use on a KMS key, when the key policy (or a
 * grant) allows it: the operations the API reference marks "Cross-account use: Yes". ReEncrypt is
 * authorized as ReEncryptFrom on the source key and ReEncryptTo on the destination.
 */
export const CROSS_ACCOUNT_ACTIONS: ReadonlySet<string> = new Set([
  'CreateGrant',
  'Decrypt',
  'DeriveSharedSecret',
  'DescribeKey',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'GetKeyRotationStatus',
  'GetPublicKey',
  'ListGrants',
  'ReEncryptFrom',
  'ReEncryptTo',
  'RetireGrant',
  'RevokeGrant',
  'Sign',
  'Verify',
  'VerifyMac',
]);

/** AWS-recorded shape: "User: <caller> is not authorized to perform: kms:<Op> on resource: <key ARN> because …". */
function accessDenied(caller: Caller, action: string, resource: string, why: string): KmsServiceError {
  return new KmsServiceError(
    'AccessDeniedException',
    `User: ${caller.arn} is not authorized to perform: kms:${action} on resource: ${resource} ${why}`,
  );
}

const KEY_ID = /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * A KeyId that does not name the home account by ARN is looked up in the caller's own account, where
 * the emulator holds nothing: AWS needs the key ARN (or alias ARN) to reach another account's key,
 * and a bare key id or alias name is NotFoundException, with the ARN in the caller's account.
 * Returns normally only for an ARN of the home account (or of another account/Region, which the
 * home resolver refuses with its own recorded messages).
 */
export function refuseOutsideHome(
  state: RegionState,
  keyIdParam: string,
  allowAlias: boolean,
  caller: Caller,
): void {
  if (parseKmsArn(keyIdParam)) return;
  if (keyIdParam.startsWith('alias/')) {
    if (!allowAlias) throw notFound(`Invalid keyId '${keyIdParam}'`);
    throw notFound(`Alias ${aliasArn(state.region, caller.accountId, keyIdParam)} is not found.`);
  }
  if (!KEY_ID.test(keyIdParam)) throw notFound(`Invalid keyId '${keyIdParam}'`);
  throw notFound(`Key '${keyArn(state.region, caller.accountId, keyIdParam)}' does not exist`);
}

function grantAllows(state: RegionState, key: KeyRecord, caller: Caller, action: string): boolean {
  const principals = [caller.arn, `arn:aws:iam::${caller.accountId}:root`, caller.accountId];
  for (const g of state.grants.values()) {
    // Constrained grants depend on the request's encryption context: not evaluated, so never allow.
    if (g.keyId !== key.keyId || g.constraints) continue;
    if (principals.includes(g.granteePrincipal) && g.operations.includes(action)) return true;
  }
  return false;
}

/**
 * May this caller of another account perform `action` on `key`? An explicit Deny in the key policy
 * wins; an operation AWS does not offer across accounts is refused whatever the policy says; otherwise
 * the key policy or a grant for the caller's account must allow it.
 */
export function authorizeForeign(state: RegionState, key: KeyRecord, caller: Caller, action: string): void {
  const decision = evaluateKeyPolicy(key.policy, caller, `kms:${action}`, key.arn);
  if (decision === 'deny')
    throw accessDenied(caller, action, key.arn, 'with an explicit deny in a resource-based policy');
  if (!CROSS_ACCOUNT_ACTIONS.has(action)) {
    throw accessDenied(
      caller,
      action,
      key.arn,
      decision === 'allow'
        ? `because kms:${action} cannot be used on a KMS key in another AWS account`
        : `because no resource-based policy allows the kms:${action} action`,
    );
  }
  if (decision === 'allow' || grantAllows(state, key, caller, action)) return;
  throw accessDenied(
    caller,
    action,
    key.arn,
    `because no resource-based policy allows the kms:${action} action`,
  );
}

/**
 * What a caller of another account gets for an operation that does not name a key by ARN: its own
 * account, where the emulator hosts nothing, lists empty; creating keys or aliases there is refused
 * (the emulator keeps one account's keys); everything else runs against the home account's key the
 * request names by ARN, authorized through `RegionState.viewFor`.
 */
export function foreignWithoutKey(
  operation: string,
  body: Record<string, unknown>,
  caller: Caller,
  homeAccount: string,
): Record<string, unknown> | undefined {
  if (operation === 'ListKeys') return { Keys: [], Truncated: false };
  if (operation === 'ListAliases') return { Aliases: [], Truncated: false };
  if (operation === 'ListRetirableGrants') return { Grants: [], Truncated: false };
  const ownAccountOnly = ['CreateKey', 'CreateAlias', 'UpdateAlias', 'DeleteAlias'];
  if (ownAccountOnly.includes(operation) || (operation === 'RetireGrant' && body.KeyId === undefined)) {
    throw new KmsServiceError(
      'UnsupportedOperationException',
      `The Keyrite emulator holds keys of account ${homeAccount} only; account ${caller.accountId} (access key KEYRITE${caller.accountId}) can use them by key ARN but cannot call ${operation}.`,
    );
  }
  return undefined;
}

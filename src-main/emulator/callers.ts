import { partitionOf } from './arn.js';
import { signedAccessKeyId } from './sigv4-scope.js';

/**
 * Who is calling, as the emulator tells accounts apart. The emulator does not check signatures, so
 * it cannot learn an account from a secret; instead the access key id names it: `KEYRITE` followed by
 * the 12-digit account id (`KEYRITE444455556666`) is a caller of that account. Every other access key
 * id — the AWS CLI's or the SDK's usual credentials, Keyrite's own — and unsigned requests are callers
 * of the emulator's own (home) account, as before. Documented in docs/EMULATOR-FIDELITY.md and
 * `keyrite emulator --help`.
 */
export const OTHER_ACCOUNT_ACCESS_KEY = /^KEYRITE(\d{12})$/;

export interface Caller {
  accountId: string;
  /** The caller's principal ARN: the account's `user/keyrite-emulator`, as STS reports it. */
  arn: string;
}

export function callerArn(region: string, accountId: string): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:user/keyrite-emulator`;
}

export function callerOf(authorization: string | undefined, homeAccount: string, region: string): Caller {
  const named = OTHER_ACCOUNT_ACCESS_KEY.exec(signedAccessKeyId(authorization) ?? '');
  const accountId = named ? (named[1] as string) : homeAccount;
  return { accountId, arn: callerArn(region, accountId) };
}

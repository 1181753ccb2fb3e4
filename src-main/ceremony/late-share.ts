import { KeyriteError } from '../../src-shared/errors.js';
import type { SecretBuffer } from '../../src-shared/secret-buffer.js';
import type { CeremonyParts } from './ceremony-parts.js';
import { verifyShare } from './share-custody.js';

/**
 * A custodian who was pending when verify-shares completed (any M prove the backup) verifies their
 * share later, from the same ceremony directory. Only their own share, only once, only after the
 * shares exist: the checks come before the passphrase is used, so a refusal writes nothing. The
 * verification is the same `backup.share-verified` record the step writes, then covered by a
 * station-signed checkpoint as a witness's late exception is. A wrong passphrase is a recorded try
 * under the verify-shares step's cap, as at the step itself.
 */
export async function verifyPendingShare(
  p: CeremonyParts,
  custodianId: string,
  passphrase: SecretBuffer,
): Promise<{ verified: string[]; pending: string[] }> {
  try {
    assertMayVerifyLate(p, custodianId);
  } catch (e) {
    passphrase.dispose();
    throw e;
  }
  await verifyShare(p, custodianId, passphrase);
  p.journal.checkpoint();
  return shareStanding(p);
}

export function assertMayVerifyLate(p: CeremonyParts, custodianId: string): void {
  const { log } = p;
  const ids = log.plan.participants.custodians.map((c) => c.id);
  if (!ids.includes(custodianId))
    throw new KeyriteError(
      'NOT_A_CUSTODIAN',
      `${custodianId} is not a custodian in this ceremony's plan`,
      `the plan's custodians are ${ids.join(', ')}`,
    );
  const { steps, order } = log.state;
  if (!log.plan.backup.shares || !order.includes('verify-shares'))
    throw new KeyriteError(
      'NO_SHARES_IN_CEREMONY',
      'this ceremony makes no backup shares, so there is no share to verify',
      'check that --out names the ceremony that created the shares',
    );
  if (steps['backup-shares'] !== 'done' || log.commitments.size === 0)
    throw new KeyriteError(
      'CEREMONY_NOT_AT_VERIFY_SHARES',
      `the ceremony has not reached verify-shares yet (backup-shares is ${steps['backup-shares']})`,
      'continue the ceremony (keyrite ceremony run --out DIR --resume); custodians verify their shares at that step',
    );
  if (log.shareVerified(custodianId))
    throw new KeyriteError(
      'SHARE_ALREADY_VERIFIED',
      `${custodianId} has already verified their share in this ceremony`,
      'nothing to do: keyrite ceremony status lists who is still pending',
    );
}

/** Who has verified their share of the current backup, and who has not yet (plan order). */
export function shareStanding(p: CeremonyParts): { verified: string[]; pending: string[] } {
  const ids = p.log.plan.participants.custodians.map((c) => c.id);
  return {
    verified: ids.filter((id) => p.log.shareVerified(id)),
    pending: ids.filter((id) => !p.log.shareVerified(id)),
  };
}

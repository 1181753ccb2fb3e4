import { KeyriteError } from '../../src-shared/errors.js';
import type { StepId } from '../../src-shared/ceremony/state-machine.js';
import type { LogView } from './ceremony-log.js';
import type { SecretsInHand } from './secrets-in-hand.js';
import { awaitingBundle } from './bundle-due.js';
import { rewrapFromOwnShares, rewrapImpossible } from './steps/replica-rewrap.js';

/**
 * Why a step cannot succeed yet, or null when it can: what people in the room must still do (enroll,
 * open shares, sign off). The service refuses to run a blocked step with this error, and the view shows
 * its message beside a disabled Run button, so the screen never offers an action that must fail.
 * Quorum is not counted here: confirmations have their own display and their own refusal.
 */
export function stepBlocker(log: LogView, secrets: SecretsInHand, step: StepId): KeyriteError | null {
  // A split ceremony: the other station runs this step, or a bundle must cross first.
  const bundle = awaitingBundle(log, step);
  if (bundle) return bundle;
  switch (step) {
    case 'enroll': {
      const missing = log.plan.participants.custodians.filter((c) => !log.enrollment(c.id));
      if (missing.length > 0)
        return new KeyriteError(
          'ENROLLMENT_INCOMPLETE',
          `${missing.length} custodian(s) have not enrolled: ${names(missing)}`,
          'each custodian chooses a passphrase and enrolls before the ceremony continues',
        );
      // Witnesses enroll too: their key signs their sign-off and exceptions.
      const witnesses = log.plan.participants.witnesses.filter((w) => !log.witnessEnrollment(w.id));
      if (witnesses.length === 0) return null;
      return new KeyriteError(
        'ENROLLMENT_INCOMPLETE',
        `${witnesses.length} witness(es) have not enrolled: ${names(witnesses)}`,
        'each witness chooses a passphrase and enrolls a key that signs their sign-off and exceptions',
      );
    }
    case 'generate-material': {
      const impossible = rewrapImpossible(log);
      if (impossible) return impossible;
      // Wrapping the same material again (replica-rewrap.ts): rebuilt from this ceremony's own shares.
      if (log.plan.material.mode !== 'existing-shares' && !rewrapFromOwnShares(log)) return null;
      const needed = Math.max(log.plan.quorum.m, secrets.shareSource?.threshold ?? 0);
      if (secrets.shareSource && secrets.sharesOpened >= needed) return null;
      return new KeyriteError(
        'SHARES_QUORUM_NOT_MET',
        `reconstitution needs ${needed} opened shares, has ${secrets.sharesOpened}`,
        'more custodians must open their backup share',
      );
    }
    case 'verify-shares': {
      // Any M verified shares prove the backup; the rest may stay pending (the step's record names them).
      const m = log.plan.quorum.m;
      const verified = log.plan.participants.custodians.filter((c) => log.shareVerified(c.id));
      if (verified.length >= m) return null;
      const missing = log.plan.participants.custodians.filter((c) => !log.shareVerified(c.id));
      return new KeyriteError(
        'SHARES_NOT_VERIFIED',
        `${verified.length} of the ${m} share(s) needed are verified; not yet: ${names(missing)}`,
        `custodians open their own share with their passphrase; any ${m} prove the backup`,
      );
    }
    case 'close': {
      const missing = log.plan.participants.witnesses.filter((w) => !log.signedOff(w.id));
      if (missing.length === 0) return null;
      return new KeyriteError(
        'WITNESS_SIGNOFF_MISSING',
        `${missing.length} witness(es) have not signed off: ${names(missing)}`,
        'each witness signs off before the ceremony closes',
      );
    }
    default:
      return null;
  }
}

function names(people: { id: string }[]): string {
  return people.map((p) => p.id).join(', ');
}

import { KeyriteError } from '../../src-shared/errors.js';
import type { StepId } from '../../src-shared/ceremony/state-machine.js';
import type { Runtime } from './runtime.js';

/**
 * Why a step cannot succeed yet, or null when it can: what people in the room must still do (enroll,
 * open shares, sign off). The service refuses to run a blocked step with this error, and the view shows
 * its message beside a disabled Run button, so the screen never offers an action that must fail.
 * Quorum is not counted here: confirmations have their own display and their own refusal.
 */
export function stepBlocker(rt: Runtime, step: StepId): KeyriteError | null {
  switch (step) {
    case 'enroll': {
      const missing = rt.plan.participants.custodians.filter((c) => !rt.enrollments.has(c.id));
      if (missing.length === 0) return null;
      return new KeyriteError(
        'ENROLLMENT_INCOMPLETE',
        `${missing.length} custodian(s) have not enrolled: ${names(missing)}`,
        'each custodian chooses a passphrase and enrolls before the ceremony continues',
      );
    }
    case 'generate-material': {
      if (rt.plan.material.mode !== 'existing-shares') return null;
      const needed = Math.max(rt.plan.quorum.m, rt.pendingShareSource?.threshold ?? 0);
      if (rt.pendingShareSource && rt.pendingShares.size >= needed) return null;
      return new KeyriteError(
        'SHARES_QUORUM_NOT_MET',
        `reconstitution needs ${needed} opened shares, has ${rt.pendingShares.size}`,
        'more custodians must open their backup share',
      );
    }
    case 'verify-shares': {
      const missing = rt.plan.participants.custodians.filter((c) => !rt.shareVerified.has(c.id));
      if (missing.length === 0) return null;
      return new KeyriteError(
        'SHARES_NOT_VERIFIED',
        `${missing.length} share(s) not yet verified: ${names(missing)}`,
        'each custodian opens their own share with their passphrase',
      );
    }
    case 'close': {
      const missing = rt.plan.participants.witnesses.filter((w) => !rt.witnessSignoffs.has(w.id));
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

import { readRequest } from '../../src-shared/bundle/content.js';
import { verifyBundle } from '../../src-shared/bundle/verify.js';
import { validatePlan } from '../../src-shared/ceremony/plan.js';
import { directorySource } from '../media/bundle-dir.js';

/**
 * Before the offline station has a log, the request that starts it is checked as far as it can be:
 * signature (and the pinned online station, when people gave its fingerprint), files, this plan's
 * digest, expiry and content. Its ceremony id names the offline log; the full check, against the
 * ceremony, runs again once the log exists, where a refusal is recorded. A request refused here
 * starts nothing, so there is no log to record it in: the error goes to the operator.
 */
export function firstRequest(dir: string, planDoc: unknown, pin: string | undefined): string {
  const { digest } = validatePlan(planDoc);
  const now = new Date();
  const b = verifyBundle(directorySource(dir), {
    now,
    kind: 'request',
    planDigest: digest,
    stations: pin ? [pin] : [],
  });
  readRequest(b, now);
  return b.manifest.ceremonyId;
}

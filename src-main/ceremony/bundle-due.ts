import { KeyriteError } from '../../src-shared/errors.js';
import { nextStep, type StepId } from '../../src-shared/ceremony/state-machine.js';
import { isPeerStep } from '../../src-shared/ceremony/stations.js';
import type { CompletedStep } from '../../src-shared/bundle/content.js';
import type { LogView } from './ceremony-log.js';

/** What a station of a split ceremony must do with the medium before its next step can run. */
export type BundleAction = 'write-request' | 'read-request' | 'write-response' | 'read-response';

/**
 * True once this station wrote a bundle of `kind` for the import parameters it holds now and recorded
 * its digest. A write the station died in before recording it (recovery settles it as unknown) does
 * not count: the bundle is written again under the next number, so the one the other station reads
 * and answers is one this log holds the digest of (the online station refuses a response to a request
 * whose digest it never recorded).
 */
function written(log: LogView, kind: 'request' | 'response'): boolean {
  const token = log.facts.importTokenDigest;
  return log.writtenBundles.some(
    (b) => b.kind === kind && b.importTokenDigest === token && b.bundleDigest !== undefined,
  );
}
const requestWritten = (log: LogView) => written(log, 'request');
const responseWritten = (log: LogView) => written(log, 'response');

/**
 * The bundle this station needs to write or read now, or null when its next step runs here. Online:
 * after fetching import parameters it writes the request, then waits for the response. Offline: it
 * starts from a request, and after wrapping writes the response before it may close.
 */
export function bundleDue(log: LogView): BundleAction | null {
  const role = log.role;
  const next = nextStep(log.state);
  if (!role || !next) return null;
  if (role === 'online') {
    if (!isPeerStep(role, next)) return null;
    return requestWritten(log) ? 'read-response' : 'write-request';
  }
  if (isPeerStep(role, next)) return 'read-request';
  if (next === 'close' && !responseWritten(log)) return 'write-response';
  return null;
}

/** Why the next step cannot run on this station, or null. readiness.ts shows it beside Run. */
export function awaitingBundle(log: LogView, step: StepId): KeyriteError | null {
  const due = bundleDue(log);
  if (!due || (!isPeerStep(log.role, step) && step !== 'close')) return null;
  const what: Record<BundleAction, [string, string]> = {
    'write-request': [
      `step ${step} runs on the offline station`,
      'write the request bundle to the medium and carry it to the offline station',
    ],
    'read-response': [
      `step ${step} runs on the offline station`,
      'read the response bundle the offline station wrote (or write the request again)',
    ],
    'read-request': [
      `step ${step} runs on the online station`,
      'read the request bundle the online station wrote',
    ],
    'write-response': [
      'the response bundle has not been written',
      'write the response bundle to the medium before closing this station',
    ],
  };
  const [message, hint] = what[due];
  return new KeyriteError('AWAITING_BUNDLE', message, hint);
}

/** The steps of this log from `from` up to (not including) the first step that is not a peer step. */
export function peerBlock(log: LogView): StepId[] {
  const order = log.state.order;
  const next = nextStep(log.state);
  if (!next) return [];
  const block: StepId[] = [];
  for (const s of order.slice(order.indexOf(next))) {
    if (!isPeerStep(log.role, s)) break;
    if (log.state.steps[s] !== 'skipped') block.push(s);
  }
  return block;
}

/** The steps this station ran itself (done, in order) since the other station's last block. */
export function ownBlock(log: LogView, until: StepId): CompletedStep[] {
  const order = log.state.order;
  const out: CompletedStep[] = [];
  for (const s of order.slice(0, order.indexOf(until))) {
    if (isPeerStep(log.role, s)) {
      out.length = 0;
      continue;
    }
    if (log.state.steps[s] !== 'done') continue;
    const facts = Object.fromEntries(
      Object.entries(log.stepFacts(s) ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    out.push({ stepId: s, facts });
  }
  return out;
}

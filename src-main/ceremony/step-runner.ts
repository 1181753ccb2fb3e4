import { KeyriteError } from '../../src-shared/errors.js';
import { nextStep, type CeremonyEvent, type StepId } from '../../src-shared/ceremony/state-machine.js';
import type { StepFailure } from './ceremony-log.js';
import { progress, stepContext, type CeremonyParts } from './ceremony-parts.js';
import { crashPoint } from './crash-point.js';
import { DISK_FAULTS, diskFault } from '../media/disk-fault.js';
import { stepBlocker } from './readiness.js';
import { needsRealign, realign } from './recovery.js';
import { STEP_RUNNERS } from './steps/index.js';

/**
 * Applies a step event: checked against the state machine first, then recorded, and the record
 * (folded by the journal) moves the state — so the log never holds an illegal move.
 */
export function applyStepEvent(p: CeremonyParts, ev: CeremonyEvent, failure?: StepFailure): void {
  p.log.check(ev);
  switch (ev.kind) {
    case 'step-started':
      p.journal.append('step.started', { stepId: ev.step });
      break;
    case 'step-completed':
      p.journal.append('step.completed', { stepId: ev.step, facts: ev.facts });
      break;
    case 'step-failed':
      p.journal.append('step.failed', {
        stepId: ev.step,
        code: failure?.code ?? 'FAILED',
        message: (failure?.message ?? ev.reason).slice(0, 1000),
        ...(failure?.hint !== undefined ? { hint: failure.hint.slice(0, 1000) } : {}),
      });
      break;
    case 'rewound':
      p.journal.append('step.rewound', { stepId: ev.to, reason: ev.reason });
      break;
  }
  p.signals.changed();
}

/**
 * Runs the next step (which must be `stepId` when given): realigns first if the world moved, refuses
 * a step people are not ready for or whose quorum is not met, spends the quorum, runs the step's
 * function, records its facts and a station-signed checkpoint — or, on any error, zeroes the secrets
 * in hand and records why it failed.
 */
export async function runNextStep(p: CeremonyParts, stepId?: StepId): Promise<void> {
  if (needsRealign(p)) {
    // The world moved (material zeroed by an earlier error, parameters expired): realign first, then
    // the step order below tells the caller what must run now.
    for (const line of await realign(p, (ev, failure) => applyStepEvent(p, ev, failure))) {
      p.recovery.push(line);
      progress(p, nextStep(p.log.state) ?? 'close', 'realigned', line);
    }
  }
  const step = nextStep(p.log.state);
  if (!step) throw new KeyriteError('CEREMONY_CLOSED', 'the ceremony is closed', 'start a new ceremony');
  if (stepId && stepId !== step)
    throw new KeyriteError(
      'CEREMONY_OUT_OF_ORDER',
      `step ${stepId} cannot run now: the next step is ${step}`,
      'run the steps in plan order',
    );
  const blocker = stepBlocker(p.log, p.secrets, step);
  if (blocker) throw blocker;
  p.quorum.spend(step);
  applyStepEvent(p, { kind: 'step-started', step });
  crashPoint(`start:${step}`);
  progress(p, step, 'started', p.log.plan.name);
  try {
    const facts = await STEP_RUNNERS[step](stepContext(p, step));
    applyStepEvent(p, { kind: 'step-completed', step, facts });
    // A station-signed checkpoint at every step boundary keeps the chain-only tail short; for close it
    // comes after the close record, so the final checkpoint covers every record of the ceremony.
    p.journal.checkpoint();
    crashPoint(`done:${step}`);
    progress(p, step, 'completed', 'done', facts);
  } catch (e) {
    // Every error path zeroes what secrets the engine holds; a retry regenerates or reconstitutes.
    p.secrets.dispose();
    const err =
      e instanceof KeyriteError
        ? e
        : (diskFault(e, p.paths.dir) ??
          new KeyriteError(
            'STEP_FAILED',
            // Library text can carry paths or data: it stays out of the log, the UI and the error.
            `step ${step} failed unexpectedly (${e instanceof Error ? e.name : 'error'})`,
            'see the audit log; reopen the ceremony to retry',
          ));
    try {
      applyStepEvent(
        p,
        { kind: 'step-failed', step, reason: `${err.code}: ${err.message}` },
        { code: err.code, message: err.message, hint: err.hint },
      );
    } catch (unrecorded) {
      // A full disk that stopped the step often stops its step.failed record too: the step's own
      // error names the disk that failed; the log ends at the last whole record, as after a crash.
      if (!(unrecorded instanceof KeyriteError && DISK_FAULTS.has(unrecorded.code))) throw unrecorded;
    }
    progress(p, step, 'failed', err.message);
    throw err;
  }
}

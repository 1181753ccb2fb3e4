import type { CeremonyView, StepView } from '../../src-shared/ipc/ceremony-view.js';
import { isGuarded, nextStep, type StepFacts, type StepId } from '../../src-shared/ceremony/state-machine.js';
import { STEP_CATALOGUE } from '../../src-shared/ceremony/steps.js';
import { createHash } from 'node:crypto';
import type { Runtime } from './runtime.js';
import { stepBlocker } from './readiness.js';
import { words } from './steps/setup-steps.js';

export type { CeremonyView };

/** The facts a step's catalogue entry says the screen shows (KCV in lower case, as every hex value there). */
export function viewFacts(step: StepId, f: StepFacts): StepView['facts'] {
  const out: Record<string, string> = {};
  for (const k of STEP_CATALOGUE[step].shows) {
    const v = f[k];
    if (v !== undefined) out[k] = k === 'kcv' ? v.toLowerCase() : v;
  }
  return out;
}

/** Builds the public picture of the ceremony: no material, no shares, no sealed blobs. */
export function buildView(rt: Runtime): CeremonyView {
  const next = nextStep(rt.state);
  const completed = rt.state.closed;
  const enrolling = rt.state.steps.enroll !== 'done';
  const p = rt.plan.participants;
  const participants: CeremonyView['participants'] = [
    { id: p.administrator.id, name: p.administrator.name, role: 'administrator', enrolled: false },
    ...p.custodians.map((c) => {
      const e = rt.enrollments.get(c.id);
      return {
        id: c.id,
        name: c.name,
        role: 'custodian' as const,
        enrolled: e !== undefined,
        ...(rt.plan.backup.shares ? { shareVerified: rt.shareVerified.has(c.id) } : {}),
        ...(e
          ? {
              publicKeyFingerprint: createHash('sha256')
                .update(Buffer.from(e.signingPublicKey, 'base64'))
                .digest('hex'),
            }
          : {}),
      };
    }),
    ...p.witnesses.map((w) => ({ id: w.id, name: w.name, role: 'witness' as const, enrolled: false })),
    ...(p.auditor
      ? [{ id: p.auditor.id, name: p.auditor.name, role: 'auditor' as const, enrolled: false }]
      : []),
  ];
  const steps: StepView[] = rt.state.order.map((id) => {
    const st = rt.state.steps[id];
    const status = st === 'pending' && id === next ? 'ready' : st;
    const err = rt.errors.get(id);
    // Confirmations toward the open request, else the quorum that let the step run (if it ran). A
    // failed step's quorum was spent on the failed run: a retry needs fresh confirmations.
    const confirmed =
      rt.challenge?.stepId === id && rt.tally
        ? rt.tally.confirmations().map((c) => c.custodianId)
        : st === 'done' || st === 'running'
          ? (rt.confirmedBy.get(id) ?? [])
          : [];
    const blocker = id === next ? stepBlocker(rt, id) : null;
    return {
      id,
      title: STEP_CATALOGUE[id].title,
      description: STEP_CATALOGUE[id].description,
      status,
      guarded: isGuarded(rt.plan, id),
      confirmedBy: confirmed,
      facts: st === 'done' ? viewFacts(id, rt.stepFacts.get(id) ?? {}) : {},
      exceptions: rt.exceptions
        .filter((x) => x.stepId === id)
        .map((x) => ({ witnessId: x.witnessId, text: x.text, at: x.at })),
      ...(err && st === 'failed'
        ? {
            error: {
              code: err.code.slice(0, 64),
              message: err.message.slice(0, 512),
              ...(err.hint ? { hint: err.hint.slice(0, 512) } : {}),
            },
          }
        : {}),
      ...(blocker
        ? {
            blockedBy: {
              code: blocker.code,
              message: blocker.message.slice(0, 512),
              hint: blocker.hint.slice(0, 512),
            },
          }
        : {}),
    };
  });
  return {
    status: completed ? 'completed' : enrolling ? 'enrolling' : 'in-progress',
    ceremonyId: rt.ceremonyId,
    planDigest: rt.planDigest,
    planDigestWords: words(rt.planDigest),
    title: rt.plan.name.slice(0, 256),
    quorum: { m: rt.plan.quorum.m, n: p.custodians.length },
    participants,
    steps,
    ...(next ? { currentStepId: next } : {}),
  };
}

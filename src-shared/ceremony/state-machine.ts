import { KeyriteError } from '../errors.js';
import type { CeremonyPlan, GuardableStep } from './plan.js';

/** The online flow, in order. Steps a plan does not need are skipped, never reordered. */
export const STEPS = [
  'enroll',
  'preflight',
  'create-key',
  'import-parameters',
  'generate-material',
  'backup-shares',
  'verify-shares',
  'wrap',
  'import',
  'verify',
  'grant',
  'handover',
  'close',
] as const;
export type StepId = (typeof STEPS)[number];

export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

/** Public facts only: ARNs, fingerprints, KCVs, states. Never material. */
export type StepFacts = Record<string, string>;

export interface CeremonyState {
  readonly ceremonyId: string;
  readonly planDigest: string;
  readonly steps: Readonly<Record<StepId, StepStatus>>;
  readonly facts: Readonly<StepFacts>;
  readonly closed: boolean;
}

export type CeremonyEvent =
  | { kind: 'step-started'; step: StepId }
  | { kind: 'step-completed'; step: StepId; facts: StepFacts }
  | { kind: 'step-failed'; step: StepId; reason: string }
  /** Recovery: the world says an earlier step must run again (e.g. material lost before import). */
  | { kind: 'rewound'; to: StepId; reason: string };

export function isStepId(s: string): s is StepId {
  return (STEPS as readonly string[]).includes(s);
}

export function skippedSteps(plan: CeremonyPlan): Set<StepId> {
  const skip = new Set<StepId>();
  if (!('create' in plan.target.key)) skip.add('create-key');
  if (!plan.backup.shares) {
    skip.add('backup-shares');
    skip.add('verify-shares');
  }
  if (!plan.grant) skip.add('grant');
  return skip;
}

export function isGuarded(plan: CeremonyPlan, step: StepId): boolean {
  return (
    (plan.guardedSteps as readonly string[]).includes(step) && !skippedSteps(plan).has(step as GuardableStep)
  );
}

export function initialState(ceremonyId: string, planDigest: string, plan: CeremonyPlan): CeremonyState {
  const skip = skippedSteps(plan);
  const steps = Object.fromEntries(STEPS.map((s) => [s, skip.has(s) ? 'skipped' : 'pending'])) as Record<
    StepId,
    StepStatus
  >;
  return { ceremonyId, planDigest, steps, facts: {}, closed: false };
}

/** The step to run now: the running one, else the first failed or pending one; null when closed. */
export function nextStep(state: CeremonyState): StepId | null {
  for (const s of STEPS) {
    const st = state.steps[s];
    if (st === 'running' || st === 'failed' || st === 'pending') return s;
  }
  return null;
}

function outOfOrder(message: string): KeyriteError {
  return new KeyriteError(
    'CEREMONY_OUT_OF_ORDER',
    message,
    'run the steps in plan order; reopen the ceremony to see where it is',
  );
}

/** Pure transition. Throws on any event the ceremony's order does not allow. */
export function applyEvent(state: CeremonyState, ev: CeremonyEvent): CeremonyState {
  if (state.closed) throw outOfOrder(`ceremony ${state.ceremonyId} is closed`);
  const steps = { ...state.steps };
  switch (ev.kind) {
    case 'step-started': {
      const next = nextStep(state);
      if (next !== ev.step)
        throw outOfOrder(`step ${ev.step} cannot start: the next step is ${next ?? 'none'}`);
      steps[ev.step] = 'running';
      return { ...state, steps };
    }
    case 'step-completed': {
      if (steps[ev.step] !== 'running') throw outOfOrder(`step ${ev.step} completed without having started`);
      steps[ev.step] = 'done';
      const closed = ev.step === 'close';
      return { ...state, steps, facts: { ...state.facts, ...ev.facts }, closed };
    }
    case 'step-failed': {
      if (steps[ev.step] !== 'running') throw outOfOrder(`step ${ev.step} failed without having started`);
      steps[ev.step] = 'failed';
      return { ...state, steps };
    }
    case 'rewound': {
      const from = STEPS.indexOf(ev.to);
      for (const s of STEPS.slice(from)) if (steps[s] !== 'skipped') steps[s] = 'pending';
      return { ...state, steps };
    }
  }
}

export function foldEvents(start: CeremonyState, events: readonly CeremonyEvent[]): CeremonyState {
  return events.reduce(applyEvent, start);
}

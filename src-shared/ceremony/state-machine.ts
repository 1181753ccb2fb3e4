import { KeyriteError } from '../errors.js';
import type { CeremonyFacts } from './facts.js';
import type { CeremonyPlan } from './plan.js';
import { STEP_CATALOGUE, STEP_IDS, isStepId, type StepId } from './steps.js';

export { isStepId, type StepId };

/**
 * A ceremony kind is an ordered sequence of catalogue steps: an import, a rotation of an existing
 * key, or an import into a multi-Region key and its replicas. Another kind is another entry here plus
 * the steps it adds to the catalogue, and the state machine below runs it unchanged.
 */
export const CEREMONY_KINDS = {
  import: [
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
  ],
  /** New material for an existing key, imported pending rotation, verified, then made current. */
  rotate: [
    'enroll',
    'preflight',
    'import-parameters',
    'generate-material',
    'backup-shares',
    'verify-shares',
    'wrap',
    'import',
    'verify',
    'rotate',
    'handover',
    'close',
  ],
  /**
   * One material in several regions: the primary created as a multi-Region key, replicated into each
   * replica region, then import parameters, wrap, import and verify for every region.
   */
  'multi-region': [
    'enroll',
    'preflight',
    'create-key',
    'replicate',
    'import-parameters',
    'generate-material',
    'backup-shares',
    'verify-shares',
    'wrap',
    'import',
    'verify',
    'handover',
    'close',
  ],
} as const satisfies Record<string, readonly StepId[]>;
export type CeremonyKind = keyof typeof CEREMONY_KINDS;

/** The import ceremony's steps, in order. Steps a plan does not need are skipped, never reordered. */
export const STEPS = CEREMONY_KINDS.import;

/**
 * Which kind of ceremony a plan describes: a plan with `rotate` rotates, one with replica regions
 * imports into a multi-Region key (pre-flight refuses both at once), every other one imports.
 */
export function planKind(plan: CeremonyPlan): CeremonyKind {
  if (plan.rotate !== undefined) return 'rotate';
  return plan.target.provider === 'aws' && plan.target.replicaRegions !== undefined
    ? 'multi-region'
    : 'import';
}

export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

/** Public facts only: ARNs, fingerprints, KCVs, states. Never material. */
export type StepFacts = CeremonyFacts;

export interface CeremonyState {
  readonly ceremonyId: string;
  readonly planDigest: string;
  /** The kind's steps in the order they run. */
  readonly order: readonly StepId[];
  readonly steps: Readonly<Record<StepId, StepStatus>>;
  readonly facts: Readonly<CeremonyFacts>;
  readonly closed: boolean;
}

export type CeremonyEvent =
  | { kind: 'step-started'; step: StepId }
  | { kind: 'step-completed'; step: StepId; facts: CeremonyFacts }
  | { kind: 'step-failed'; step: StepId; reason: string }
  /** Recovery: the world says an earlier step must run again (e.g. material lost before import). */
  | { kind: 'rewound'; to: StepId; reason: string };

export function skippedSteps(plan: CeremonyPlan): Set<StepId> {
  const skip = new Set<StepId>();
  for (const id of CEREMONY_KINDS[planKind(plan)]) {
    const d = STEP_CATALOGUE[id];
    if ('skipWhen' in d && d.skipWhen(plan)) skip.add(id);
  }
  return skip;
}

export function isGuarded(plan: CeremonyPlan, step: StepId): boolean {
  return (plan.guardedSteps as readonly string[]).includes(step) && !skippedSteps(plan).has(step);
}

/** `order`: a station of a split ceremony walks the kind's steps in its own order (stations.ts). */
export function initialState(
  ceremonyId: string,
  planDigest: string,
  plan: CeremonyPlan,
  order: readonly StepId[] = CEREMONY_KINDS[planKind(plan)],
): CeremonyState {
  const skip = skippedSteps(plan);
  // Steps of the catalogue that this kind does not run are never offered.
  const status = (s: StepId): StepStatus => (skip.has(s) || !order.includes(s) ? 'skipped' : 'pending');
  const steps = Object.fromEntries(STEP_IDS.map((s) => [s, status(s)])) as Record<StepId, StepStatus>;
  return { ceremonyId, planDigest, order, steps, facts: {}, closed: false };
}

/** The step to run now: the running one, else the first failed or pending one; null when closed. */
export function nextStep(state: CeremonyState): StepId | null {
  for (const s of state.order) {
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
      const closed = ev.step === state.order[state.order.length - 1];
      return { ...state, steps, facts: { ...state.facts, ...ev.facts }, closed };
    }
    case 'step-failed': {
      if (steps[ev.step] !== 'running') throw outOfOrder(`step ${ev.step} failed without having started`);
      steps[ev.step] = 'failed';
      return { ...state, steps };
    }
    case 'rewound': {
      const from = state.order.indexOf(ev.to);
      if (from < 0) throw outOfOrder(`step ${ev.to} is not part of this ceremony`);
      for (const s of state.order.slice(from)) if (steps[s] !== 'skipped') steps[s] = 'pending';
      return { ...state, steps };
    }
  }
}

export function foldEvents(start: CeremonyState, events: readonly CeremonyEvent[]): CeremonyState {
  return events.reduce(applyEvent, start);
}

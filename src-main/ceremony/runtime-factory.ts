/** Builds a ceremony's runtime: the mutable state one service instance owns and lends to its steps. */
import { initialState, type StepFacts, type StepId } from '../../src-shared/ceremony/state-machine.js';
import { planKeySpec, type CeremonyPlan } from '../../src-shared/ceremony/plan.js';
import type { CeremonyPaths } from './ceremony-dir.js';
import type { Journal } from './journal.js';
import type { KmsPort } from './kms-port.js';
import type { EngineOptions, Runtime } from './runtime.js';
import { viewFacts } from './view.js';

export interface ProgressEvent {
  stepId: StepId;
  phase: string;
  message: string;
  facts?: StepFacts;
  at: string;
}

const DEFAULT_TTL_MS = 15 * 60 * 1000;

export function withDefaults(o: EngineOptions = {}): Runtime['opts'] {
  return {
    ...o,
    clock: o.clock ?? (() => new Date()),
    confirmationTtlMs: o.confirmationTtlMs ?? DEFAULT_TTL_MS,
  };
}

/** Lets the service route runtime progress to its listeners without the runtime knowing about events. */
export const progressSinks = new WeakMap<Runtime, { progress?: (e: ProgressEvent) => void }>();

export function makeRuntime(a: {
  ceremonyId: string;
  plan: CeremonyPlan;
  digest: string;
  paths: CeremonyPaths;
  journal: Journal;
  kms: KmsPort;
  opts: Runtime['opts'];
  planBase: string;
}): Runtime {
  const emitter: { progress?: (e: ProgressEvent) => void } = {};
  const rt: Runtime = {
    ceremonyId: a.ceremonyId,
    plan: a.plan,
    planDigest: a.digest,
    spec: planKeySpec(a.plan),
    paths: a.paths,
    journal: a.journal,
    kms: a.kms,
    opts: a.opts,
    planBase: a.planBase,
    state: initialState(a.ceremonyId, a.digest, a.plan),
    enrollments: new Map(),
    material: null,
    challenge: null,
    tally: null,
    challengeCheckpoint: null,
    usedNonces: new Set(),
    shareVerified: new Set(),
    witnessSignoffs: new Set(),
    exceptions: [],
    confirmedBy: new Map(),
    errors: new Map(),
    stepFacts: new Map(),
    pendingShares: new Map(),
    pendingShareSource: null,
    facts: () => rt.state.facts,
    // Progress carries only the facts the UI contract knows, so a listener can forward it as is.
    progress: (stepId, phase, message, facts) =>
      emitter.progress?.({
        stepId,
        phase,
        message: message.slice(0, 512),
        ...(facts ? { facts: viewFacts(stepId, facts) } : {}),
        at: a.opts.clock().toISOString(),
      }),
  };
  progressSinks.set(rt, emitter);
  return rt;
}

/** Zeroes every secret the ceremony holds: the material and any shares opened for reconstitution. */
export function zeroizeSecrets(rt: Runtime): void {
  rt.material?.dispose();
  rt.material = null;
  for (const s of rt.pendingShares.values()) s.dispose();
  rt.pendingShares.clear();
  rt.pendingShareSource = null;
}

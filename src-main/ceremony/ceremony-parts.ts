import type { StationKey } from '../audit/station-key.js';
import type { CeremonyPaths } from './ceremony-dir.js';
import type { CeremonyLog } from './ceremony-log.js';
import type { EngineSettings } from './engine-options.js';
import type { Journal } from './journal.js';
import type { KmsPort } from '../kms/kms-port.js';
import type { Quorum } from './quorum.js';
import type { PassphraseAttempts } from './passphrase-attempts.js';
import type { SecretsInHand } from './secrets-in-hand.js';
import type { ProgressEvent, StepContext } from './step-context.js';
import type { StepFacts, StepId } from '../../src-shared/ceremony/state-machine.js';
import { viewFacts } from './view.js';

/** Where the engine tells its front end what happened; the service turns these into events. */
export interface CeremonySignals {
  progress(e: ProgressEvent): void;
  /** Something people see changed (the service rebuilds the view for its listeners). */
  changed(): void;
}

/**
 * One open ceremony, as its modules share it: the picture rebuilt from the log, the quorum, the
 * secrets in hand, and what they work with. Built by lifecycle.ts, owned by the service.
 */
export interface CeremonyParts {
  readonly log: CeremonyLog;
  readonly quorum: Quorum;
  /** Wrong passphrases: recorded, backed off, capped per custodian per step. */
  readonly attempts: PassphraseAttempts;
  readonly secrets: SecretsInHand;
  readonly journal: Journal;
  readonly kms: KmsPort;
  readonly paths: CeremonyPaths;
  readonly settings: EngineSettings;
  readonly planBase: string;
  readonly signals: CeremonySignals;
  /** The key that signs this station's log and, in a split ceremony, its bundles. */
  readonly stationKey: StationKey;
  /** What recovery found and did, for people to read (empty for a fresh ceremony). */
  readonly recovery: string[];
}

/** Tells the room how a step is going; progress carries only the facts the step shows. */
export function progress(
  p: CeremonyParts,
  stepId: StepId,
  phase: string,
  message: string,
  facts?: StepFacts,
): void {
  p.signals.progress({
    stepId,
    phase,
    message: message.slice(0, 512),
    ...(facts ? { facts: viewFacts(stepId, facts) } : {}),
    at: p.settings.clock().toISOString(),
  });
}

/** What a step's run function is lent: the parts it may use, the log read-only. */
export function stepContext(p: CeremonyParts, step: StepId): StepContext {
  return {
    log: p.log,
    journal: p.journal,
    kms: p.kms,
    secrets: p.secrets,
    paths: p.paths,
    settings: p.settings,
    planBase: p.planBase,
    progress: (phase, message) => progress(p, step, phase, message),
  };
}

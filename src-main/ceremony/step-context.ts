import type { StepFacts, StepId } from '../../src-shared/ceremony/state-machine.js';
import type { CeremonyPaths } from './ceremony-dir.js';
import type { LogView } from './ceremony-log.js';
import type { EngineSettings } from './engine-options.js';
import type { Journal } from './journal.js';
import type { KmsPort } from '../kms/kms-port.js';
import type { SecretsInHand } from './secrets-in-hand.js';

export interface ProgressEvent {
  stepId: StepId;
  phase: string;
  message: string;
  facts?: StepFacts;
  at: string;
}

/**
 * What a step's run function is lent while it runs: the log's picture (read-only: a step changes it
 * only by writing records), the journal to write them, KMS through its port, the secrets in hand,
 * the ceremony's files, the engine's settings, and a way to tell the room how it is going.
 */
export interface StepContext {
  readonly log: LogView;
  readonly journal: Journal;
  readonly kms: KmsPort;
  readonly secrets: SecretsInHand;
  readonly paths: CeremonyPaths;
  readonly settings: EngineSettings;
  /** Directory that relative paths in the plan (existing material file, shares dir) are resolved from. */
  readonly planBase: string;
  progress(phase: string, message: string): void;
}

import type { CeremonyPlan } from '../../src-shared/ceremony/plan.js';
import type { CeremonyState, StepFacts, StepId } from '../../src-shared/ceremony/state-machine.js';
import type { ConfirmationChallenge, QuorumTally } from '../../src-shared/ceremony/confirmation.js';
import type { SecretBuffer } from '../../src-shared/secret-buffer.js';
import type { KeyMaterialSpec } from '../../src-shared/wrap/specs.js';
import type { StationKey } from '../audit/station-key.js';
import type { CustodianEnrollment } from '../secrets/custodian-keys.js';
import type { ScryptCost } from '../secrets/passphrase-seal.js';
import type { MaterialSource } from '../secrets/material-source.js';
import type { CeremonyPaths } from './ceremony-dir.js';
import type { Journal } from './journal.js';
import type { KmsPort } from './kms-port.js';

/** Supplies a custodian's split-knowledge component (typed at the station, or generated in a rehearsal). */
export type ComponentSource = (custodianId: string, length: number) => Promise<SecretBuffer>;

/** Something only one custodian may see (their component's KCV); the front end decides how to show it. */
export type PrivateNotice = (custodianId: string, message: string) => void;

export interface EngineOptions {
  clock?: () => Date;
  /** scrypt cost for new enrollments; lower only in tests, explicitly. */
  scryptCost?: ScryptCost;
  materialSource?: MaterialSource;
  componentSource?: ComponentSource;
  privateNotice?: PrivateNotice;
  /** How long a confirmation request stays valid. */
  confirmationTtlMs?: number;
  /**
   * The station's Ed25519 key, unsealed by the front end (station passphrase, OS keystore), which signs
   * every ceremony log this station writes; a function when it is unsealed on first use. Default: a key
   * that lives only in this process (a rehearsal that will not be resumed).
   */
  stationKey?: StationKey | (() => StationKey);
}

/** A checkpoint custodians co-sign: its tree size, root, and the digest the station signed. */
export interface CosignTarget {
  treeSize: number;
  rootHash: string;
  /** hex */
  digest: string;
}

/** Why a step failed, as people see it and the log records it. */
export interface StepFailure {
  code: string;
  message: string;
  hint?: string;
}

export interface WitnessNote {
  stepId: string;
  witnessId: string;
  text: string;
  at: string;
}

/** Everything a step needs; owned by the service, lent to one step at a time. */
export interface Runtime {
  readonly ceremonyId: string;
  readonly plan: CeremonyPlan;
  readonly planDigest: string;
  readonly spec: KeyMaterialSpec;
  readonly paths: CeremonyPaths;
  readonly journal: Journal;
  readonly kms: KmsPort;
  readonly opts: Required<Pick<EngineOptions, 'clock' | 'confirmationTtlMs'>> & EngineOptions;
  /** Directory that relative paths in the plan (existing material file, shares dir) are resolved from. */
  readonly planBase: string;
  state: CeremonyState;
  enrollments: Map<string, CustodianEnrollment>;
  /** The key material, between the step that makes it and the wrap step. Null at every other time. */
  material: SecretBuffer | null;
  challenge: ConfirmationChallenge | null;
  tally: QuorumTally | null;
  /** The checkpoint taken when `challenge` was issued: custodians who confirm at the station co-sign it. */
  challengeCheckpoint: CosignTarget | null;
  usedNonces: Set<string>;
  shareVerified: Set<string>;
  witnessSignoffs: Set<string>;
  exceptions: WitnessNote[];
  confirmedBy: Map<StepId, string[]>;
  errors: Map<StepId, StepFailure>;
  /** The facts each completed step contributed, for the per-step view. */
  stepFacts: Map<StepId, StepFacts>;
  /** Public facts gathered so far (ARNs, fingerprints, digests, KCVs). */
  facts(): StepFacts;
  progress(stepId: StepId, phase: string, message: string, facts?: StepFacts): void;
  /** Secrets handed in for the current step by custodians (share reconstitution), keyed by custodian. */
  pendingShares: Map<string, SecretBuffer>;
  /** Which backup the opened shares belong to: every share must name the same one. */
  pendingShareSource: { ceremonyId: string; materialKcv: string; threshold: number } | null;
}

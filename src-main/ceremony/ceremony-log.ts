import type { KmsEnvironment } from '../../src-shared/ceremony/environment.js';
import { environmentOfIdentity } from '../audit/recorded-environment.js';
import { planKeySpec, type CeremonyPlan } from '../../src-shared/ceremony/plan.js';
import type { CeremonyRecord } from '../../src-shared/ceremony/records.js';
import {
  applyEvent,
  initialState,
  type CeremonyEvent,
  type CeremonyState,
  type StepFacts,
  type StepId,
} from '../../src-shared/ceremony/state-machine.js';
import type { CeremonyFacts } from '../../src-shared/ceremony/facts.js';
import type { KeyMaterialEntry } from '../../src-shared/ceremony/key-materials.js';
import { KeyriteError } from '../../src-shared/errors.js';
import type { KeyMaterialSpec } from '../../src-shared/wrap/specs.js';
import type { CustodianEnrollment } from '../secrets/custodian-keys.js';
import type { CeremonyPaths } from './ceremony-dir.js';
import { readEnrollmentFile, readWitnessFile } from './ceremony-files.js';
import type { WitnessEnrollment } from '../secrets/witness-keys.js';
import { stationOrder, type StationRole } from '../../src-shared/ceremony/stations.js';

/** Why a step failed, as people see it and the log records it. */
export interface StepFailure {
  code: string;
  message: string;
  hint?: string;
}

/** A bundle this station accepted from the other station of a split ceremony. */
export interface AcceptedBundle {
  kind: 'request' | 'response';
  sequence: number;
  bundleDigest: string;
  stationFingerprint: string;
}

/** A bundle this station set out to write (its intent), and its digest once written. */
export interface WrittenBundle {
  kind: 'request' | 'response';
  sequence: number;
  importTokenDigest: string;
  wrappedKeyDigest?: string;
  bundleDigest?: string;
  intentSeq: number;
}

export interface WitnessNote {
  stepId: StepId;
  witnessId: string;
  text: string;
  at: string;
  /** The record, for the report to show whether its signature verifies. */
  seq: number;
}

/** A witness's sign-off, as the log holds it. */
export interface WitnessSignOff {
  witnessId: string;
  at: string;
  seq: number;
}

/**
 * What the log says about a ceremony: where each step stands and what it established, who enrolled,
 * whose share opened, who signed off, what witnesses objected to. It is rebuilt by folding the log's
 * records in order — on reopening, and as each record is appended (the journal folds what it writes),
 * so a running ceremony and a reopened one hold the same picture. Everyone else reads it (`LogView`).
 */
export class CeremonyLog {
  readonly ceremonyId: string;
  readonly plan: CeremonyPlan;
  readonly planDigest: string;
  /** The key spec the ceremony imports into. */
  readonly spec: KeyMaterialSpec;
  readonly #paths: CeremonyPaths;
  #state: CeremonyState;
  readonly #stepFacts = new Map<StepId, StepFacts>();
  readonly #errors = new Map<StepId, StepFailure>();
  readonly #enrollments = new Map<string, CustodianEnrollment>();
  readonly #witnessKeys = new Map<string, WitnessEnrollment>();
  readonly #shareVerified = new Set<string>();
  readonly #signoffs = new Map<string, WitnessSignOff>();
  readonly #exceptions: WitnessNote[] = [];
  readonly #confirmedBy = new Map<StepId, readonly string[]>();
  #commitments = new Map<string, string>();
  #createdKey: { keyArn: string; keyId: string } | null = null;
  #environment: KmsEnvironment | null = null;
  /** The latest `kms.key-materials` record per key ARN: the primary's and each replica's. */
  readonly #keyMaterials = new Map<string, { materials: readonly KeyMaterialEntry[]; at: string }>();
  readonly #accepted: AcceptedBundle[] = [];
  /** ImportKeyMaterial intents by record number → the key ARN; and the ARNs an import took effect in. */
  readonly #importIntents = new Map<number, string>();
  readonly #importedInto = new Set<string>();
  readonly #written: WrittenBundle[] = [];
  /** Which station of a split ceremony this log belongs to; undefined for a one-station ceremony. */
  readonly role: StationRole | undefined;

  constructor(a: {
    ceremonyId: string;
    plan: CeremonyPlan;
    planDigest: string;
    paths: CeremonyPaths;
    role?: StationRole | undefined;
  }) {
    this.ceremonyId = a.ceremonyId;
    this.plan = a.plan;
    this.planDigest = a.planDigest;
    this.spec = planKeySpec(a.plan);
    this.#paths = a.paths;
    this.role = a.role;
    this.#state = initialState(a.ceremonyId, a.planDigest, a.plan, stationOrder(a.role, a.plan));
  }

  /** Bundles accepted from the other station, in order. */
  get acceptedBundles(): readonly AcceptedBundle[] {
    return this.#accepted;
  }
  /** The other station's key fingerprint, pinned by the first bundle accepted from it. */
  get peerStation(): string | undefined {
    return this.#accepted[0]?.stationFingerprint;
  }
  /** Bundles this station set out to write (a number is spent even if the write may not have finished). */
  get writtenBundles(): readonly WrittenBundle[] {
    return this.#written;
  }

  get state(): CeremonyState {
    return this.#state;
  }
  /** Every fact established so far, merged in step order. */
  get facts(): CeremonyFacts {
    return this.#state.facts;
  }
  /** The facts one completed step contributed. */
  stepFacts(step: StepId): StepFacts | undefined {
    return this.#stepFacts.get(step);
  }
  /** Why the step last failed (cleared when it completes). */
  failure(step: StepId): StepFailure | undefined {
    return this.#errors.get(step);
  }
  enrollment(custodianId: string): CustodianEnrollment | undefined {
    return this.#enrollments.get(custodianId);
  }
  /** A witness's enrolled key (absent: not enrolled, e.g. a log from before witnesses had keys). */
  witnessEnrollment(witnessId: string): WitnessEnrollment | undefined {
    return this.#witnessKeys.get(witnessId);
  }
  get enrolledCount(): number {
    return this.#enrollments.size;
  }
  /** custodianId → enrolled Ed25519 public key (SPKI DER base64), for the quorum rules. */
  get signingKeys(): ReadonlyMap<string, string> {
    return new Map([...this.#enrollments].map(([id, e]) => [id, e.signingPublicKey]));
  }
  shareVerified(custodianId: string): boolean {
    return this.#shareVerified.has(custodianId);
  }
  get sharesVerified(): number {
    return this.#shareVerified.size;
  }
  signedOff(witnessId: string): boolean {
    return this.#signoffs.has(witnessId);
  }
  get signOffs(): readonly WitnessSignOff[] {
    return [...this.#signoffs.values()];
  }
  get exceptions(): readonly WitnessNote[] {
    return this.#exceptions;
  }
  /** The custodians whose confirmations let the step run, the last time it ran. */
  confirmedBy(step: StepId): readonly string[] | undefined {
    return this.#confirmedBy.get(step);
  }
  /** The share commitments recorded when the current backup shares were made, by holder. */
  get commitments(): ReadonlyMap<string, string> {
    return this.#commitments;
  }
  /** Every material of the key as KMS listed it at the hand-over (AWS symmetric keys), else empty. */
  get keyMaterials(): readonly KeyMaterialEntry[] {
    return this.#ownKeyMaterials()?.materials ?? [];
  }
  /** When the hand-over recorded `keyMaterials` (the record's time), else undefined. */
  get keyMaterialsAt(): string | undefined {
    return this.#ownKeyMaterials()?.at;
  }
  /** What the hand-over recorded for each key it listed (a multi-Region key's replicas too), by ARN. */
  get recordedKeyMaterials(): ReadonlyMap<string, { materials: readonly KeyMaterialEntry[]; at: string }> {
    return this.#keyMaterials;
  }
  /** Whether an ImportKeyMaterial of this ceremony took effect in this key (its outcome, or recovery's). */
  importTookEffect(keyArn: string): boolean {
    return this.#importedInto.has(keyArn);
  }
  #ownKeyMaterials(): { materials: readonly KeyMaterialEntry[]; at: string } | undefined {
    const arn = this.facts.keyArn;
    return arn === undefined ? undefined : this.#keyMaterials.get(arn);
  }
  /** The key an earlier, interrupted run of create-key made, as its outcome recorded it. */
  get createdKey(): { keyArn: string; keyId: string } | null {
    return this.#createdKey;
  }

  /** Where the KMS calls went, as the last pre-flight recorded it (null before any pre-flight ran). */
  get environment(): KmsEnvironment | null {
    return this.#environment;
  }

  /** Throws unless the event is a legal move now; the state does not change until its record is folded. */
  check(ev: CeremonyEvent): void {
    applyEvent(this.#state, ev);
  }

  /** Folds one record of this ceremony into the picture. The journal calls it for every record. */
  fold(r: CeremonyRecord): void {
    switch (r.type) {
      case 'step.started':
        this.#state = applyEvent(this.#state, { kind: 'step-started', step: r.payload.stepId });
        break;
      case 'step.completed':
        this.#state = applyEvent(this.#state, {
          kind: 'step-completed',
          step: r.payload.stepId,
          facts: r.payload.facts,
        });
        this.#stepFacts.set(r.payload.stepId, r.payload.facts);
        this.#errors.delete(r.payload.stepId);
        break;
      case 'step.failed': {
        const { stepId, code, message, hint } = r.payload;
        this.#state = applyEvent(this.#state, { kind: 'step-failed', step: stepId, reason: message });
        this.#errors.set(stepId, { code, message, ...(hint !== undefined ? { hint } : {}) });
        break;
      }
      case 'step.rewound':
        this.#state = applyEvent(this.#state, {
          kind: 'rewound',
          to: r.payload.stepId,
          reason: r.payload.reason,
        });
        break;
      case 'step.quorum-met':
        this.#confirmedBy.set(r.payload.stepId, r.payload.custodians);
        break;
      case 'participant.enrolled': {
        if (r.payload.role === 'witness') {
          const id = r.payload.witnessId;
          const w = readWitnessFile(this.#paths.witness(id));
          if (w.publicKey !== r.payload.publicKey || w.witnessId !== id)
            throw new KeyriteError(
              'ENROLLMENT_FILE_CHANGED',
              `witnesses/${id}.json does not hold the enrolled key`,
              'restore the file from the ceremony directory backup',
            );
          this.#witnessKeys.set(id, w);
          break;
        }
        const id = r.payload.custodianId;
        const e = readEnrollmentFile(this.#paths.custodian(id));
        if (e.signingPublicKey !== r.payload.publicKey || e.custodianId !== id)
          throw new KeyriteError(
            'ENROLLMENT_FILE_CHANGED',
            `custodians/${id}.json does not hold the enrolled key`,
            'restore the file from the ceremony directory backup',
          );
        this.#enrollments.set(id, e);
        break;
      }
      case 'backup.created':
        this.#shareVerified.clear();
        this.#commitments = new Map(r.payload.commitments.map((c) => [c.holder, c.digest]));
        break;
      case 'kms.key-materials':
        this.#keyMaterials.set(r.payload.keyArn, { materials: r.payload.materials, at: r.time });
        break;
      case 'backup.share-verified':
        this.#shareVerified.add(r.payload.holder);
        break;
      case 'ceremony.witness-signoff':
        if (!this.#signoffs.has(r.payload.witnessId))
          this.#signoffs.set(r.payload.witnessId, { witnessId: r.payload.witnessId, at: r.time, seq: r.seq });
        break;
      case 'witness.exception':
        this.#exceptions.push({
          stepId: r.payload.stepId,
          witnessId: r.payload.witnessId,
          text: r.payload.text,
          at: r.time,
          seq: r.seq,
        });
        break;
      case 'kms.identity':
        this.#environment = environmentOfIdentity(r.payload);
        break;
      case 'outcome':
        if (r.payload.action === 'kms.import-key-material' && r.payload.ok) {
          const arn = this.#importIntents.get(r.payload.intentSeq);
          if (arn !== undefined) this.#importedInto.add(arn);
        }
        if (r.payload.action === 'kms.create-key' && r.payload.ok && 'keyArn' in r.payload.details)
          this.#createdKey = r.payload.details;
        if (
          r.payload.action === 'media.write-bundle' &&
          r.payload.ok &&
          'bundleDigest' in r.payload.details
        ) {
          const w = this.#written.find((b) => b.intentSeq === r.payload.intentSeq);
          if (w) w.bundleDigest = r.payload.details.bundleDigest;
        }
        break;
      case 'intent':
        if (r.payload.action === 'kms.import-key-material')
          this.#importIntents.set(r.seq, r.payload.details.keyArn);
        if (r.payload.action === 'media.write-bundle')
          this.#written.push({ ...r.payload.details, intentSeq: r.seq });
        break;
      case 'bundle.accepted':
        this.#accepted.push({
          kind: r.payload.kind,
          sequence: r.payload.sequence,
          bundleDigest: r.payload.bundleDigest,
          stationFingerprint: r.payload.stationFingerprint,
        });
        break;
      default:
        break;
    }
  }
}

/** The log's picture as everyone but the journal sees it: read-only. */
export type LogView = Omit<CeremonyLog, 'fold' | 'check'>;

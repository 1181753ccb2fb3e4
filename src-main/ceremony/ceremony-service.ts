import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { KeyriteError } from '../../src-shared/errors.js';
import type { Confirmation, ConfirmationChallenge } from '../../src-shared/ceremony/confirmation.js';
import { validatePlan, type CeremonyPlan } from '../../src-shared/ceremony/plan.js';
import { assertMaterialSourceReady } from './steps/preflight.js';
import { isGuarded, nextStep, type StepFacts, type StepId } from '../../src-shared/ceremony/state-machine.js';
import { toWords } from '../../src-shared/words/pgp-words.js';
import type { AuditHead, AuditStore } from '../audit/audit-store.js';
import type { CeremonyParts, CeremonySignals } from './ceremony-parts.js';
import { withDefaults, type EngineOptions } from './engine-options.js';
import { enrollParticipant } from './enrollment.js';
import type { KmsPort } from '../kms/kms-port.js';
import { createCeremony, openCeremony, type OpenCeremony } from './lifecycle.js';
import type { ConfirmationResult } from './quorum.js';
import { writeReport } from './report.js';
import { CeremonyExports } from './exports.js';
import { provideShare, verifyShare } from './share-custody.js';
import { rewrapFromOwnShares } from './steps/replica-rewrap.js';
import { assertMayVerifyLate, shareStanding, verifyPendingShare } from './late-share.js';
import type { ProgressEvent } from './step-context.js';
import type { AttemptStatus } from './passphrase-attempts.js';
import { assertStepId } from './step-ids.js';
import { runNextStep } from './step-runner.js';
import { buildView, type CeremonyView } from './view.js';
import { keyMaterialsNow } from './live-materials.js';
import type { KeyMaterialsListing } from '../../src-shared/ipc/ceremony-view.js';
import { witnessException, witnessSignOff } from './witnesses.js';
import type { StationRole } from '../../src-shared/ceremony/stations.js';
import { bundleDue, type BundleAction } from './bundle-due.js';
import { acceptBundle, type AcceptedBundleInfo } from './bundle-read.js';
import { stationFingerprint, writeDueBundle, type WrittenBundleInfo } from './bundle-write.js';
import { firstRequest } from './bundle-first.js';
import type { AcceptedBundle, WrittenBundle } from './ceremony-log.js';
import { acceptConsoleRequest, acceptedConsoleRequest, type ConsoleRequestInfo } from './console-request.js';

export type { ProgressEvent };

export interface CeremonyServiceEvents {
  progress: [ProgressEvent];
  changed: [CeremonyView];
}

/**
 * The ceremony engine as a service: UI-agnostic, typed, public facts out. Electron's IPC layer and
 * the command line both drive it; neither sees secrets (passphrases come in as SecretBuffers and are
 * disposed here). A thin façade: each operation is one call into the module that owns it —
 * lifecycle.ts (create, reopen), quorum.ts, share-custody.ts, witnesses.ts, step-runner.ts.
 */
export class CeremonyService extends EventEmitter<CeremonyServiceEvents> {
  readonly #p: CeremonyParts;
  readonly #store: AuditStore;

  private constructor(open: OpenCeremony) {
    super();
    this.#p = open.parts;
    this.#store = open.store;
  }

  /** Events reach the service's listeners once it exists; until then (while reopening) they are dropped. */
  static #signals(): { signals: CeremonySignals; attach(svc: CeremonyService): void } {
    let svc: CeremonyService | undefined;
    return {
      signals: {
        progress: (e) => svc?.emit('progress', e),
        changed: () => {
          if (svc && svc.listenerCount('changed') > 0) svc.emit('changed', svc.view());
        },
      },
      attach: (s) => (svc = s),
    };
  }

  /**
   * Starts a new ceremony in an empty directory from a plan document (parsed YAML/JSON). A split plan
   * needs `station`; the online station starts here, the offline one with `createOffline`.
   */
  static async create(args: {
    dir: string;
    planDoc: unknown;
    planBase: string;
    kms: KmsPort;
    options?: EngineOptions;
    station?: StationRole;
  }): Promise<CeremonyService> {
    if (args.station === 'offline')
      throw new KeyriteError(
        'STATION_OFFLINE_NEEDS_REQUEST',
        'the offline station starts from the request bundle the online station wrote',
        'read the request bundle from the medium to start this station’s half',
      );
    const s = CeremonyService.#signals();
    const svc = new CeremonyService(
      await createCeremony({
        ...args,
        signals: s.signals,
        ...(args.station ? { split: { role: args.station } } : {}),
      }),
    );
    s.attach(svc);
    return svc;
  }

  /**
   * The offline station of a split ceremony starts from the online station's request bundle: it must
   * verify under this plan (and, with `peerStation`, be signed by that station); the ceremony takes the
   * id the request names, and the request is the first record of its log after the start.
   */
  static async createOffline(args: {
    dir: string;
    planDoc: unknown;
    planBase: string;
    kms: KmsPort;
    requestDir: string;
    peerStation?: string;
    options?: EngineOptions;
  }): Promise<CeremonyService> {
    assertMaterialSourceReady(validatePlan(args.planDoc).plan, args.planBase);
    const ceremonyId = firstRequest(args.requestDir, args.planDoc, args.peerStation, {
      dir: args.dir,
      settings: withDefaults(args.options),
    });
    const s = CeremonyService.#signals();
    const svc = new CeremonyService(
      await createCeremony({ ...args, signals: s.signals, split: { role: 'offline', ceremonyId } }),
    );
    s.attach(svc);
    try {
      await svc.readBundle(args.requestDir, args.peerStation);
    } catch (e) {
      svc.dispose();
      throw e;
    }
    return svc;
  }

  /**
   * The offline station of a split ceremony whose online half is the AWS console or CLI: its log
   * starts first (a console request names no ceremony), so a refused request is recorded in it.
   */
  static async createOfflineFromConsole(args: {
    dir: string;
    planDoc: unknown;
    planBase: string;
    kms: KmsPort;
    requestFile: string;
    options?: EngineOptions;
  }): Promise<{ svc: CeremonyService; request: ConsoleRequestInfo }> {
    assertMaterialSourceReady(validatePlan(args.planDoc).plan, args.planBase);
    const s = CeremonyService.#signals();
    const svc = new CeremonyService(
      await createCeremony({ ...args, signals: s.signals, split: { role: 'offline' } }),
    );
    s.attach(svc);
    try {
      return { svc, request: await svc.readConsoleRequest(args.requestFile) };
    } catch (e) {
      svc.dispose();
      throw e;
    }
  }

  /** The request of the AWS console or CLI this offline station's ceremony accepted, if it did. */
  get consoleRequest(): ConsoleRequestInfo | undefined {
    return acceptedConsoleRequest(this.#p);
  }

  /** Reads the AWS console's or CLI's import parameters as this offline station's request. */
  readConsoleRequest(file: string): Promise<ConsoleRequestInfo> {
    return acceptConsoleRequest(this.#p, file);
  }

  /** Reopens a ceremony from its directory and reconciles what the log says with the world. */
  static async open(args: {
    dir: string;
    kms: KmsPort;
    options?: EngineOptions;
    planDoc?: unknown;
  }): Promise<CeremonyService> {
    const s = CeremonyService.#signals();
    const svc = new CeremonyService(await openCeremony({ ...args, signals: s.signals }));
    s.attach(svc);
    return svc;
  }

  get ceremonyId(): string {
    return this.#p.log.ceremonyId;
  }
  get plan(): CeremonyPlan {
    return this.#p.log.plan;
  }
  get planBase(): string {
    return this.#p.planBase;
  }
  get planDigest(): string {
    return this.#p.log.planDigest;
  }
  get planDigestWords(): string {
    return toWords(this.#p.log.planDigest);
  }
  /** What recovery found and did when the ceremony was reopened (empty for a fresh ceremony). */
  get recoveryAccount(): readonly string[] {
    return this.#p.recovery;
  }
  /** Which station of a split ceremony this is; undefined for a one-station ceremony. */
  get stationRole(): StationRole | undefined {
    return this.#p.log.role;
  }
  /** This station's key fingerprint (SHA-256 of its SPKI DER, hex), as the other station pins it. */
  get stationFingerprint(): string {
    return stationFingerprint(this.#p);
  }
  /** The other station's fingerprint, pinned by the first bundle read from it. */
  get peerStation(): string | undefined {
    return this.#p.log.peerStation;
  }
  /** The bundles this station wrote (with their digest once written) and accepted, in log order. */
  get bundles(): { written: readonly WrittenBundle[]; accepted: readonly AcceptedBundle[] } {
    return { written: this.#p.log.writtenBundles, accepted: this.#p.log.acceptedBundles };
  }
  /** The bundle this station must write or read before its next step, or null. */
  bundleDue(): BundleAction | null {
    return bundleDue(this.#p.log);
  }
  /** Writes the bundle this station owes the other station into `mediaDir` (synced: safe to remove). */
  writeBundle(mediaDir: string): Promise<WrittenBundleInfo> {
    return writeDueBundle(this.#p, mediaDir);
  }
  /** Reads and verifies a bundle from the other station; a refusal is recorded, then thrown. */
  readBundle(dir: string, peerStation?: string): Promise<AcceptedBundleInfo> {
    return acceptBundle(this.#p, dir, peerStation);
  }

  get nextStep(): StepId | null {
    return nextStep(this.#p.log.state);
  }
  get closed(): boolean {
    return this.#p.log.state.closed;
  }
  facts(): StepFacts {
    return { ...this.#p.log.facts };
  }
  auditHead(): AuditHead {
    return this.#store.head();
  }
  view(): CeremonyView {
    return buildView(this.#p.log, this.#p.quorum.state, this.#p.secrets, this.#p.attempts);
  }
  /** The key's materials live from KMS, or as recorded when KMS cannot be reached (null: no such list). */
  keyMaterials(): Promise<KeyMaterialsListing | null> {
    return keyMaterialsNow(this.#p.kms, this.#p.log, this.#p.settings.clock);
  }
  /** Custodians whose confirmation of the open request already counts. */
  pendingConfirmations(): string[] {
    return this.#p.quorum.state.confirmations().map((c) => c.custodianId);
  }
  /** Where a custodian stands with passphrase tries at a step: wrong so far, left under the plan's cap, the wait. */
  passphraseAttempts(custodianId: string, step: StepId): AttemptStatus {
    return this.#p.attempts.status(custodianId, step);
  }
  isGuarded(step: StepId): boolean {
    return isGuarded(this.#p.log.plan, step);
  }

  /** Enrolls a custodian or a witness; the passphrase is disposed whatever happens. */
  enroll(
    custodianId: string,
    passphrase: SecretBuffer,
  ): Promise<{ custodianId: string; publicKeyFingerprint: string }> {
    return enrollParticipant(this.#p, custodianId, passphrase);
  }

  /** The confirmation request custodians sign for the next guarded step (issued once, then reused). */
  challenge(stepId: string): ConfirmationChallenge {
    assertStepId(stepId);
    return this.#p.quorum.request(stepId);
  }

  /**
   * A custodian at the station: their passphrase unlocks their key, which signs the request. Every
   * window hears of it, refused or not: a wrong passphrase changes the tries left too.
   */
  async confirm(stepId: StepId, custodianId: string, passphrase: SecretBuffer): Promise<ConfirmationResult> {
    try {
      return await this.#p.quorum.confirm(stepId, custodianId, passphrase);
    } finally {
      this.#p.signals.changed();
    }
  }

  /** A signed confirmation from anywhere (another device, a test); refused unless it may count. */
  submitConfirmation(c: Confirmation): ConfirmationResult {
    const r = this.#p.quorum.submit(c);
    this.#p.signals.changed();
    return r;
  }

  /** A custodian opens their own backup share and it must match the commitment made at creation. */
  verifyShare(custodianId: string, passphrase: SecretBuffer): Promise<void> {
    return verifyShare(this.#p, custodianId, passphrase);
  }

  /** Throws unless `custodianId` may verify their share now; asked before their passphrase is. */
  checkPendingShare(custodianId: string): void {
    assertMayVerifyLate(this.#p, custodianId);
  }

  /** A custodian pending at verify-shares verifies their share later (late-share.ts). */
  verifyPendingShare(
    custodianId: string,
    passphrase: SecretBuffer,
  ): Promise<{ verified: string[]; pending: string[] }> {
    return verifyPendingShare(this.#p, custodianId, passphrase);
  }

  /** Who has verified their backup share, and who is pending (plan order). */
  shareStanding(): { verified: string[]; pending: string[] } {
    return shareStanding(this.#p);
  }

  /**
   * Where generate-material rebuilds the material from, when it does: the plan's shares directory
   * (existing-shares mode), or this ceremony's own shares while it wraps the same material again for a
   * replica (steps/replica-rewrap.ts); null when custodians open no shares.
   */
  get shareSourceDir(): string | null {
    if (rewrapFromOwnShares(this.#p.log)) return this.#p.paths.sharesDir;
    const m = this.#p.log.plan.material;
    return m.mode === 'existing-shares' ? path.resolve(this.planBase, m.sharesDir) : null;
  }

  /** A custodian opens a backup share for reconstitution (existing-shares mode, or a replica's re-wrap). */
  provideShare(shareFile: string, passphrase: SecretBuffer): Promise<{ holder: string; kcv: string }> {
    return provideShare(this.#p, shareFile, passphrase);
  }

  /** A witness signs off with the key they enrolled (their passphrase is disposed here). */
  witnessSignOff(witnessId: string, passphrase?: SecretBuffer): Promise<void> {
    return witnessSignOff(this.#p, witnessId, passphrase);
  }

  /** A witness's objection or remark, signed by them, recorded and then covered by a station-signed checkpoint. */
  async witnessException(
    stepId: string,
    witnessId: string,
    text: string,
    passphrase?: SecretBuffer,
  ): Promise<CeremonyView> {
    await witnessException(this.#p, stepId, witnessId, text, passphrase);
    return this.view();
  }

  /** Whether a witness enrolled a key (then their sign-off and exceptions need their passphrase). */
  witnessEnrolled(witnessId: string): boolean {
    return this.#p.log.witnessEnrollment(witnessId) !== undefined;
  }

  /** Runs the next step (which must be `stepId` when given). */
  async runStep(stepId?: string): Promise<CeremonyView> {
    if (stepId !== undefined) assertStepId(stepId);
    await runNextStep(this.#p, stepId);
    return this.view();
  }

  /** Writes DIR/report.html from the audit log; returns its name and size. */
  report(): { fileName: string; bytes: number } {
    const bytes = writeReport(this.#p, this.#store);
    return { fileName: path.basename(this.#p.paths.report), bytes };
  }

  /** What leaves the station (report copies, shares on custodians' media), as the log records it. */
  get exports(): CeremonyExports {
    return new CeremonyExports(this.#p);
  }

  /** Releases the audit log and the KMS client; zeroes anything still held. */
  dispose(): void {
    this.#p.secrets.dispose();
    this.#store.close();
    this.#p.kms.close();
  }
}

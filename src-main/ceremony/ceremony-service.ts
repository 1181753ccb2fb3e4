import { EventEmitter } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../src-shared/errors.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import {
  QuorumTally,
  challengeDigest,
  type Confirmation,
  type ConfirmationChallenge,
} from '../../src-shared/ceremony/confirmation.js';
import { validatePlan, type CeremonyPlan } from '../../src-shared/ceremony/plan.js';
import { assertPlanAcceptable, type CompatibilityCheck } from '../../src-shared/ceremony/preflight.js';
import {
  STEPS,
  applyEvent,
  isGuarded,
  isStepId,
  nextStep,
  type CeremonyEvent,
  type StepFacts,
  type StepId,
} from '../../src-shared/ceremony/state-machine.js';
import {
  isRecordOf,
  readRecord,
  type CeremonyRecord,
  type ChallengeFacts,
} from '../../src-shared/ceremony/records.js';
import { assertCompatible } from '../../src-shared/wrap/index.js';
import { checkpointDigest } from '../../src-shared/audit/checkpoint.js';
import { openAuditStore, type AuditStore } from '../audit/audit-store.js';
import type { StationKey } from '../audit/station-key.js';
import { enrollCustodian, unlockCustodian, type CustodianEnrollment } from '../secrets/custodian-keys.js';
import { openShare, type SealedShareFile } from '../secrets/backup-shares.js';
import { ceremonyPaths } from './ceremony-dir.js';
import { crashPoint } from './crash-point.js';
import { Journal } from './journal.js';
import type { KmsPort } from './kms-port.js';
import { stepBlocker } from './readiness.js';
import { needsRealign, realign, reconcile } from './recovery.js';
import { quorumContext, replayLog } from './replay.js';
import {
  makeRuntime,
  progressSinks,
  withDefaults,
  zeroizeSecrets,
  type ProgressEvent,
} from './runtime-factory.js';
import type { CosignTarget, EngineOptions, Runtime, StepFailure } from './runtime.js';
import { words } from './steps/setup-steps.js';
import { recordedCommitments, type ShareFileOnDisk } from './steps/material-steps.js';
import { STEP_RUNNERS } from './steps/index.js';
import { buildView, type CeremonyView } from './view.js';
import { writeReport } from './report.js';

export type { ProgressEvent };

export interface CeremonyServiceEvents {
  progress: [ProgressEvent];
  changed: [CeremonyView];
}

const compat = assertCompatible as unknown as CompatibilityCheck;

function auditOptions(opts: Runtime['opts']): { clock: () => Date; stationKey?: StationKey } {
  const stationKey = typeof opts.stationKey === 'function' ? opts.stationKey() : opts.stationKey;
  return stationKey ? { clock: opts.clock, stationKey } : { clock: opts.clock };
}

/**
 * The ceremony engine as a service: UI-agnostic, typed, public facts out. Electron's IPC layer and
 * the command line both drive it; neither sees secrets (passphrases come in as SecretBuffers and are
 * disposed here).
 */
export class CeremonyService extends EventEmitter<CeremonyServiceEvents> {
  readonly #rt: Runtime;
  readonly #store: AuditStore;
  #recovery: string[] = [];

  private constructor(rt: Runtime, store: AuditStore) {
    super();
    this.#rt = rt;
    this.#store = store;
    const sink = progressSinks.get(rt);
    if (sink) sink.progress = (e) => this.emit('progress', e);
  }

  /** Starts a new ceremony in an empty directory from a plan document (parsed YAML/JSON). */
  static async create(args: {
    dir: string;
    planDoc: unknown;
    planBase: string;
    kms: KmsPort;
    options?: EngineOptions;
  }): Promise<CeremonyService> {
    const { plan, digest } = validatePlan(args.planDoc);
    const opts = withDefaults(args.options);
    assertPlanAcceptable(plan, opts.clock(), compat);
    const paths = ceremonyPaths(args.dir);
    if (existsSync(paths.auditDb))
      throw new KeyriteError(
        'CEREMONY_EXISTS',
        `a ceremony already lives in ${args.dir}`,
        'reopen it, or choose an empty directory',
      );
    mkdirSync(args.dir, { recursive: true, mode: 0o700 });
    const store = openAuditStore(paths.auditDb, auditOptions(opts));
    try {
      const ceremonyId = `cer-${randomBytes(6).toString('hex')}`;
      const journal = new Journal(store, ceremonyId);
      journal.append('ceremony.started', { planDigest: digest, title: plan.name });
      await journal.writeFile(paths.planJson, 'plan.json', JSON.stringify(plan, null, 2) + '\n');
      await journal.writeFile(
        paths.meta,
        'ceremony.json',
        JSON.stringify({ planDirectory: path.resolve(args.planBase) }, null, 2) + '\n',
      );
      const svc = new CeremonyService(
        makeRuntime({
          ceremonyId,
          plan,
          digest,
          paths,
          journal,
          kms: args.kms,
          opts,
          planBase: path.resolve(args.planBase),
        }),
        store,
      );
      return svc;
    } catch (e) {
      store.close();
      throw e;
    }
  }

  /** Reopens a ceremony from its directory and reconciles what the log says with the world. */
  static async open(args: {
    dir: string;
    kms: KmsPort;
    options?: EngineOptions;
    planDoc?: unknown;
  }): Promise<CeremonyService> {
    const opts = withDefaults(args.options);
    const paths = ceremonyPaths(args.dir);
    if (!existsSync(paths.auditDb))
      throw new KeyriteError(
        'CEREMONY_NOT_FOUND',
        `no ceremony in ${args.dir}`,
        'give the directory a ceremony was started in',
      );
    const store = openAuditStore(paths.auditDb, auditOptions(opts));
    try {
      const started = startedRecord(store, args.dir);
      const journal = new Journal(store, started.ceremonyId);
      if (!existsSync(paths.planJson) && args.planDoc !== undefined) {
        // Interrupted before plan.json was written: the reviewed plan, if it is the same, restores it.
        const given = validatePlan(args.planDoc);
        if (given.digest === started.payload.planDigest)
          await journal.writeFile(paths.planJson, 'plan.json', JSON.stringify(given.plan, null, 2) + '\n');
      }
      if (!existsSync(paths.planJson))
        throw new KeyriteError(
          'PLAN_MISSING',
          'plan.json is missing from the ceremony directory',
          'pass the reviewed plan file again (--plan) to restore it',
        );
      const { plan, digest } = validatePlan(JSON.parse(readFileSync(paths.planJson, 'utf8')));
      if (digest !== started.payload.planDigest)
        throw new KeyriteError(
          'PLAN_CHANGED',
          'plan.json is not the plan this ceremony started with',
          'restore the reviewed plan file; never edit a running ceremony’s plan',
        );
      const rt = makeRuntime({
        ceremonyId: started.ceremonyId,
        plan,
        digest,
        paths,
        journal,
        kms: args.kms,
        opts,
        planBase: readPlanBase(paths.meta, args.dir),
      });
      const svc = new CeremonyService(rt, store);
      replayLog(rt);
      svc.#recovery = await reconcile(rt, (ev, failure) => svc.#apply(ev, failure));
      return svc;
    } catch (e) {
      store.close();
      throw e;
    }
  }

  get ceremonyId(): string {
    return this.#rt.ceremonyId;
  }
  get plan(): CeremonyPlan {
    return this.#rt.plan;
  }
  get planBase(): string {
    return this.#rt.planBase;
  }
  get planDigest(): string {
    return this.#rt.planDigest;
  }
  get planDigestWords(): string {
    return words(this.#rt.planDigest);
  }
  /** What recovery found and did when the ceremony was reopened (empty for a fresh ceremony). */
  get recoveryAccount(): readonly string[] {
    return this.#recovery;
  }
  get nextStep(): StepId | null {
    return nextStep(this.#rt.state);
  }
  get closed(): boolean {
    return this.#rt.state.closed;
  }
  facts(): StepFacts {
    return { ...this.#rt.state.facts };
  }
  auditHead() {
    return this.#store.head();
  }

  view(): CeremonyView {
    return buildView(this.#rt);
  }

  /** Custodians whose confirmation of the open request already counts. */
  pendingConfirmations(): string[] {
    return this.#rt.tally ? this.#rt.tally.confirmations().map((c) => c.custodianId) : [];
  }

  isGuarded(step: StepId): boolean {
    return isGuarded(this.#rt.plan, step);
  }

  /** Enrolls a custodian; the passphrase is disposed whatever happens. */
  async enroll(
    custodianId: string,
    passphrase: SecretBuffer,
  ): Promise<{ custodianId: string; publicKeyFingerprint: string }> {
    const rt = this.#rt;
    try {
      const person = rt.plan.participants.custodians.find((c) => c.id === custodianId);
      if (!person)
        throw new KeyriteError(
          'NOT_A_CUSTODIAN',
          `${custodianId} is not a custodian in this plan`,
          'only custodians named in the plan enroll',
        );
      if (rt.enrollments.has(custodianId))
        throw new KeyriteError(
          'ALREADY_ENROLLED',
          `${custodianId} is already enrolled`,
          'each custodian enrolls once per ceremony',
        );
      if (rt.state.steps.enroll === 'done')
        throw new KeyriteError(
          'ENROLLMENT_CLOSED',
          'enrollment is closed for this ceremony',
          'enrollment happens before pre-flight',
        );
      const e = await enrollCustodian(rt.ceremonyId, custodianId, passphrase, rt.opts.scryptCost);
      await rt.journal.writeFile(
        rt.paths.custodian(custodianId),
        `custodians/${custodianId}.json`,
        JSON.stringify(e, null, 2) + '\n',
      );
      const fingerprint = spkiFingerprint(e.signingPublicKey);
      rt.journal.append(
        'participant.enrolled',
        {
          name: person.name,
          custodianId,
          role: 'custodian',
          publicKey: e.signingPublicKey,
          sharePublicKey: e.sharePublicKey,
          fingerprint,
          scrypt: { N: e.sealedKeys.N, r: e.sealedKeys.r, p: e.sealedKeys.p },
        },
        custodianId,
      );
      rt.enrollments.set(custodianId, e);
      this.#changed();
      return { custodianId, publicKeyFingerprint: fingerprint };
    } finally {
      passphrase.dispose();
    }
  }

  /** The confirmation request custodians sign for the next guarded step (issued once, then reused). */
  challenge(stepId: string): ConfirmationChallenge {
    const rt = this.#rt;
    assertStepId(stepId);
    this.#assertNext(stepId);
    if (!isGuarded(rt.plan, stepId))
      throw new KeyriteError(
        'STEP_NOT_GUARDED',
        `step ${stepId} needs no custodian confirmation`,
        'run the step',
      );
    const now = rt.opts.clock();
    if (rt.challenge && rt.challenge.stepId === stepId && Date.parse(rt.challenge.expiresAt) > now.getTime())
      return rt.challenge;
    const f = rt.state.facts;
    // What the step will act on: where the key and material stand, and the plan that was reviewed.
    const facts: ChallengeFacts = {
      ...(f.keyArn !== undefined ? { keyArn: f.keyArn } : {}),
      ...(f.algorithm !== undefined ? { algorithm: f.algorithm } : {}),
      ...(f.wrappingKeyFingerprint !== undefined ? { wrappingKeyFingerprint: f.wrappingKeyFingerprint } : {}),
      ...(f.kcv !== undefined ? { kcv: f.kcv } : {}),
      ...(f.publicKeyFingerprint !== undefined ? { publicKeyFingerprint: f.publicKeyFingerprint } : {}),
      ...(f.wrappedKeyDigest !== undefined ? { wrappedKeyDigest: f.wrappedKeyDigest } : {}),
      ...(f.validTo !== undefined ? { validTo: f.validTo } : {}),
      planDigest: rt.planDigest,
      keySpec: rt.spec,
    };
    const ch: ConfirmationChallenge = {
      ceremonyId: rt.ceremonyId,
      stepId,
      facts,
      chainHead: rt.journal.headHash(),
      nonce: randomBytes(16).toString('hex'),
      expiresAt: new Date(now.getTime() + rt.opts.confirmationTtlMs).toISOString(),
    };
    rt.journal.append('step.challenge', {
      stepId,
      digest: challengeDigest(ch),
      nonce: ch.nonce,
      chainHead: ch.chainHead,
      expiresAt: ch.expiresAt,
      facts,
    });
    rt.challenge = ch;
    rt.tally = new QuorumTally(quorumContext(rt, ch));
    // The checkpoint covering the request is the one the confirming custodians co-sign.
    rt.challengeCheckpoint = null;
    this.#cosignTarget();
    return ch;
  }

  /** The checkpoint custodians co-sign for the open request; taken now if a crash left none. */
  #cosignTarget(): CosignTarget {
    const rt = this.#rt;
    if (!rt.challengeCheckpoint) {
      const cp = this.#store.checkpoint({ ceremonyId: rt.ceremonyId });
      rt.challengeCheckpoint = {
        treeSize: cp.treeSize,
        rootHash: cp.rootHash,
        digest: checkpointDigest(cp).toString('hex'),
      };
    }
    return rt.challengeCheckpoint;
  }

  /** A custodian at the station: their passphrase unlocks their key, which signs the request. */
  async confirm(
    stepId: StepId,
    custodianId: string,
    passphrase: SecretBuffer,
  ): Promise<{ stepId: StepId; custodianId: string; confirmations: number; required: number }> {
    const rt = this.#rt;
    let unlocked;
    try {
      const ch = this.challenge(stepId);
      const e = rt.enrollments.get(custodianId);
      if (!e)
        throw new KeyriteError(
          'CONFIRMATION_UNKNOWN_KEY',
          `${custodianId} is not an enrolled custodian`,
          'only enrolled custodians can confirm',
        );
      unlocked = await unlockCustodian(rt.ceremonyId, e, passphrase);
      const digest = challengeDigest(ch);
      const target = this.#cosignTarget();
      const signature = unlocked.signDigest(digest);
      // The key is unsealed for the confirmation anyway: it also co-signs the request's checkpoint.
      const cosignature = unlocked.signDigest(target.digest);
      unlocked.dispose();
      unlocked = undefined;
      const result = this.submitConfirmation({
        custodianId,
        publicKey: e.signingPublicKey,
        digest,
        nonce: ch.nonce,
        signature,
      });
      const signer = this.#custodianName(custodianId);
      // One co-signature per signer and checkpoint (a second one would fail verification).
      const already = rt.journal
        .records('audit.cosignature')
        .some((r) => r.payload.treeSize === target.treeSize && r.payload.signer === signer);
      if (!already)
        rt.journal.append(
          'audit.cosignature',
          {
            treeSize: target.treeSize,
            rootHash: target.rootHash,
            signer,
            publicKey: e.signingPublicKey,
            signature: cosignature,
          },
          custodianId,
        );
      return result;
    } finally {
      unlocked?.dispose();
      passphrase.dispose();
    }
  }

  /** A signed confirmation from anywhere (another device, a test); refused unless it may count. */
  submitConfirmation(c: Confirmation): {
    stepId: StepId;
    custodianId: string;
    confirmations: number;
    required: number;
  } {
    const rt = this.#rt;
    const step = nextStep(rt.state);
    if (!step || !rt.challenge || !rt.tally) {
      if (rt.usedNonces.has(c.nonce))
        throw new KeyriteError(
          'CONFIRMATION_REPLAYED',
          'this confirmation was already used by a step that ran',
          'ask for a fresh confirmation',
        );
      throw new KeyriteError(
        'CONFIRMATION_WRONG_DIGEST',
        'no confirmation request is open',
        'ask the station for the current request',
      );
    }
    try {
      rt.tally.add(c);
    } catch (e) {
      if (e instanceof KeyriteError)
        rt.journal.append('step.confirmation-refused', {
          stepId: rt.challenge.stepId,
          custodian: c.custodianId,
          code: e.code,
        });
      throw e;
    }
    rt.journal.append(
      'step.confirmed',
      {
        stepId: rt.challenge.stepId,
        custodian: c.custodianId,
        digest: c.digest,
        signature: c.signature,
        publicKey: c.publicKey,
        nonce: c.nonce,
      },
      c.custodianId,
    );
    this.#changed();
    return {
      stepId: rt.challenge.stepId,
      custodianId: c.custodianId,
      confirmations: rt.tally.count,
      required: rt.plan.quorum.m,
    };
  }

  /** A custodian opens their own backup share and it must match the commitment made at creation. */
  async verifyShare(custodianId: string, passphrase: SecretBuffer): Promise<void> {
    const rt = this.#rt;
    let unlocked;
    try {
      const e = rt.enrollments.get(custodianId);
      if (!e)
        throw new KeyriteError(
          'NOT_A_CUSTODIAN',
          `${custodianId} is not an enrolled custodian`,
          'only custodians hold shares',
        );
      const commitment = recordedCommitments(rt).get(custodianId);
      if (!commitment)
        throw new KeyriteError(
          'SHARES_NOT_CREATED',
          'no backup shares have been created yet',
          'run the backup-shares step first',
        );
      const file = JSON.parse(readFileSync(rt.paths.share(custodianId), 'utf8')) as SealedShareFile;
      unlocked = await unlockCustodian(rt.ceremonyId, e, passphrase);
      openShare(file, unlocked, commitment).dispose();
      rt.shareVerified.add(custodianId);
      rt.journal.append('backup.share-verified', { holder: custodianId, digest: commitment }, custodianId);
      this.#changed();
    } finally {
      unlocked?.dispose();
      passphrase.dispose();
    }
  }

  /** Existing-shares mode: a custodian opens a share from an earlier ceremony for reconstitution. */
  async provideShare(shareFile: string, passphrase: SecretBuffer): Promise<{ holder: string; kcv: string }> {
    const rt = this.#rt;
    let unlocked;
    try {
      const file = JSON.parse(readFileSync(shareFile, 'utf8')) as ShareFileOnDisk;
      // Shamir cannot tell shares of two backups apart: mixed shares would rebuild a wrong key silently.
      const src = rt.pendingShareSource;
      if (src && (src.ceremonyId !== file.ceremonyId || src.materialKcv !== file.materialKcv))
        throw new KeyriteError(
          'SHARES_INCONSISTENT',
          `this share belongs to another backup (ceremony ${String(file.ceremonyId)}) than the shares already opened`,
          'open shares of one backup only',
        );
      const enrollment = { custodianId: file.custodianId, ...file.holder } as CustodianEnrollment;
      unlocked = await unlockCustodian(file.ceremonyId, enrollment, passphrase);
      const share = openShare(file, unlocked, file.commitment);
      rt.pendingShares.get(file.custodianId)?.dispose();
      rt.pendingShares.set(file.custodianId, share);
      rt.pendingShareSource ??= {
        ceremonyId: file.ceremonyId,
        materialKcv: file.materialKcv,
        threshold: file.threshold,
      };
      rt.journal.append('backup.share-opened', {
        holder: file.custodianId,
        digest: file.commitment,
        sourceCeremony: file.ceremonyId,
      });
      return { holder: file.custodianId, kcv: file.materialKcv };
    } finally {
      unlocked?.dispose();
      passphrase.dispose();
    }
  }

  witnessSignOff(witnessId: string): void {
    const rt = this.#rt;
    const w = this.#witness(witnessId, 'sign off');
    rt.journal.append('ceremony.witness-signoff', { witness: w.name, witnessId }, witnessId);
    rt.witnessSignoffs.add(witnessId);
    this.#changed();
  }

  #witness(witnessId: string, what: string): { id: string; name: string } {
    const w = this.#rt.plan.participants.witnesses.find((x) => x.id === witnessId);
    if (!w)
      throw new KeyriteError(
        'NOT_A_WITNESS',
        `${witnessId} is not a witness in this plan`,
        `only witnesses named in the plan ${what}`,
      );
    return w;
  }

  /** A witness's objection or remark, recorded and then covered by a station-signed checkpoint. */
  witnessException(stepId: string, witnessId: string, text: string): CeremonyView {
    const rt = this.#rt;
    const w = this.#witness(witnessId, 'record exceptions');
    if (!isStepId(stepId))
      throw new KeyriteError('STEP_UNKNOWN', `there is no step ${stepId}`, `steps: ${STEPS.join(', ')}`);
    const clean = text.trim();
    if (clean.length === 0 || clean.length > 2000)
      throw new KeyriteError(
        'EXCEPTION_TEXT',
        'an exception needs 1 to 2000 characters of text',
        'say what the witness saw',
      );
    const rec = rt.journal.append(
      'witness.exception',
      { witness: w.name, witnessId, stepId, text: clean },
      witnessId,
    );
    this.#store.checkpoint({ ceremonyId: rt.ceremonyId });
    rt.exceptions.push({ stepId, witnessId, text: clean, at: rec.time });
    this.#changed();
    return this.view();
  }

  /** Runs the next step (which must be `stepId` when given). */
  async runStep(stepId?: string): Promise<CeremonyView> {
    const rt = this.#rt;
    if (stepId !== undefined) assertStepId(stepId);
    if (needsRealign(rt)) {
      // The world moved (material zeroed by an earlier error, parameters expired): realign first, then
      // the step order below tells the caller what must run now.
      for (const line of await realign(rt, (ev, failure) => this.#apply(ev, failure))) {
        this.#recovery.push(line);
        rt.progress(nextStep(rt.state) ?? 'close', 'realigned', line);
      }
    }
    const step = nextStep(rt.state);
    if (!step) throw new KeyriteError('CEREMONY_CLOSED', 'the ceremony is closed', 'start a new ceremony');
    if (stepId && stepId !== step)
      throw new KeyriteError(
        'CEREMONY_OUT_OF_ORDER',
        `step ${stepId} cannot run now: the next step is ${step}`,
        'run the steps in plan order',
      );
    this.#precheck(step);
    let quorum: { nonce: string; custodians: string[] } | null = null;
    if (isGuarded(rt.plan, step)) {
      if (!rt.tally || !rt.challenge || rt.challenge.stepId !== step)
        throw new KeyriteError(
          'QUORUM_NOT_MET',
          `step ${step} needs ${rt.plan.quorum.m} custodian confirmation(s), has 0`,
          'custodians confirm the request first',
        );
      if (!(Date.parse(rt.challenge.expiresAt) > rt.opts.clock().getTime()))
        throw new KeyriteError(
          'CONFIRMATION_EXPIRED',
          'the confirmation request expired before the step ran',
          'ask for a fresh confirmation request',
        );
      rt.tally.assertMet(rt.plan.quorum.m);
      quorum = { nonce: rt.challenge.nonce, custodians: rt.tally.confirmations().map((c) => c.custodianId) };
    }
    if (quorum) {
      // The nonce is spent before the step starts: if the station dies right after, the confirmations
      // cannot be reused for a second run of the step; custodians confirm again.
      rt.journal.append('step.quorum-met', {
        stepId: step,
        nonce: quorum.nonce,
        custodians: quorum.custodians,
      });
      rt.usedNonces.add(quorum.nonce);
      rt.confirmedBy.set(step, quorum.custodians);
      rt.challenge = null;
      rt.challengeCheckpoint = null;
      rt.tally = null;
    }
    this.#apply({ kind: 'step-started', step });
    crashPoint(`start:${step}`);
    rt.progress(step, 'started', rt.plan.name);
    try {
      const facts = await STEP_RUNNERS[step](rt);
      this.#apply({ kind: 'step-completed', step, facts });
      // A station-signed checkpoint at every step boundary keeps the chain-only tail short; for close it
      // comes after the close record, so the final checkpoint covers every record of the ceremony.
      this.#store.checkpoint({ ceremonyId: rt.ceremonyId });
      crashPoint(`done:${step}`);
      rt.errors.delete(step);
      rt.progress(step, 'completed', 'done', facts);
    } catch (e) {
      // Every error path zeroes what secrets the engine holds; a retry regenerates or reconstitutes.
      this.#zeroize();
      const err =
        e instanceof KeyriteError
          ? e
          : new KeyriteError(
              'STEP_FAILED',
              // Library text can carry paths or data: it stays out of the log, the UI and the error.
              `step ${step} failed unexpectedly (${e instanceof Error ? e.name : 'error'})`,
              'see the audit log; reopen the ceremony to retry',
            );
      rt.errors.set(step, { code: err.code, message: err.message, hint: err.hint });
      this.#apply(
        { kind: 'step-failed', step, reason: `${err.code}: ${err.message}` },
        { code: err.code, message: err.message, hint: err.hint },
      );
      rt.progress(step, 'failed', err.message);
      throw err;
    }
    return this.view();
  }

  /** Writes DIR/report.html from the audit log; returns its name and size. */
  report(): { fileName: string; bytes: number } {
    const bytes = writeReport(this.#rt, this.#store, this.#recovery);
    return { fileName: path.basename(this.#rt.paths.report), bytes };
  }

  /** Releases the audit log and the KMS client; zeroes anything still held. */
  dispose(): void {
    this.#zeroize();
    this.#store.close();
    this.#rt.kms.close();
  }

  #precheck(step: StepId): void {
    const blocker = stepBlocker(this.#rt, step);
    if (blocker) throw blocker;
  }

  /** The name a custodian enrolled under: the log's co-signer rules key on it. */
  #custodianName(custodianId: string): string {
    const person = this.#rt.plan.participants.custodians.find((c) => c.id === custodianId);
    return person?.name ?? custodianId;
  }

  #zeroize(): void {
    zeroizeSecrets(this.#rt);
  }

  #assertNext(stepId: StepId): void {
    const next = nextStep(this.#rt.state);
    if (next !== stepId)
      throw new KeyriteError(
        'CEREMONY_OUT_OF_ORDER',
        `step ${stepId} is not the next step (${next ?? 'none'})`,
        'confirm the step the station is showing',
      );
  }

  /** Applies a step event to the state and records it, in that order: the log never holds an illegal move. */
  #apply(ev: CeremonyEvent, failure?: StepFailure): void {
    const rt = this.#rt;
    const next = applyEvent(rt.state, ev);
    switch (ev.kind) {
      case 'step-started':
        rt.journal.append('step.started', { stepId: ev.step });
        break;
      case 'step-completed':
        rt.journal.append('step.completed', { stepId: ev.step, facts: ev.facts });
        rt.stepFacts.set(ev.step, ev.facts);
        break;
      case 'step-failed':
        rt.journal.append('step.failed', {
          stepId: ev.step,
          code: failure?.code ?? 'FAILED',
          message: (failure?.message ?? ev.reason).slice(0, 1000),
          ...(failure?.hint !== undefined ? { hint: failure.hint.slice(0, 1000) } : {}),
        });
        break;
      case 'rewound':
        rt.journal.append('step.rewound', { stepId: ev.to, reason: ev.reason });
        break;
    }
    rt.state = next;
    this.#changed();
  }

  #changed(): void {
    if (this.listenerCount('changed') > 0) this.emit('changed', this.view());
  }
}

function assertStepId(s: string): asserts s is StepId {
  if (!isStepId(s))
    throw new KeyriteError('STEP_UNKNOWN', `there is no step ${s}`, `steps: ${STEPS.join(', ')}`);
}

/** The record that started the ceremony in this log, read through the catalogue. */
function startedRecord(
  store: AuditStore,
  dir: string,
): Extract<CeremonyRecord, { type: 'ceremony.started' }> {
  const row = store.records({ type: 'ceremony.started' }).at(-1);
  const started = row ? readRecord(row) : undefined;
  if (started && 'problem' in started)
    throw new KeyriteError(
      'AUDIT_RECORD_UNREADABLE',
      `the ceremony log in ${dir} cannot be read: ${started.problem}`,
      'run keyrite audit verify on its audit.db',
    );
  if (!started || !isRecordOf('ceremony.started', started))
    throw new KeyriteError(
      'CEREMONY_NOT_FOUND',
      `no ceremony in ${dir}`,
      'give the directory a ceremony was started in',
    );
  return started;
}

function readPlanBase(metaFile: string, fallback: string): string {
  try {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { planDirectory?: unknown };
    return typeof meta.planDirectory === 'string' ? meta.planDirectory : fallback;
  } catch {
    return fallback;
  }
}

export function spkiFingerprint(spkiB64: string): string {
  return createHash('sha256').update(Buffer.from(spkiB64, 'base64')).digest('hex');
}

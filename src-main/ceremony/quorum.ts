import { randomBytes } from 'node:crypto';
import { KeyriteError } from '../../src-shared/errors.js';
import type { SecretBuffer } from '../../src-shared/secret-buffer.js';
import {
  challengeDigest,
  refusalError,
  type Confirmation,
  type ConfirmationChallenge,
} from '../../src-shared/ceremony/confirmation.js';
import type { ChallengeFacts } from '../../src-shared/ceremony/records.js';
import { planCloudKeySpec } from '../../src-shared/ceremony/plan.js';
import { isGuarded, nextStep, type StepId } from '../../src-shared/ceremony/state-machine.js';
import { unlockCustodian, type UnlockedCustodian } from '../secrets/custodian-keys.js';
import type { LogView } from './ceremony-log.js';
import { QuorumState, type CosignTarget } from './quorum-state.js';
import type { EngineSettings } from './engine-options.js';
import type { Journal } from './journal.js';
import type { PassphraseAttempts } from './passphrase-attempts.js';

/** The facts so far that a custodian's confirmation covers, besides the plan digest and key spec. */
const CONFIRMED_FACTS = [
  'keyArn',
  'algorithm',
  'wrappingKeyFingerprint',
  'kcv',
  'publicKeyFingerprint',
  'wrappedKeyDigest',
  'validTo',
  'replicaKeys',
] as const;

export interface ConfirmationResult {
  stepId: StepId;
  custodianId: string;
  confirmations: number;
  required: number;
}

/**
 * M-of-N control of guarded steps: issuing the confirmation request, counting confirmations (and
 * the co-signatures custodians make with the same unsealed key), and spending the request when the
 * step runs. Every change is a record; `state` (quorum-state.ts) is what folding them gives.
 */
export class Quorum {
  readonly state: QuorumState;

  constructor(
    private readonly log: LogView,
    private readonly journal: Journal,
    private readonly settings: EngineSettings,
    private readonly attempts: PassphraseAttempts,
  ) {
    this.state = new QuorumState(log, settings);
  }

  /** The confirmation request custodians sign for the next guarded step (issued once, then reused). */
  request(stepId: StepId): ConfirmationChallenge {
    const next = nextStep(this.log.state);
    if (next !== stepId)
      throw new KeyriteError(
        'CEREMONY_OUT_OF_ORDER',
        `step ${stepId} is not the next step (${next ?? 'none'})`,
        'confirm the step the station is showing',
      );
    if (!isGuarded(this.log.plan, stepId))
      throw new KeyriteError(
        'STEP_NOT_GUARDED',
        `step ${stepId} needs no custodian confirmation`,
        'run the step',
      );
    const now = this.settings.clock();
    const open = this.state.challenge;
    if (open && open.stepId === stepId && Date.parse(open.expiresAt) > now.getTime()) return open;
    const facts = this.#facts();
    const ch: ConfirmationChallenge = {
      ceremonyId: this.log.ceremonyId,
      stepId,
      facts,
      chainHead: this.journal.headHash(),
      nonce: randomBytes(16).toString('hex'),
      expiresAt: new Date(now.getTime() + this.settings.confirmationTtlMs).toISOString(),
    };
    const { chainHead, nonce, expiresAt } = ch;
    this.journal.append('step.challenge', {
      stepId,
      facts,
      chainHead,
      nonce,
      expiresAt,
      digest: challengeDigest(ch),
    });
    // The checkpoint covering the request is the one the confirming custodians co-sign.
    this.journal.checkpoint();
    return ch;
  }

  /** A custodian at the station: their passphrase unlocks their key, which signs the request. */
  async confirm(stepId: StepId, custodianId: string, passphrase: SecretBuffer): Promise<ConfirmationResult> {
    let unlocked: UnlockedCustodian | undefined;
    try {
      const ch = this.request(stepId);
      const e = this.log.enrollment(custodianId);
      if (!e)
        throw new KeyriteError(
          'CONFIRMATION_UNKNOWN_KEY',
          `${custodianId} is not an enrolled custodian`,
          'only enrolled custodians can confirm',
        );
      unlocked = await this.attempts.guard(custodianId, stepId, 'confirm', () =>
        unlockCustodian(this.log.ceremonyId, e, passphrase),
      );
      const digest = challengeDigest(ch);
      const target = this.#cosignTarget();
      const signature = unlocked.signDigest(digest);
      // The key is unsealed for the confirmation anyway: it also co-signs the request's checkpoint.
      const cosignature = unlocked.signDigest(target.digest);
      unlocked.dispose();
      unlocked = undefined;
      const result = this.submit({
        custodianId,
        publicKey: e.signingPublicKey,
        digest,
        nonce: ch.nonce,
        signature,
      });
      const signer = this.#custodianName(custodianId);
      if (!this.state.hasCosigned(target.treeSize, signer))
        this.journal.append(
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
  submit(c: Confirmation): ConfirmationResult {
    const ch = this.state.challenge;
    if (!nextStep(this.log.state) || !ch) {
      if (this.state.isSpent(c.nonce))
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
    const refusal = this.state.refusal(c);
    if (refusal) {
      this.journal.append('step.confirmation-refused', {
        stepId: ch.stepId,
        custodian: c.custodianId,
        code: refusal,
      });
      throw refusalError(refusal, c.custodianId);
    }
    this.journal.append(
      'step.confirmed',
      {
        stepId: ch.stepId,
        custodian: c.custodianId,
        digest: c.digest,
        signature: c.signature,
        publicKey: c.publicKey,
        nonce: c.nonce,
      },
      c.custodianId,
    );
    return {
      stepId: ch.stepId,
      custodianId: c.custodianId,
      confirmations: this.state.confirmations().length,
      required: this.log.plan.quorum.m,
    };
  }

  /**
   * Before a guarded step runs: M valid confirmations of an unexpired request for it, or a refusal.
   * The nonce is spent (recorded) before the step starts: if the station dies right after, the
   * confirmations cannot be reused for a second run of the step; custodians confirm again.
   */
  spend(step: StepId): void {
    if (!isGuarded(this.log.plan, step)) return;
    const m = this.log.plan.quorum.m;
    const ch = this.state.challenge;
    const counted = this.state.confirmations();
    if (!ch || ch.stepId !== step)
      throw new KeyriteError(
        'QUORUM_NOT_MET',
        `step ${step} needs ${m} custodian confirmation(s), has 0`,
        'custodians confirm the request first',
      );
    if (!(Date.parse(ch.expiresAt) > this.settings.clock().getTime()))
      throw new KeyriteError(
        'CONFIRMATION_EXPIRED',
        'the confirmation request expired before the step ran',
        'ask for a fresh confirmation request',
      );
    if (counted.length < m)
      throw new KeyriteError(
        'QUORUM_NOT_MET',
        `step ${step} needs ${m} custodian confirmation(s), has ${counted.length}`,
        'more custodians must confirm before this step can run',
      );
    this.journal.append('step.quorum-met', {
      stepId: step,
      nonce: ch.nonce,
      custodians: counted.map((c) => c.custodianId),
    });
  }

  /** What the step will act on: where the key and material stand, and the plan that was reviewed. */
  #facts(): ChallengeFacts {
    const facts: ChallengeFacts = {
      planDigest: this.log.planDigest,
      // In the cloud's own words (a Huawei key is AES_256), as the plan and the review say it.
      keySpec: planCloudKeySpec(this.log.plan),
    };
    for (const k of CONFIRMED_FACTS) {
      const v = this.log.facts[k];
      if (v !== undefined) facts[k] = v;
    }
    return facts;
  }

  /** The checkpoint custodians co-sign for the open request; taken now if a crash left none. */
  #cosignTarget(): CosignTarget {
    if (!this.state.cosignTarget) this.journal.checkpoint();
    const target = this.state.cosignTarget;
    if (!target)
      throw new KeyriteError(
        'QUORUM_NO_REQUEST',
        'no confirmation request is open',
        'ask the station for the current request',
      );
    return target;
  }

  /** The name a custodian enrolled under: the log's co-signer rules key on it. */
  #custodianName(custodianId: string): string {
    return this.log.plan.participants.custodians.find((c) => c.id === custodianId)?.name ?? custodianId;
  }
}

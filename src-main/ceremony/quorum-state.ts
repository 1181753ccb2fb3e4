import {
  challengeDigest,
  refuseConfirmation,
  type Confirmation,
  type ConfirmationChallenge,
  type ConfirmationRefusal,
} from '../../src-shared/ceremony/confirmation.js';
import type { CeremonyRecord } from '../../src-shared/ceremony/records.js';
import { nextStep } from '../../src-shared/ceremony/state-machine.js';
import { checkpointDigest } from '../../src-shared/audit/checkpoint.js';
import type { LogView } from './ceremony-log.js';
import type { EngineSettings } from './engine-options.js';

/** A checkpoint custodians co-sign: its tree size, root, and the digest the station signed. */
export interface CosignTarget {
  treeSize: number;
  rootHash: string;
  /** hex */
  digest: string;
}

/**
 * Where M-of-N control stands: the open confirmation request, the confirmations counted toward it,
 * the checkpoint confirming custodians co-sign, the nonces spent by steps that ran, and who co-signed
 * which checkpoint. Folded from the log like the ceremony's own picture, so a request and its
 * confirmations survive a restart while they are valid. quorum.ts writes the records that change it.
 */
export class QuorumState {
  #challenge: ConfirmationChallenge | null = null;
  readonly #counted = new Map<string, Confirmation>();
  #target: CosignTarget | null = null;
  readonly #spent = new Set<string>();
  /** Co-signers of each checkpoint, by tree size: a second co-signature would fail verification. */
  readonly #cosigned = new Map<number, Set<string>>();

  constructor(
    private readonly log: LogView,
    private readonly settings: EngineSettings,
  ) {}

  /** The open request, if any. */
  get challenge(): ConfirmationChallenge | null {
    return this.#challenge;
  }

  /** Confirmations counted toward the open request. */
  confirmations(): Confirmation[] {
    return [...this.#counted.values()];
  }

  /** The checkpoint taken for the open request (null until one is). */
  get cosignTarget(): CosignTarget | null {
    return this.#target;
  }

  isSpent(nonce: string): boolean {
    return this.#spent.has(nonce);
  }

  hasCosigned(treeSize: number, signer: string): boolean {
    return this.#cosigned.get(treeSize)?.has(signer) ?? false;
  }

  /** Why a confirmation cannot count toward the open request now, or null when it can. */
  refusal(c: Confirmation): ConfirmationRefusal | null {
    const ch = this.#challenge;
    if (!ch) return 'CONFIRMATION_WRONG_DIGEST';
    const ctx = {
      challenge: ch,
      enrolled: this.log.signingKeys,
      usedNonces: this.#spent,
      now: this.settings.clock,
    };
    return refuseConfirmation(ctx, c, new Set(this.#counted.keys()));
  }

  /** Folds one record of the ceremony's log (the journal calls it for every record). */
  fold(r: CeremonyRecord): void {
    switch (r.type) {
      case 'step.challenge': {
        const { stepId, facts, chainHead, nonce, expiresAt, digest } = r.payload;
        const ch = { ceremonyId: this.log.ceremonyId, stepId, facts, chainHead, nonce, expiresAt };
        // A request issued before log format v2 was digested by the old rule; its signatures still count.
        const v1: ConfirmationChallenge = { ...ch, rule: 'v1' };
        this.#challenge = challengeDigest(ch) !== digest && challengeDigest(v1) === digest ? v1 : ch;
        this.#counted.clear();
        this.#target = null;
        break;
      }
      case 'audit.checkpoint':
        // The first checkpoint after a request is the one its custodians co-sign.
        if (this.#challenge && !this.#target) {
          const { treeSize, rootHash, time } = r.payload;
          const body = {
            version: 1 as const,
            ceremonyId: r.ceremonyId,
            stationId: r.stationId,
            treeSize,
            rootHash,
            time,
          };
          this.#target = { treeSize, rootHash, digest: checkpointDigest(body).toString('hex') };
        }
        break;
      case 'step.confirmed': {
        // Counted only while it still may count (after a restart, an expired request counts nothing).
        const { custodian, publicKey, digest, nonce, signature } = r.payload;
        const c = { custodianId: custodian, publicKey, digest, nonce, signature };
        if (this.refusal(c) === null) this.#counted.set(custodian, c);
        break;
      }
      case 'step.quorum-met':
        this.#spent.add(r.payload.nonce);
        if (this.#challenge?.nonce === r.payload.nonce) this.#forget();
        break;
      case 'audit.cosignature': {
        const signers = this.#cosigned.get(r.payload.treeSize) ?? new Set<string>();
        signers.add(r.payload.signer);
        this.#cosigned.set(r.payload.treeSize, signers);
        break;
      }
      default:
        break;
    }
  }

  /** After reopening: a request survives only for the step that is next, and only if unspent. */
  settleAfterReplay(): void {
    const ch = this.#challenge;
    if (ch && (this.#spent.has(ch.nonce) || ch.stepId !== nextStep(this.log.state))) this.#forget();
  }

  #forget(): void {
    this.#challenge = null;
    this.#counted.clear();
    this.#target = null;
  }
}

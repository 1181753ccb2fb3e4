import { createPublicKey, verify } from 'node:crypto';
import { KeyriteError } from '../errors.js';
import { CONFIRMATION_DOMAIN, domainDigest } from '../audit/hashing.js';
import { challengeDigestV1 } from './legacy-digests.js';
import type { StepFacts, StepId } from './state-machine.js';

/** What a custodian is asked to approve: the step, what it will do, where the log stands, and until when. */
export interface ConfirmationChallenge {
  ceremonyId: string;
  stepId: StepId;
  facts: StepFacts;
  chainHead: string;
  nonce: string;
  expiresAt: string;
  /** Set only on a request read back from a log older than format v2: its digest follows the old rule. */
  rule?: 'v1';
}

export interface Confirmation {
  custodianId: string;
  /** Ed25519 public key, SPKI DER base64, as enrolled. */
  publicKey: string;
  digest: string;
  nonce: string;
  /** Ed25519 signature over the digest's bytes, base64. */
  signature: string;
}

export type ConfirmationRefusal =
  | 'CONFIRMATION_REPLAYED'
  | 'CONFIRMATION_EXPIRED'
  | 'CONFIRMATION_DUPLICATE'
  | 'CONFIRMATION_WRONG_DIGEST'
  | 'CONFIRMATION_UNKNOWN_KEY'
  | 'CONFIRMATION_BAD_SIGNATURE';

/**
 * What a custodian signs: SHA-256("keyrite/confirmation/v2\n" || canonical JSON of
 * {ceremonyId, stepId, facts, chainHead, nonce, expiresAt}), hex (see docs/FORMAT.md).
 */
export function challengeDigest(ch: ConfirmationChallenge): string {
  const { ceremonyId, stepId, facts, chainHead, nonce, expiresAt } = ch;
  const body = { ceremonyId, stepId, facts, chainHead, nonce, expiresAt };
  return ch.rule === 'v1' ? challengeDigestV1(body) : domainDigest(CONFIRMATION_DOMAIN, body);
}

export interface QuorumContext {
  challenge: ConfirmationChallenge;
  /** custodianId → enrolled public key (SPKI DER base64). */
  enrolled: ReadonlyMap<string, string>;
  /** Nonces of challenges already consumed by a step that ran. */
  usedNonces: ReadonlySet<string>;
  /** Read at each check: a request that expires while custodians confirm stops counting. */
  now: () => Date;
}

/** Why this confirmation cannot count toward the quorum, or null when it can. */
export function refuseConfirmation(
  ctx: QuorumContext,
  c: Confirmation,
  alreadyCounted: ReadonlySet<string>,
): ConfirmationRefusal | null {
  if (ctx.usedNonces.has(c.nonce)) return 'CONFIRMATION_REPLAYED';
  if (c.nonce !== ctx.challenge.nonce || c.digest !== challengeDigest(ctx.challenge))
    return 'CONFIRMATION_WRONG_DIGEST';
  if (!(ctx.now().getTime() < Date.parse(ctx.challenge.expiresAt))) return 'CONFIRMATION_EXPIRED';
  const key = ctx.enrolled.get(c.custodianId);
  if (key === undefined || key !== c.publicKey) return 'CONFIRMATION_UNKNOWN_KEY';
  if (alreadyCounted.has(c.custodianId)) return 'CONFIRMATION_DUPLICATE';
  let ok = false;
  try {
    const pub = createPublicKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'spki' });
    ok = verify(null, Buffer.from(c.digest, 'hex'), pub, Buffer.from(c.signature, 'base64'));
  } catch {
    ok = false;
  }
  return ok ? null : 'CONFIRMATION_BAD_SIGNATURE';
}

const REFUSAL_TEXT: Record<ConfirmationRefusal, [string, string]> = {
  CONFIRMATION_REPLAYED: [
    'this confirmation was already used by a step that ran',
    'ask for a fresh confirmation',
  ],
  CONFIRMATION_EXPIRED: ['the confirmation request has expired', 'ask for a fresh confirmation request'],
  CONFIRMATION_DUPLICATE: [
    'this custodian has already confirmed this step',
    'another custodian must confirm',
  ],
  CONFIRMATION_WRONG_DIGEST: [
    'the confirmation is for a different step, ceremony or set of facts',
    'confirm the request the station is showing now',
  ],
  CONFIRMATION_UNKNOWN_KEY: [
    'the confirmation is signed by a key that is not enrolled here',
    'only enrolled custodians can confirm',
  ],
  CONFIRMATION_BAD_SIGNATURE: [
    'the confirmation signature does not verify',
    'the custodian must confirm again',
  ],
};

export function refusalError(code: ConfirmationRefusal, custodianId: string): KeyriteError {
  const [msg, hint] = REFUSAL_TEXT[code];
  return new KeyriteError(code, `${msg} (custodian ${custodianId})`, hint);
}

/** Accepts confirmations one at a time, refusing anything that must not count. */
export class QuorumTally {
  readonly #ctx: QuorumContext;
  readonly #counted = new Map<string, Confirmation>();

  constructor(ctx: QuorumContext) {
    this.#ctx = ctx;
  }

  add(c: Confirmation): void {
    const r = refuseConfirmation(this.#ctx, c, new Set(this.#counted.keys()));
    if (r) throw refusalError(r, c.custodianId);
    this.#counted.set(c.custodianId, c);
  }

  get count(): number {
    return this.#counted.size;
  }

  confirmations(): Confirmation[] {
    return [...this.#counted.values()];
  }

  /** Throws unless M distinct valid confirmations are in hand. */
  assertMet(m: number): void {
    if (this.#counted.size < m)
      throw new KeyriteError(
        'QUORUM_NOT_MET',
        `step ${this.#ctx.challenge.stepId} needs ${m} custodian confirmation(s), has ${this.#counted.size}`,
        'more custodians must confirm before this step can run',
      );
  }
}

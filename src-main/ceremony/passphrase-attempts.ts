import { KeyriteError } from '../../src-shared/errors.js';
import type { CeremonyRecord, PayloadOf } from '../../src-shared/ceremony/records.js';
import type { StepId } from '../../src-shared/ceremony/state-machine.js';
import type { LogView } from './ceremony-log.js';
import type { EngineSettings } from './engine-options.js';
import type { Journal } from './journal.js';

export type PassphrasePurpose = PayloadOf<'step.passphrase-refused'>['purpose'];

/** Where one custodian stands at one step: wrong passphrases so far, what the plan still allows, the wait. */
export interface AttemptStatus {
  wrong: number;
  /** Absent when the plan sets no cap. */
  remaining?: number;
  /** No attempt before this time (absent before the first wrong passphrase). */
  notBefore?: string;
}

/** The first wait after a wrong passphrase; each further one doubles it, up to the ceiling. */
export const BACKOFF_FIRST_MS = 1000;
export const BACKOFF_MAX_MS = 5 * 60 * 1000;

export function backoffMs(wrong: number): number {
  return Math.min(BACKOFF_FIRST_MS * 2 ** Math.max(0, wrong - 1), BACKOFF_MAX_MS);
}

/**
 * A refused passphrase, with what a front end needs to tell the person: how many tries the plan still
 * allows and how long to wait. The message says both; the fields let a terminal wait before asking again.
 */
export class PassphraseRefusal extends KeyriteError {
  constructor(
    code: string,
    message: string,
    hint: string,
    readonly remaining: number | undefined,
    readonly retryInMs: number,
  ) {
    super(code, message, hint);
  }
}

const seconds = (ms: number) => `${Math.ceil(ms / 1000)} s`;

/**
 * Wrong passphrases, limited: every passphrase that fails to open a custodian's key is an audit record
 * (who, which step, for what; the record's time says when), the next try at that step waits twice as
 * long as the last, and the plan may cap the tries per custodian per step. The count and the wait come
 * from the log, so restarting the station neither resets nor shortens them. One try per custodian at a
 * time: a second request while the first is being derived is refused, or parallel calls would skip the wait.
 */
export class PassphraseAttempts {
  readonly #byKey = new Map<string, { wrong: number; notBefore: string }>();
  readonly #inFlight = new Set<string>();

  constructor(
    private readonly log: LogView,
    private readonly journal: Journal,
    private readonly settings: EngineSettings,
  ) {}

  fold(r: CeremonyRecord): void {
    if (r.type !== 'step.passphrase-refused') return;
    const k = key(r.payload.custodian, r.payload.stepId);
    this.#byKey.set(k, { wrong: r.payload.attempt, notBefore: r.payload.notBefore });
  }

  status(custodianId: string, stepId: StepId): AttemptStatus {
    const s = this.#byKey.get(key(custodianId, stepId));
    const cap = this.log.plan.passphraseAttempts;
    const wrong = s?.wrong ?? 0;
    return {
      wrong,
      ...(cap !== undefined ? { remaining: Math.max(0, cap - wrong) } : {}),
      ...(s ? { notBefore: s.notBefore } : {}),
    };
  }

  /**
   * Runs `open` (which derives the custodian's key from their passphrase) unless the custodian has no
   * tries left at this step or must still wait; a wrong passphrase is recorded before it is reported.
   */
  async guard<T>(
    custodianId: string,
    stepId: StepId,
    purpose: PassphrasePurpose,
    open: () => Promise<T>,
  ): Promise<T> {
    const k = key(custodianId, stepId);
    const before = this.status(custodianId, stepId);
    if (before.remaining === 0)
      throw new PassphraseRefusal(
        'PASSPHRASE_ATTEMPTS_EXHAUSTED',
        `${custodianId} has used all ${before.wrong} passphrase attempts the plan allows at step ${stepId}`,
        exhaustedHint(stepId),
        0,
        0,
      );
    const wait = before.notBefore ? Date.parse(before.notBefore) - this.settings.clock().getTime() : 0;
    if (wait > 0)
      throw new PassphraseRefusal(
        'PASSPHRASE_BACKOFF',
        `${custodianId} typed a wrong passphrase at step ${stepId}; the next try is allowed in ${seconds(wait)}`,
        'wait, then type the passphrase again: each wrong one doubles the wait',
        before.remaining,
        wait,
      );
    if (this.#inFlight.has(k))
      throw new KeyriteError(
        'PASSPHRASE_BUSY',
        `a passphrase of ${custodianId} is being checked at step ${stepId}`,
        'wait for that check to finish',
      );
    this.#inFlight.add(k);
    try {
      return await open();
    } catch (e) {
      if (e instanceof KeyriteError && e.code === 'PASSPHRASE_WRONG')
        throw this.#refused(e, custodianId, stepId, purpose);
      throw e;
    } finally {
      this.#inFlight.delete(k);
    }
  }

  #refused(
    e: KeyriteError,
    custodianId: string,
    stepId: StepId,
    purpose: PassphrasePurpose,
  ): PassphraseRefusal {
    const attempt = this.status(custodianId, stepId).wrong + 1;
    const cap = this.log.plan.passphraseAttempts;
    const remaining = cap !== undefined ? Math.max(0, cap - attempt) : undefined;
    const wait = backoffMs(attempt);
    const notBefore = new Date(this.settings.clock().getTime() + wait).toISOString();
    this.journal.append(
      'step.passphrase-refused',
      {
        custodian: custodianId,
        stepId,
        purpose,
        attempt,
        notBefore,
        ...(remaining !== undefined ? { remaining } : {}),
      },
      custodianId,
    );
    const left =
      remaining === undefined
        ? `wrong passphrase ${attempt} at this step`
        : remaining === 0
          ? 'no attempts left at this step'
          : `${remaining} ${remaining === 1 ? 'attempt' : 'attempts'} left at this step`;
    return new PassphraseRefusal(
      'PASSPHRASE_WRONG',
      `${e.message} (${left}${remaining === 0 ? '' : `; next try in ${seconds(wait)}`})`,
      remaining === 0 ? exhaustedHint(stepId) : e.hint,
      remaining,
      wait,
    );
  }
}

function exhaustedHint(stepId: StepId): string {
  return stepId === 'verify-shares'
    ? 'this custodian can no longer check their share in this ceremony: stop it and run a new one; the refused attempts are in the audit log'
    : 'another custodian acts at this step; the refused attempts are in the audit log';
}

function key(custodianId: string, stepId: StepId): string {
  return `${stepId}\u0000${custodianId}`;
}

import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { SecretBuffer } from '../../src-shared/secret-buffer.js';
import type { StepId } from '../../src-shared/ceremony/state-machine.js';
import type { CeremonyService } from './ceremony-service.js';
import { challengeDigest, type ConfirmationChallenge } from '../../src-shared/ceremony/confirmation.js';
import { KeyriteError } from '../../src-shared/errors.js';
import { BACKOFF_MAX_MS, PassphraseRefusal } from './passphrase-attempts.js';

/** What custodians are asked to do when the room picks who acts. */
export type CustodianTask = 'confirm' | 'verify-share' | 'open-share';

/** The room's choice: who of the custodians present acts next. */
export interface CustodianChoice {
  step: StepId;
  task: CustodianTask;
  /** Custodians who may act now, in plan order (not yet done, not passed over). */
  candidates: readonly string[];
  /** Custodians who already did it for this step. */
  done: readonly string[];
  /** How many more must act before the step can run (0: the rest are optional). */
  needed: number;
}

/** How a front end supplies people at their turn: a passphrase prompt, a share file to open. */
export interface CeremonyPeople {
  passphrase(custodianId: string, purpose: string): Promise<SecretBuffer>;
  /** A line of output for the room (never secret). */
  say(line: string): void;
  /** Tries a person gets after a mistyped passphrase (people: 3; scripted passphrases: 1). */
  attempts?: number;
  /**
   * Who acts next: one of `candidates`, or null when nobody else is present. Absent: each candidate
   * in plan order (rehearsals, scripts). A custodian who passes at their prompt (the front end throws
   * CUSTODIAN_PASSED) is not asked again for this step; passing is not a failure.
   */
  choose?(c: CustodianChoice): Promise<string | null>;
  /** Before people act in a step: what they act on (the confirmation request, when the step is guarded). */
  show?(step: StepId, challenge: ConfirmationChallenge | null): void;
}

/** Mistakes a person can correct by typing again. */
const RETRYABLE = new Set(['PASSPHRASE_WRONG', 'PASSPHRASE_MISMATCH', 'PASSPHRASE_WEAK', 'COMPONENT_FORMAT']);

/** What a front end throws when a custodian at a prompt passes (an empty line): someone else acts. */
export const CUSTODIAN_PASSED = 'CUSTODIAN_PASSED';

/**
 * A witness who does not sign off at their turn (answered other than "sign", or pressed Enter alone at
 * the passphrase): nothing is recorded and the ceremony stays at its last step, to be resumed.
 */
export function witnessDidNotSign(witnessId: string): KeyriteError {
  return new KeyriteError(
    'WITNESS_NOT_SIGNED',
    `witness ${witnessId} did not sign off; nothing was recorded and the ceremony stays open at its last step`,
    'a witness signs off by typing "sign" and then their own passphrase; a witness who saw something wrong records it first with keyrite ceremony exception',
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Asks again after a mistake a person can correct, up to the front end's tries. After a wrong
 * passphrase the engine says how many tries the plan still allows and how long to wait: the loop
 * waits that long before asking again, and stops when the plan allows no more.
 */
async function withRetries<T>(
  people: CeremonyPeople,
  act: () => Promise<T>,
  attempts = people.attempts ?? 1,
  firstTry = 1,
): Promise<T> {
  for (let i = firstTry; ; i++) {
    try {
      return await act();
    } catch (e) {
      if (i >= attempts || !retryable(e, attempts)) throw e;
      await sayAndWait(people, e, i + 1, attempts);
    }
  }
}

function retryable(e: unknown, attempts: number): e is KeyriteError {
  if (attempts <= 1 || !(e instanceof KeyriteError) || !RETRYABLE.has(e.code)) return false;
  return !(e instanceof PassphraseRefusal && e.remaining === 0);
}

async function sayAndWait(people: CeremonyPeople, e: KeyriteError, nextTry: number, attempts: number) {
  people.say(`  ${e.message} — ${e.hint} (try ${nextTry} of ${attempts})`);
  if (e instanceof PassphraseRefusal && e.retryInMs > 0) await sleep(e.retryInMs);
}

/**
 * Independent acts of several people (enrollments, share checks, the confirmations of one step). Each
 * person is asked in turn and their act starts at once, so the next person types while the previous
 * person's key is derived, and scripted people (a rehearsal) derive concurrently, as many at once as
 * the KDF pool allows (src-main/secrets/kdf-pool.ts). Every act settles before anything is reported;
 * a mistake a person can correct is then retried, one person at a time, in plan order.
 */
async function together<T>(
  people: CeremonyPeople,
  ids: readonly string[],
  ask: (id: string) => Promise<SecretBuffer>,
  act: (id: string, passphrase: SecretBuffer) => Promise<T>,
  done: (id: string, result: T) => void,
): Promise<void> {
  const attempts = people.attempts ?? 1;
  const started: Promise<T>[] = [];
  const retriedAlready = new Set<string>();
  const again = async (id: string, e: KeyriteError): Promise<T> => {
    await sayAndWait(people, e, 2, attempts);
    return withRetries(people, async () => act(id, await ask(id)), attempts, 2);
  };
  try {
    for (const id of ids) {
      const passphrase = await ask(id);
      const pending = act(id, passphrase);
      // A refusal that needs no key derivation (a weak passphrase, a mistyped repeat) is known at once:
      // the person hears it and tries again before the next person is asked.
      const early = await settledNow(pending);
      if (early?.status === 'rejected' && retryable(early.reason, attempts)) {
        const retried = again(id, early.reason);
        // The same person tries again before the next one is asked: one prompt at a time.
        await retried.catch(() => undefined);
        retriedAlready.add(id);
        started.push(retried);
      } else started.push(pending);
    }
  } catch (e) {
    // Someone could not be asked (end of input, a closed terminal): let the acts in flight finish
    // writing their records before the ceremony stops.
    await Promise.allSettled(started);
    throw e;
  }
  const settled = await Promise.allSettled(started);
  for (const [i, id] of ids.entries()) {
    const s = settled[i] as PromiseSettledResult<T>;
    if (s.status === 'fulfilled') {
      done(id, s.value);
      continue;
    }
    if (retriedAlready.has(id) || !retryable(s.reason, attempts)) throw s.reason;
    done(id, await again(id, s.reason));
  }
}

/** The promise's outcome if it settles before the event loop turns (a synchronous refusal), else undefined. */
async function settledNow<T>(p: Promise<T>): Promise<PromiseSettledResult<T> | undefined> {
  let outcome: PromiseSettledResult<T> | undefined;
  p.then(
    (value) => (outcome = { status: 'fulfilled', value }),
    (reason: unknown) => (outcome = { status: 'rejected', reason }),
  );
  await new Promise<void>((resolve) => setImmediate(resolve));
  return outcome;
}

/**
 * Any M of N: custodians act one at a time, chosen by the room from those not yet done, until `needed`
 * have; then the others may still act (`optional`) until the room says nobody else is present.
 * Returns who acted. When fewer than needed are present, the run stops with what to do next; nothing
 * done so far is lost (the log keeps it; --resume continues).
 */
async function custodiansInTurn(
  people: CeremonyPeople,
  a: {
    step: StepId;
    task: CustodianTask;
    eligible: readonly string[];
    done: () => readonly string[];
    needed: number;
    optional: boolean;
    act: (id: string) => Promise<void>;
  },
): Promise<void> {
  const passed = new Set<string>();
  for (;;) {
    const done = a.done();
    const needed = Math.max(0, a.needed - done.length);
    if (needed === 0 && !a.optional) return;
    const candidates = a.eligible.filter((id) => !done.includes(id) && !passed.has(id));
    if (candidates.length === 0 && needed === 0) return;
    const id =
      candidates.length === 0
        ? null
        : people.choose
          ? await people.choose({ step: a.step, task: a.task, candidates, done, needed })
          : (candidates[0] ?? null);
    if (id === null) {
      if (needed === 0) return;
      throw new KeyriteError(
        'CUSTODIANS_NOT_PRESENT',
        `step ${a.step} needs ${a.needed} custodian(s) to ${a.task.replace('-', ' ')}; ${done.length} did (${done.join(', ') || 'none'}), and no other custodian is present`,
        'nothing is lost: the log keeps what was done; when enough custodians are present, continue with --resume',
      );
    }
    if (!candidates.includes(id)) throw new Error(`${id} is not a candidate`);
    try {
      await a.act(id);
    } catch (e) {
      if (e instanceof KeyriteError && e.code === CUSTODIAN_PASSED) {
        passed.add(id);
        people.say(`  ${id} passed`);
        continue;
      }
      throw e;
    }
  }
}

/**
 * Runs a ceremony to its end (or, in a split ceremony, until a bundle must cross), asking the right people at the right step: custodians enroll, confirm
 * guarded steps (any M of N, as the room chooses), verify and open shares; witnesses sign off. The
 * terminal command and the rehearsal share this loop; the Electron UI drives the service step by step.
 */
export async function driveCeremony(
  svc: CeremonyService,
  people: CeremonyPeople,
  opts: { signOff: (witnessId: string) => Promise<boolean> },
): Promise<void> {
  const plan = svc.plan;
  const m = plan.quorum.m;
  const custodians = plan.participants.custodians.map((c) => c.id);
  // Each prompt at a step where the plan caps tries, or after a wrong one, says where the custodian stands.
  const ask = async (id: string, step: StepId, purpose: string): Promise<SecretBuffer> => {
    const s = svc.passphraseAttempts(id, step);
    // A wait still running from earlier wrong passphrases (also across a restart): wait it out before
    // asking, rather than take a passphrase the engine must refuse unread.
    const wait = s.notBefore && s.remaining !== 0 ? Date.parse(s.notBefore) - Date.now() : 0;
    if (wait > 0) {
      people.say(
        `  ${id}: after wrong passphrases at this step, the next try is allowed in ${Math.ceil(wait / 1000)} s`,
      );
      await sleep(Math.min(wait, BACKOFF_MAX_MS));
    }
    const note =
      s.remaining !== undefined
        ? ` (${s.remaining} of ${plan.passphraseAttempts} passphrase attempts left at this step)`
        : s.wrong > 0
          ? ` (${s.wrong} wrong at this step so far)`
          : '';
    return people.passphrase(id, `${purpose}${note}`);
  };
  for (;;) {
    const step: StepId | null = svc.nextStep;
    // A split ceremony: the rest waits for a bundle to cross (the front end writes or reads it).
    if (!step || svc.bundleDue()) return;
    const view = svc.view();
    if (step === 'enroll') {
      people.show?.(step, null);
      // Custodians, then witnesses (a witness's key signs their sign-off and exceptions).
      const waiting = view.participants
        .filter((p) => (p.role === 'custodian' || p.role === 'witness') && !p.enrolled)
        .map((p) => p.id);
      await together(
        people,
        waiting,
        (id) => people.passphrase(id, 'choose your passphrase to enroll'),
        (id, pw) => svc.enroll(id, pw),
        (id, r) => people.say(`  enrolled ${id}: key fingerprint ${r.publicKeyFingerprint.slice(0, 16)}…`),
      );
    }
    if (step === 'verify-shares') {
      people.show?.(step, null);
      const said = (id: string) => people.say(`  ${id}: share opens and matches its commitment`);
      if (people.choose) {
        // A room: any M of N, in the order the room picks; the others may still verify.
        const verified = () =>
          custodians.filter((id) => svc.view().participants.some((p) => p.id === id && p.shareVerified));
        await custodiansInTurn(people, {
          step,
          task: 'verify-share',
          eligible: custodians,
          done: verified,
          needed: m,
          optional: true,
          act: async (id) => {
            await withRetries(people, async () =>
              svc.verifyShare(id, await ask(id, step, 'open your backup share to verify it')),
            );
            said(id);
          },
        });
      } else
        await together(
          people,
          custodians,
          (id) => ask(id, step, 'open your backup share to verify it'),
          (id, pw) => svc.verifyShare(id, pw),
          said,
        );
    }
    const shareDir = step === 'generate-material' ? svc.shareSourceDir : null;
    if (shareDir !== null) {
      people.show?.(step, null);
      const dir = shareDir;
      const holders = readdirSync(dir)
        .filter((n) => n.endsWith('.share.json'))
        .sort()
        .map((name) => ({ name, holder: name.replace(/\.share\.json$/, '') }))
        .filter((f) => custodians.includes(f.holder));
      const fileOf = new Map(holders.map((f) => [f.holder, path.join(dir, f.name)]));
      const opened = (r: { holder: string; kcv: string }) =>
        people.say(`  ${r.holder} opened a share of material with check value ${r.kcv}`);
      if (people.choose) {
        const done: string[] = [];
        await custodiansInTurn(people, {
          step,
          task: 'open-share',
          eligible: custodians.filter((id) => fileOf.has(id)),
          done: () => done,
          needed: m,
          optional: false,
          act: async (holder) => {
            const r = await withRetries(people, async () =>
              svc.provideShare(
                fileOf.get(holder) as string,
                await ask(holder, step, 'open your backup share for reconstitution'),
              ),
            );
            done.push(holder);
            opened(r);
          },
        });
      } else
        await together(
          people,
          holders.map((f) => f.holder).slice(0, m),
          (holder) => ask(holder, step, 'open your backup share for reconstitution'),
          (holder, pw) => svc.provideShare(fileOf.get(holder) as string, pw),
          (_holder, r) => opened(r),
        );
    }
    if (step === 'close') {
      people.show?.(step, null);
      for (const w of plan.participants.witnesses) {
        if (!(await opts.signOff(w.id))) throw witnessDidNotSign(w.id);
        if (!svc.witnessEnrolled(w.id)) {
          await svc.witnessSignOff(w.id); // a ceremony enrolled before witnesses had keys
          continue;
        }
        await withRetries(people, async () =>
          svc.witnessSignOff(w.id, await ask(w.id, step, 'sign off the ceremony with your passphrase')),
        );
        people.say(`  ${w.id} signed off`);
      }
    }
    if (svc.isGuarded(step)) {
      const ch = svc.challenge(step);
      people.show?.(step, ch);
      people.say(
        `  step ${step} needs ${m} custodian confirmation(s); request ${challengeDigest(ch).slice(0, 16)}…`,
      );
      if (people.choose)
        await custodiansInTurn(people, {
          step,
          task: 'confirm',
          eligible: custodians,
          done: () => svc.pendingConfirmations(),
          needed: m,
          optional: false,
          act: async (id) => {
            const r = await withRetries(people, async () =>
              svc.confirm(step, id, await ask(id, step, `confirm step ${step}`)),
            );
            people.say(`  ${id} confirmed (${r.confirmations}/${r.required})`);
          },
        });
      else {
        // Scripted people (a rehearsal): the first M in plan order, their keys derived concurrently.
        const already = new Set(svc.pendingConfirmations());
        const needed = custodians.filter((id) => !already.has(id)).slice(0, Math.max(0, m - already.size));
        let n = already.size;
        await together(
          people,
          needed,
          (id) => ask(id, step, `confirm step ${step}`),
          (id, pw) => svc.confirm(step, id, pw),
          (id) => people.say(`  ${id} confirmed (${++n}/${m})`),
        );
      }
    }
    await svc.runStep(step);
    const facts = svc.facts();
    people.say(`✓ ${step}${step === 'generate-material' && facts.kcv ? ` — KCV ${facts.kcv}` : ''}`);
  }
}

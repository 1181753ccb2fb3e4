import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { SecretBuffer } from '../../src-shared/secret-buffer.js';
import type { StepId } from '../../src-shared/ceremony/state-machine.js';
import type { CeremonyService } from './ceremony-service.js';
import { challengeDigest } from '../../src-shared/ceremony/confirmation.js';
import { KeyriteError } from '../../src-shared/errors.js';
import { PassphraseRefusal } from './passphrase-attempts.js';

/** How a front end supplies people at their turn: a passphrase prompt, a share file to open. */
export interface CeremonyPeople {
  passphrase(custodianId: string, purpose: string): Promise<SecretBuffer>;
  /** A line of output for the room (never secret). */
  say(line: string): void;
  /** Tries a person gets after a mistyped passphrase (people: 3; scripted passphrases: 1). */
  attempts?: number;
}

/** Mistakes a person can correct by typing again. */
const RETRYABLE = new Set(['PASSPHRASE_WRONG', 'PASSPHRASE_MISMATCH', 'PASSPHRASE_WEAK', 'COMPONENT_FORMAT']);

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
 * Runs a ceremony to its end (or, in a split ceremony, until a bundle must cross), asking the right people at the right step: custodians enroll, confirm
 * guarded steps (the first M in plan order who have not yet confirmed), open their shares; witnesses
 * sign off. The terminal command and the rehearsal share this loop; the Electron UI drives the service
 * step by step instead.
 */
export async function driveCeremony(
  svc: CeremonyService,
  people: CeremonyPeople,
  opts: { signOff: (witnessId: string) => Promise<boolean> },
): Promise<void> {
  const plan = svc.plan;
  const custodians = plan.participants.custodians.map((c) => c.id);
  // Each prompt at a step where the plan caps tries, or after a wrong one, says where the custodian stands.
  const ask = (id: string, step: StepId, purpose: string): Promise<SecretBuffer> => {
    const s = svc.passphraseAttempts(id, step);
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
      const waiting = view.participants.filter((p) => p.role === 'custodian' && !p.enrolled).map((p) => p.id);
      await together(
        people,
        waiting,
        (id) => people.passphrase(id, 'choose your passphrase to enroll'),
        (id, pw) => svc.enroll(id, pw),
        (id, r) => people.say(`  enrolled ${id}: key fingerprint ${r.publicKeyFingerprint.slice(0, 16)}…`),
      );
    }
    if (step === 'verify-shares') {
      await together(
        people,
        custodians,
        (id) => ask(id, step, 'open your backup share to verify it'),
        (id, pw) => svc.verifyShare(id, pw),
        (id) => people.say(`  ${id}: share opens and matches its commitment`),
      );
    }
    if (step === 'generate-material' && plan.material.mode === 'existing-shares') {
      const dir = path.resolve(svc.planBase, plan.material.sharesDir);
      const holders = readdirSync(dir)
        .filter((n) => n.endsWith('.share.json'))
        .sort()
        .map((name) => ({ name, holder: name.replace(/\.share\.json$/, '') }))
        .filter((f) => custodians.includes(f.holder))
        .slice(0, plan.quorum.m);
      const fileOf = new Map(holders.map((f) => [f.holder, path.join(dir, f.name)]));
      await together(
        people,
        holders.map((f) => f.holder),
        (holder) => ask(holder, step, 'open your backup share for reconstitution'),
        (holder, pw) => svc.provideShare(fileOf.get(holder) as string, pw),
        (_holder, r) => people.say(`  ${r.holder} opened a share of material with check value ${r.kcv}`),
      );
    }
    if (step === 'close') {
      for (const w of plan.participants.witnesses) {
        if (!(await opts.signOff(w.id))) throw new Error(`witness ${w.id} did not sign off`);
        svc.witnessSignOff(w.id);
      }
    }
    if (svc.isGuarded(step)) {
      const ch = svc.challenge(step);
      people.say(
        `  step ${step} needs ${plan.quorum.m} custodian confirmation(s); request ${challengeDigest(ch).slice(0, 16)}…`,
      );
      const already = new Set(svc.pendingConfirmations());
      const needed = custodians
        .filter((id) => !already.has(id))
        .slice(0, Math.max(0, plan.quorum.m - already.size));
      let n = already.size;
      await together(
        people,
        needed,
        (id) => ask(id, step, `confirm step ${step}`),
        (id, pw) => svc.confirm(step, id, pw),
        (id) => people.say(`  ${id} confirmed (${++n}/${plan.quorum.m})`),
      );
    }
    await svc.runStep(step);
    const facts = svc.facts();
    people.say(`✓ ${step}${step === 'generate-material' && facts.kcv ? ` — KCV ${facts.kcv}` : ''}`);
  }
}

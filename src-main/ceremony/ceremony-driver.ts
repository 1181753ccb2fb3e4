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
async function withRetries<T>(people: CeremonyPeople, act: () => Promise<T>): Promise<T> {
  const attempts = people.attempts ?? 1;
  for (let i = 1; ; i++) {
    try {
      return await act();
    } catch (e) {
      if (i >= attempts || !(e instanceof KeyriteError) || !RETRYABLE.has(e.code)) throw e;
      if (e instanceof PassphraseRefusal && e.remaining === 0) throw e;
      people.say(`  ${e.message} — ${e.hint} (try ${i + 1} of ${attempts})`);
      if (e instanceof PassphraseRefusal && e.retryInMs > 0) await sleep(e.retryInMs);
    }
  }
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
      for (const p of view.participants) {
        if (p.role === 'custodian' && !p.enrolled) {
          const r = await withRetries(people, async () =>
            svc.enroll(p.id, await people.passphrase(p.id, 'choose your passphrase to enroll')),
          );
          people.say(`  enrolled ${p.id}: key fingerprint ${r.publicKeyFingerprint.slice(0, 16)}…`);
        }
      }
    }
    if (step === 'verify-shares') {
      for (const id of custodians) {
        await withRetries(people, async () =>
          svc.verifyShare(id, await ask(id, step, 'open your backup share to verify it')),
        );
        people.say(`  ${id}: share opens and matches its commitment`);
      }
    }
    if (step === 'generate-material' && plan.material.mode === 'existing-shares') {
      const dir = path.resolve(svc.planBase, plan.material.sharesDir);
      const files = readdirSync(dir)
        .filter((n) => n.endsWith('.share.json'))
        .sort();
      let opened = 0;
      for (const name of files) {
        if (opened >= plan.quorum.m) break;
        const holder = name.replace(/\.share\.json$/, '');
        if (!custodians.includes(holder)) continue;
        const r = await withRetries(people, async () =>
          svc.provideShare(
            path.join(dir, name),
            await ask(holder, step, 'open your backup share for reconstitution'),
          ),
        );
        people.say(`  ${r.holder} opened a share of material with check value ${r.kcv}`);
        opened++;
      }
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
      let n = already.size;
      for (const id of custodians) {
        if (n >= plan.quorum.m) break;
        if (already.has(id)) continue;
        const r = await withRetries(people, async () =>
          svc.confirm(step, id, await ask(id, step, `confirm step ${step}`)),
        );
        n = r.confirmations;
        people.say(`  ${id} confirmed (${r.confirmations}/${r.required})`);
      }
    }
    await svc.runStep(step);
    const facts = svc.facts();
    people.say(`✓ ${step}${step === 'generate-material' && facts.kcv ? ` — KCV ${facts.kcv}` : ''}`);
  }
}

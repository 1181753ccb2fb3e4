import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { SecretBuffer } from '../../src-shared/secret-buffer.js';
import type { StepId } from '../../src-shared/ceremony/state-machine.js';
import type { CeremonyService } from './ceremony-service.js';
import { challengeDigest, type ConfirmationChallenge } from '../../src-shared/ceremony/confirmation.js';
import { KeyriteError } from '../../src-shared/errors.js';

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

async function withRetries<T>(people: CeremonyPeople, act: () => Promise<T>): Promise<T> {
  const attempts = people.attempts ?? 1;
  for (let i = 1; ; i++) {
    try {
      return await act();
    } catch (e) {
      if (i >= attempts || !(e instanceof KeyriteError) || !RETRYABLE.has(e.code)) throw e;
      people.say(`  ${e.message} — ${e.hint} (try ${i + 1} of ${attempts})`);
    }
  }
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
  for (;;) {
    const step: StepId | null = svc.nextStep;
    // A split ceremony: the rest waits for a bundle to cross (the front end writes or reads it).
    if (!step || svc.bundleDue()) return;
    const view = svc.view();
    if (step === 'enroll') {
      people.show?.(step, null);
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
      people.show?.(step, null);
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
            svc.verifyShare(id, await people.passphrase(id, 'open your backup share to verify it')),
          );
          people.say(`  ${id}: share opens and matches its commitment`);
        },
      });
    }
    if (step === 'generate-material' && plan.material.mode === 'existing-shares') {
      people.show?.(step, null);
      const dir = path.resolve(svc.planBase, plan.material.sharesDir);
      const holders = readdirSync(dir)
        .filter((n) => n.endsWith('.share.json'))
        .map((n) => n.replace(/\.share\.json$/, ''))
        .filter((h) => custodians.includes(h));
      const opened: string[] = [];
      await custodiansInTurn(people, {
        step,
        task: 'open-share',
        eligible: custodians.filter((id) => holders.includes(id)),
        done: () => opened,
        needed: m,
        optional: false,
        act: async (holder) => {
          const r = await withRetries(people, async () =>
            svc.provideShare(
              path.join(dir, `${holder}.share.json`),
              await people.passphrase(holder, 'open your backup share for reconstitution'),
            ),
          );
          opened.push(holder);
          people.say(`  ${r.holder} opened a share of material with check value ${r.kcv}`);
        },
      });
    }
    if (step === 'close') {
      people.show?.(step, null);
      for (const w of plan.participants.witnesses) {
        if (!(await opts.signOff(w.id))) throw new Error(`witness ${w.id} did not sign off`);
        svc.witnessSignOff(w.id);
      }
    }
    if (svc.isGuarded(step)) {
      const ch = svc.challenge(step);
      people.show?.(step, ch);
      people.say(
        `  step ${step} needs ${m} custodian confirmation(s); request ${challengeDigest(ch).slice(0, 16)}…`,
      );
      await custodiansInTurn(people, {
        step,
        task: 'confirm',
        eligible: custodians,
        done: () => svc.pendingConfirmations(),
        needed: m,
        optional: false,
        act: async (id) => {
          const r = await withRetries(people, async () =>
            svc.confirm(step, id, await people.passphrase(id, `confirm step ${step}`)),
          );
          people.say(`  ${id} confirmed (${r.confirmations}/${r.required})`);
        },
      });
    }
    await svc.runStep(step);
    const facts = svc.facts();
    people.say(`✓ ${step}${step === 'generate-material' && facts.kcv ? ` — KCV ${facts.kcv}` : ''}`);
  }
}

import type { CeremonyView, KeyMaterialView, StepView } from '../../src-shared/ipc/ceremony-view.js';
import { reimportSource, type KeyMaterialEntry } from '../../src-shared/ceremony/key-materials.js';
import { isGuarded, nextStep, type StepFacts, type StepId } from '../../src-shared/ceremony/state-machine.js';
import { STEP_CATALOGUE } from '../../src-shared/ceremony/steps.js';
import { spkiFingerprint } from '../../src-shared/digests.js';
import { toWords } from '../../src-shared/words/pgp-words.js';
import type { LogView } from './ceremony-log.js';
import type { QuorumState } from './quorum-state.js';
import type { SecretsInHand } from './secrets-in-hand.js';
import { stepBlocker } from './readiness.js';
import type { AttemptStatus, PassphraseAttempts } from './passphrase-attempts.js';

/** What the room sees of a custodian's passphrase tries at the current step: only once one was wrong, or the plan caps them. */
function attemptsView(s: AttemptStatus): Pick<CeremonyView['participants'][number], 'passphraseAttempts'> {
  if (s.wrong === 0 && s.remaining === undefined) return {};
  return { passphraseAttempts: s };
}

export type { CeremonyView };

/** The facts a step's catalogue entry says the screen shows (KCV in lower case, as every hex value there). */
export function viewFacts(step: StepId, f: StepFacts): StepView['facts'] {
  const out: Record<string, string> = {};
  for (const k of STEP_CATALOGUE[step].shows) {
    const v = f[k];
    if (v !== undefined) out[k] = k === 'kcv' ? v.toLowerCase() : v;
  }
  return out;
}

/** Builds the public picture of the ceremony: no material, no shares, no sealed blobs. */
export function buildView(
  log: LogView,
  quorum: QuorumState,
  secrets: SecretsInHand,
  attempts: PassphraseAttempts,
): CeremonyView {
  const next = nextStep(log.state);
  const completed = log.state.closed;
  const enrolling = log.state.steps.enroll !== 'done';
  const p = log.plan.participants;
  const participants: CeremonyView['participants'] = [
    { id: p.administrator.id, name: p.administrator.name, role: 'administrator', enrolled: false },
    ...p.custodians.map((c) => {
      const e = log.enrollment(c.id);
      return {
        id: c.id,
        name: c.name,
        role: 'custodian' as const,
        enrolled: e !== undefined,
        ...(log.plan.backup.shares ? { shareVerified: log.shareVerified(c.id) } : {}),
        ...(e ? { publicKeyFingerprint: spkiFingerprint(e.signingPublicKey) } : {}),
        ...(next ? attemptsView(attempts.status(c.id, next)) : {}),
      };
    }),
    ...p.witnesses.map((w) => {
      const e = log.witnessEnrollment(w.id);
      return {
        id: w.id,
        name: w.name,
        role: 'witness' as const,
        enrolled: e !== undefined,
        ...(e ? { publicKeyFingerprint: spkiFingerprint(e.publicKey) } : {}),
        ...(next ? attemptsView(attempts.status(w.id, next)) : {}),
      };
    }),
    ...(p.auditor
      ? [{ id: p.auditor.id, name: p.auditor.name, role: 'auditor' as const, enrolled: false }]
      : []),
  ];
  const challenge = quorum.challenge;
  const steps: StepView[] = log.state.order.map((id) => {
    const st = log.state.steps[id];
    const status = st === 'pending' && id === next ? 'ready' : st;
    const err = log.failure(id);
    // Confirmations toward the open request, else the quorum that let the step run (if it ran). A
    // failed step's quorum was spent on the failed run: a retry needs fresh confirmations.
    const confirmed =
      challenge?.stepId === id
        ? quorum.confirmations().map((c) => c.custodianId)
        : st === 'done' || st === 'running'
          ? [...(log.confirmedBy(id) ?? [])]
          : [];
    const blocker = id === next ? stepBlocker(log, secrets, id) : null;
    return {
      id,
      title: STEP_CATALOGUE[id].title,
      description: STEP_CATALOGUE[id].description,
      status,
      guarded: isGuarded(log.plan, id),
      confirmedBy: confirmed,
      facts: st === 'done' ? viewFacts(id, log.stepFacts(id) ?? {}) : {},
      exceptions: log.exceptions
        .filter((x) => x.stepId === id)
        .map((x) => ({ witnessId: x.witnessId, text: x.text, at: x.at })),
      ...(err && st === 'failed'
        ? {
            error: {
              code: err.code.slice(0, 64),
              message: err.message.slice(0, 512),
              ...(err.hint ? { hint: err.hint.slice(0, 512) } : {}),
            },
          }
        : {}),
      ...(blocker
        ? {
            blockedBy: {
              code: blocker.code,
              message: blocker.message.slice(0, 512),
              hint: blocker.hint.slice(0, 512),
            },
          }
        : {}),
    };
  });
  return {
    status: completed ? 'completed' : enrolling ? 'enrolling' : 'in-progress',
    ceremonyId: log.ceremonyId,
    planDigest: log.planDigest,
    planDigestWords: toWords(log.planDigest),
    title: log.plan.name.slice(0, 256),
    quorum: { m: log.plan.quorum.m, n: p.custodians.length },
    participants,
    steps,
    ...(next ? { currentStepId: next } : {}),
    ...(log.keyMaterials.length > 0 ? { keyMaterials: materialViews(log) } : {}),
  };
}

/** The key's materials for the screen and `keyrite ceremony status`. */
export function materialViews(log: LogView): KeyMaterialView[] {
  return log.keyMaterials.map((m) => materialView(log, m));
}

/** One material for people: its state, expiry and the share set that re-imports it. */
export function materialView(log: LogView, m: KeyMaterialEntry): KeyMaterialView {
  const own = { ceremonyId: log.ceremonyId, wroteShares: log.plan.backup.shares };
  return {
    keyMaterialId: m.keyMaterialId,
    state: m.state,
    ...(m.importState ? { importState: m.importState } : {}),
    ...(m.expirationModel === 'KEY_MATERIAL_EXPIRES' && m.validTo ? { validTo: m.validTo } : {}),
    reimportedBy: reimportSource(m, own),
  };
}

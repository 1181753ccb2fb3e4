import type { CeremonyView, Participant, StepView } from '../../../src-shared/ipc/ceremony-view.js';

/** Who must act now at a step, and what they do: the line the step card and the witness display lead with. */
export interface NextAction {
  /** The person's name, or "Keyrite" while the station works. */
  who: string;
  role: string;
  what: string;
}

const custodians = (v: CeremonyView) => v.participants.filter((p) => p.role === 'custodian');
const administrator = (v: CeremonyView) => v.participants.find((p) => p.role === 'administrator');
const person = (p: Participant | undefined, role: string, what: string): NextAction => ({
  who: p?.name ?? `The ${role}`,
  role,
  what,
});

/** The custodians a confirmation form offers, in the order it offers them. */
export function unconfirmedCustodians(view: CeremonyView, step: StepView): Participant[] {
  return custodians(view).filter((p) => p.enrolled && !step.confirmedBy.includes(p.id));
}

export function nextAction(view: CeremonyView, step: StepView): NextAction | null {
  if (step.status === 'done' || step.status === 'skipped' || step.status === 'pending') return null;
  if (view.awaitingComponent) {
    const p = view.participants.find((x) => x.id === view.awaitingComponent?.custodianId);
    return person(p, 'custodian', 'enter your key component — everyone else looks away');
  }
  if (step.status === 'running') return { who: 'Keyrite', role: 'station', what: 'working on this step…' };
  if (step.status === 'failed')
    return person(administrator(view), 'administrator', 'read the cause below, fix it, then retry the step');
  // A split ceremony at the other station's step (or owing it a bundle): the medium comes first.
  if (step.blockedBy?.code === 'AWAITING_BUNDLE')
    return person(
      administrator(view),
      'administrator',
      `with the bundle panel above: ${step.blockedBy.hint}`,
    );
  if (step.id === 'enroll') {
    const pending = custodians(view).find((p) => !p.enrolled);
    if (pending)
      return person(pending, 'custodian', 'read the rule, then choose and type your passphrase twice');
    const witness = view.participants.find((p) => p.role === 'witness' && !p.enrolled);
    if (witness)
      return person(witness, 'witness', 'read the rule, then choose and type your passphrase twice');
  }
  const need = view.quorum?.m ?? 1;
  if (step.guarded && step.confirmedBy.length < need) {
    const next = unconfirmedCustodians(view, step)[0];
    return person(next, 'custodian', 'compare the facts aloud, then confirm with your passphrase');
  }
  if (step.blockedBy) {
    if (step.id === 'generate-material' && view.materialMode === 'existing-shares')
      return person(custodians(view)[0], 'custodian', 'open your backup share from the earlier ceremony');
    if (step.id === 'verify-shares') {
      const p = custodians(view).find((c) => c.enrolled && !c.shareVerified);
      return person(p, 'custodian', 'open and check your backup share');
    }
    if (step.id === 'close') {
      const w = view.participants.find((p) => p.role === 'witness' && !p.signedOffAt);
      return person(w, 'witness', 'sign off the ceremony with your passphrase');
    }
  }
  if (step.id === 'create-key' && view.keyIdentity?.kind === 'create')
    return person(
      administrator(view),
      'administrator',
      "read the key's identity aloud with the room, tick the review, then run the step",
    );
  return person(administrator(view), 'administrator', 'run the step');
}

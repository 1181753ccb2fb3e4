import type { CeremonyView, StepView } from '../../../src-shared/ipc/ceremony-view.js';

/** The facts established so far (each completed step's, later ones winning), which the next step acts on. */
export function knownFacts(view: CeremonyView): StepView['facts'] {
  return Object.assign(
    {},
    ...view.steps.filter((s) => s.status === 'done').map((s) => s.facts),
  ) as StepView['facts'];
}

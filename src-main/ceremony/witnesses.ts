import { KeyriteError } from '../../src-shared/errors.js';
import { isStepId } from '../../src-shared/ceremony/state-machine.js';
import type { CeremonyParts } from './ceremony-parts.js';
import { unknownStep } from './step-ids.js';

/** A witness of the plan, or a refusal naming what only witnesses may do. */
function witness(p: CeremonyParts, witnessId: string, what: string): { id: string; name: string } {
  const w = p.log.plan.participants.witnesses.find((x) => x.id === witnessId);
  if (!w)
    throw new KeyriteError(
      'NOT_A_WITNESS',
      `${witnessId} is not a witness in this plan`,
      `only witnesses named in the plan ${what}`,
    );
  return w;
}

/** A witness signs off the ceremony (every witness must before it closes). */
export function witnessSignOff(p: CeremonyParts, witnessId: string): void {
  const w = witness(p, witnessId, 'sign off');
  p.journal.append('ceremony.witness-signoff', { witness: w.name, witnessId }, witnessId);
  p.signals.changed();
}

/** A witness's objection or remark, recorded and then covered by a station-signed checkpoint. */
export function witnessException(p: CeremonyParts, stepId: string, witnessId: string, text: string): void {
  const w = witness(p, witnessId, 'record exceptions');
  if (!isStepId(stepId)) throw unknownStep(stepId);
  const clean = text.trim();
  if (clean.length === 0 || clean.length > 2000)
    throw new KeyriteError(
      'EXCEPTION_TEXT',
      'an exception needs 1 to 2000 characters of text',
      'say what the witness saw',
    );
  p.journal.append('witness.exception', { witness: w.name, witnessId, stepId, text: clean }, witnessId);
  p.journal.checkpoint();
  p.signals.changed();
}

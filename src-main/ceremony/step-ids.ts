import { KeyriteError } from '../../src-shared/errors.js';
import { STEPS, isStepId, type StepId } from '../../src-shared/ceremony/state-machine.js';

export function unknownStep(s: string): KeyriteError {
  return new KeyriteError('STEP_UNKNOWN', `there is no step ${s}`, `steps: ${STEPS.join(', ')}`);
}

export function assertStepId(s: string): asserts s is StepId {
  if (!isStepId(s)) throw unknownStep(s);
}

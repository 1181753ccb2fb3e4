import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import type { StepContext } from '../step-context.js';

export async function runEnroll(ctx: StepContext): Promise<FactsOf<'enroll'>> {
  return { note: `${ctx.log.enrolledCount} custodian(s) enrolled` };
}

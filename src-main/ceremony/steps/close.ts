import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import type { StepContext } from '../step-context.js';

/** The last step: nothing secret stays in memory, and the log says the ceremony ended. */
export async function runClose(ctx: StepContext): Promise<FactsOf<'close'>> {
  ctx.secrets.dispose();
  ctx.journal.append('material.zeroized', {
    note: 'no key material, share or passphrase remains in memory',
  });
  // A console request that names the key by id alone leaves the offline station without an ARN.
  const keyArn = ctx.log.facts.keyArn;
  ctx.journal.append('ceremony.closed', { status: 'completed', ...(keyArn ? { keyArn } : {}) });
  return { note: 'closed; the final checkpoint signs the whole log' };
}

import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import type { Runtime } from '../runtime.js';
import { zeroizeSecrets } from '../runtime-factory.js';

/** The last step: nothing secret stays in memory, and the log says the ceremony ended. */
export async function runClose(rt: Runtime): Promise<FactsOf<'close'>> {
  zeroizeSecrets(rt);
  rt.journal.append('material.zeroized', {
    note: 'no key material, share or passphrase remains in memory',
  });
  rt.journal.append('ceremony.closed', { status: 'completed', keyArn: rt.state.facts.keyArn });
  return { note: 'closed; the final checkpoint signs the whole log' };
}

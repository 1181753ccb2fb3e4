import { useOperation, type OperationState } from '../../ipc/use-operation.js';
import type { ResponseOf } from '../../../src-shared/ipc/contract.js';

export const POLICY_ID = 'passphrase-policy';

type Policy = ResponseOf<'passphrase.policy'>;

/** The engine's passphrase policy (passphrase.policy), read once per screen. */
export function usePassphrasePolicy(): OperationState<Policy> {
  return useOperation((k) => k.passphrase.policy({}));
}

/**
 * The rule shown beside the enrollment form, before anyone types: the engine's own sentence, which is
 * what sealing the custodian key enforces, plus what the screen itself asks (typed twice, kept alone).
 */
export function PassphrasePolicy() {
  const policy = usePassphrasePolicy();
  return (
    <section className="policy" id={POLICY_ID} aria-labelledby={`${POLICY_ID}-title`}>
      <h3 id={`${POLICY_ID}-title`} className="policy-title">
        The passphrase rule
      </h3>
      {policy.data ? (
        <>
          <p>{policy.data.rule}</p>
          <ul>
            <li>Typed twice, the same both times.</li>
            <li>Yours alone: not written where others can see it, not used anywhere else.</li>
            <li>
              Each guess at it costs an attacker {policy.data.kdf.memoryMiB} MiB of memory (
              {policy.data.kdf.algorithm}
              ).
            </li>
          </ul>
        </>
      ) : policy.error ? (
        <p role="alert">The station could not say its rule: {policy.error.message}</p>
      ) : (
        <p>Reading the rule from the station…</p>
      )}
    </section>
  );
}

import type { OperationName, ParsedRequestOf, ResponseOf } from '../../src-shared/ipc/index.js';

/**
 * What the IPC layer calls: one function per operation, typed from the contract. The request has
 * already passed its schema and the sender check; the result is validated again on the way out.
 * Main.ts and the e2e harness compose the same services (compose-services.ts).
 */
export type KeyriteServices = {
  readonly [N in OperationName]: (request: ParsedRequestOf<N>) => Promise<ResponseOf<N>>;
};

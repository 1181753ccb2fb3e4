import type { EmulatorState } from '../emulator-state.js';
import type { Body } from '../request-fields.js';

/** One KMS operation: request body in, response body out; failures throw KmsServiceError. */
export type Handler = (
  state: EmulatorState,
  body: Body,
) => Promise<Record<string, unknown>> | Record<string, unknown>;

import type { RegionState } from '../region-state.js';
import type { Body } from '../request-fields.js';

/**
 * One KMS operation: request body in, response body out; failures throw KmsServiceError. It runs in
 * the region the request was signed for.
 */
export type Handler = (
  state: RegionState,
  body: Body,
) => Promise<Record<string, unknown>> | Record<string, unknown>;

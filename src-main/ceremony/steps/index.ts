import type { FactsOf, StepId } from '../../../src-shared/ceremony/steps.js';
import type { Runtime } from '../runtime.js';
import { runClose } from './close-step.js';
import { runGrant, runHandover, runImport, runVerify } from './import-steps.js';
import { runBackupShares, runGenerateMaterial, runVerifyShares, runWrap } from './material-steps.js';
import { runCreateKey, runEnroll, runImportParameters, runPreflight } from './setup-steps.js';

/** What a step does: given the ceremony, it acts and returns the public facts it established. */
export type StepRunner<S extends StepId> = (rt: Runtime) => Promise<FactsOf<S>>;

/**
 * The engine's half of the step catalogue: one run function per step of the shared catalogue
 * (src-shared/ceremony/steps.ts), which says everything else about the step. The compiler checks
 * that every step has exactly one, returning exactly its own facts.
 */
export const STEP_RUNNERS: { readonly [S in StepId]: StepRunner<S> } = {
  enroll: runEnroll,
  preflight: runPreflight,
  'create-key': runCreateKey,
  'import-parameters': runImportParameters,
  'generate-material': runGenerateMaterial,
  'backup-shares': runBackupShares,
  'verify-shares': runVerifyShares,
  wrap: runWrap,
  import: runImport,
  verify: runVerify,
  grant: runGrant,
  handover: runHandover,
  close: runClose,
};

import type { FactsOf, StepId } from '../../../src-shared/ceremony/steps.js';
import type { StepContext } from '../step-context.js';
import { runBackupShares, runVerifyShares } from './backup-shares.js';
import { runClose } from './close.js';
import { runCreateKey } from './create-key.js';
import { runEnroll } from './enroll.js';
import { runGenerateMaterial } from './generate-material.js';
import { runGrant } from './grant.js';
import { runHandover } from './handover.js';
import { runImportParameters } from './import-parameters.js';
import { runImport } from './import.js';
import { runPreflight } from './preflight.js';
import { runReplicate } from './multi-region.js';
import { runRotate } from './rotate.js';
import { runVerify } from './verify.js';
import { runWrap } from './wrap.js';

/** What a step does: given what it is lent, it acts and returns the public facts it established. */
export type StepRunner<S extends StepId> = (ctx: StepContext) => Promise<FactsOf<S>>;

/**
 * The engine's half of the step catalogue: one run function per step of the shared catalogue
 * (src-shared/ceremony/steps.ts), which says everything else about the step. The compiler checks
 * that every step has exactly one, returning exactly its own facts.
 */
export const STEP_RUNNERS: { readonly [S in StepId]: StepRunner<S> } = {
  enroll: runEnroll,
  preflight: runPreflight,
  'create-key': runCreateKey,
  replicate: runReplicate,
  'import-parameters': runImportParameters,
  'generate-material': runGenerateMaterial,
  'backup-shares': runBackupShares,
  'verify-shares': runVerifyShares,
  wrap: runWrap,
  import: runImport,
  verify: runVerify,
  rotate: runRotate,
  grant: runGrant,
  handover: runHandover,
  close: runClose,
};

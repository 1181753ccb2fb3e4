import { z } from 'zod';
import { GCP_ALGORITHMS, GCP_IMPORT_METHODS, type GcpAlgorithm } from '../wrap/gcp-specs.js';

/*
 * `outputs`: the same witnessed material, wrapped at the wrap step for clouds Keyrite has no gateway for
 * (yet), as each cloud's own import takes it — Google Cloud KMS import jobs (`gcloud kms keys versions
 * import --wrapped-key-file`) and Azure Key Vault BYOK (`az keyvault key import --byok-file`). Files are
 * named relative to the plan, like `material.file`; the flags mirror `keyrite wrap --for gcp|azure`.
 */

const file = z.string().min(1).max(1024);

export const gcpOutput = z.strictObject({
  cloud: z.literal('gcp'),
  /** `gcloud kms import-jobs describe` output (YAML, or --format=json), or the import job's wrapping key PEM. */
  importJob: file,
  /** Needed only when importJob is a bare PEM (the describe output says its method). */
  importMethod: z.enum(GCP_IMPORT_METHODS).optional(),
  /** projects/P/locations/L/keyRings/R/importJobs/J — needed only when importJob is a bare PEM. */
  importJobName: z
    .string()
    .regex(
      /^projects\/[^/\s]+\/locations\/[^/\s]+\/keyRings\/[^/\s]+\/importJobs\/[^/\s]+$/,
      'projects/PROJECT/locations/LOCATION/keyRings/KEY_RING/importJobs/IMPORT_JOB',
    )
    .optional(),
  /** The Cloud KMS algorithm of the new key version (`gcloud … --algorithm`). */
  algorithm: z.enum(Object.keys(GCP_ALGORITHMS) as [GcpAlgorithm, ...GcpAlgorithm[]]),
  /** The crypto key, in the import job's key ring, that receives the new version. */
  key: z.string().regex(/^[a-zA-Z0-9_-]{1,63}$/, 'a Cloud KMS key id: 1–63 letters, digits, _ -'),
});

export const azureOutput = z.strictObject({
  cloud: z.literal('azure'),
  /** The key exchange key: `az keyvault key show` JSON, a JWK, or its public key PEM (then give kid). */
  kek: file,
  /** The KEK's key identifier, https://NAME.vault.azure.net/keys/KEK/VERSION (or .managedhsm.); needed with a PEM. */
  kid: z.string().min(1).max(512).optional(),
  /** The name of the new key in the KEK's vault or Managed HSM. */
  name: z.string().regex(/^[A-Za-z0-9-]{1,127}$/, 'a Key Vault key name: 1–127 letters, digits and dashes'),
});

export const planOutputs = z
  .array(z.discriminatedUnion('cloud', [gcpOutput, azureOutput]))
  .min(1)
  .max(8);

export type PlanOutput = z.infer<typeof planOutputs>[number];

/** Where output N (from 1) is written in the ceremony directory: unique by number, readable by target. */
export function outputFileName(o: PlanOutput, index: number): string {
  return o.cloud === 'gcp'
    ? `outputs/gcp-${index + 1}-${o.key}.bin`
    : `outputs/azure-${index + 1}-${o.name}.byok`;
}

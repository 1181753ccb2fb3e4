import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../../src-shared/digests.js';
import { KeyriteError } from '../../src-shared/errors.js';
import type { CeremonyPlan } from '../../src-shared/ceremony/plan.js';
import { outputFileName, type PlanOutput } from '../../src-shared/ceremony/plan-outputs.js';
import type { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { type AzureKek, parseAzureKek } from '../../src-shared/wrap/azure-kek.js';
import { azImportCommand, wrapForAzure } from '../../src-shared/wrap/azure-byok.js';
import type * as GcpImportJobs from '../../src-shared/wrap/gcp-import-job.js';
import type { GcpImportJobName } from '../../src-shared/wrap/gcp-import-job.js';
import { type GcpImportMethod, gcpMethodParts } from '../../src-shared/wrap/gcp-specs.js';
import type * as GcpWraps from '../../src-shared/wrap/gcp-wrap.js';
import { type KeyMaterialSpec, materialKind } from '../../src-shared/wrap/specs.js';
import type { WrappingPublicKey } from '../../src-shared/wrap/wrapping-key.js';
import { readPublicFile } from '../media/public-file.js';
import type { StepContext } from './step-context.js';

/**
 * The Google Cloud readers and wrapper, loaded for a plan with a GCP output only: the import job reader
 * brings a YAML parser, which every other ceremony and rehearsal would load for nothing (issue 17).
 */
// A plain require() with a literal path: compiled, it loads the module when first called; bundled
// (bundle-cli.mjs), the module travels inside the bundle and still runs only when first called.
/* eslint-disable @typescript-eslint/no-require-imports */
const gcpJobs = (): typeof GcpImportJobs =>
  require('../../src-shared/wrap/gcp-import-job.js') as typeof GcpImportJobs;
const gcpWraps = (): typeof GcpWraps => require('../../src-shared/wrap/gcp-wrap.js') as typeof GcpWraps;
/* eslint-enable @typescript-eslint/no-require-imports */

/** One output with its file read and checked: what the wrap step needs besides the material. */
type Ready =
  | {
      cloud: 'gcp';
      o: Extract<PlanOutput, { cloud: 'gcp' }>;
      method: GcpImportMethod;
      job: GcpImportJobName;
      key: WrappingPublicKey;
    }
  | { cloud: 'azure'; o: Extract<PlanOutput, { cloud: 'azure' }>; kek: AzureKek };

/**
 * Reads every output's import job or KEK (relative to the plan) and refuses what its cloud would refuse
 * — expired or inactive import job, method and key size that disagree, a KEK that is not import-only —
 * so nobody enrolls for a ceremony whose outputs cannot be used. Pre-flight and the wrap step both call it.
 */
export function readyOutputs(
  plan: CeremonyPlan,
  planBase: string,
  spec: KeyMaterialSpec,
  now: Date,
): Ready[] {
  return (plan.outputs ?? []).map((o, i) => {
    try {
      return readyOne(o, planBase, spec, now);
    } catch (e) {
      if (!(e instanceof KeyriteError)) throw e;
      throw new KeyriteError(e.code, `plan output ${i + 1} (${o.cloud}): ${e.message}`, e.hint);
    }
  });
}

function readyOne(o: PlanOutput, planBase: string, spec: KeyMaterialSpec, now: Date): Ready {
  if (o.cloud === 'azure') {
    const kek = parseAzureKek(readPublicFile(path.resolve(planBase, o.kek), 'key exchange key'), o.kid, now);
    if (materialKind(spec) === 'symmetric' && kek.kid.kind !== 'managedhsm')
      throw incompatible(
        `Key Vault imports AES keys only into a Managed HSM, and this KEK is in vault ${kek.kid.resource}`,
        'use a KEK created in the Managed HSM (https://NAME.managedhsm.azure.net/keys/…)',
      );
    return { cloud: 'azure', o, kek };
  }
  const file = gcpJobs().parseGcpImportJob(readPublicFile(path.resolve(planBase, o.importJob), 'import job'));
  gcpJobs().assertGcpImportJobUsable(file, now);
  if (file.method && o.importMethod && file.method !== o.importMethod)
    throw new KeyriteError(
      'ALGORITHM_MISMATCH',
      `the import job's method is ${file.method}, the plan says ${o.importMethod}`,
      'drop importMethod from the plan: the import job says which method it unwraps',
    );
  const method = file.method ?? o.importMethod;
  if (!method)
    throw new KeyriteError(
      'ALGORITHM_REQUIRED',
      'the import job is a bare wrapping key PEM, which does not say its import method',
      'give importMethod in the plan, or the `gcloud kms import-jobs describe` output instead',
    );
  const named = o.importJobName ? gcpJobs().parseGcpImportJobName(o.importJobName) : undefined;
  if (file.name && named && JSON.stringify(file.name) !== JSON.stringify(named))
    throw new KeyriteError(
      'GCP_IMPORT_JOB_INVALID',
      'importJobName names another import job than the file',
      'drop importJobName from the plan',
    );
  const job = file.name ?? named;
  if (!job)
    throw new KeyriteError(
      'GCP_IMPORT_JOB_INVALID',
      'a wrapping key PEM does not say which import job it belongs to',
      'give importJobName (projects/P/locations/L/keyRings/R/importJobs/J) in the plan',
    );
  const parts = gcpMethodParts(method);
  if (parts.bits !== file.wrappingKey.bits)
    throw incompatible(
      `the wrapping key is RSA-${file.wrappingKey.bits} but import method ${method} uses RSA-${parts.bits}`,
      'give the wrapping key of this import job (and its own import method)',
    );
  const kind = materialKind(spec);
  if (!parts.aesKeyWrap && kind !== 'symmetric' && kind !== 'hmac')
    throw incompatible(
      `import method ${method} wraps symmetric keys only`,
      `create an import job with --import-method rsa-oaep-${parts.bits}-sha256-aes-256`,
    );
  return { cloud: 'gcp', o, method, job, key: file.wrappingKey };
}

/**
 * At the wrap step, while the material is in hand: each output wrapped, written to the ceremony
 * directory (outputs/…) and recorded with its digest, wrapping key and the exact upload command.
 * Run again after a crash, it writes nothing twice: an output already recorded is left alone, and a
 * file this ceremony wrote but died before recording is recorded as it is on disk (wrapping is
 * randomised: a second file would be a second, different ciphertext). Any other file under that name
 * — a half-written or foreign one — is refused, never replaced.
 */
export async function writeOutputs(ctx: StepContext, material: SecretBuffer): Promise<void> {
  const plan = ctx.log.plan;
  const ready = readyOutputs(plan, ctx.planBase, ctx.log.spec, ctx.settings.clock());
  const recorded = new Set(ctx.journal.records('wrap.output').map((r) => r.payload.file));
  for (const [i, r] of ready.entries()) {
    const rel = outputFileName(r.o, i);
    if (recorded.has(rel)) continue;
    const file = path.join(ctx.paths.dir, ...rel.split('/'));
    const onDisk = writtenBefore(ctx, file, rel);
    if (r.cloud === 'gcp') {
      const w = gcpWraps().wrapForGcp({
        material,
        algorithm: r.o.algorithm,
        method: r.method,
        wrappingKey: r.key,
      });
      for (const warning of w.warnings) ctx.progress('warning', `output ${i + 1}: ${warning}`);
      const outputDigest = onDisk?.digest ?? (await ctx.journal.writeFile(file, rel, w.wrapped));
      ctx.journal.append('wrap.output', {
        cloud: 'gcp',
        file: rel,
        bytes: onDisk?.bytes ?? w.wrapped.length,
        outputDigest,
        wrappingKeyFingerprint: r.key.fingerprintSha256,
        method: r.method,
        // In words: a bare resource name reads like base64 to the log's secret guard.
        destination: `Cloud KMS import job projects/${r.job.project}/locations/${r.job.location}/keyRings/${r.job.keyRing}/importJobs/${r.job.importJob}`,
        command: gcpWraps().gcloudImportCommand({
          job: r.job,
          key: r.o.key,
          algorithm: r.o.algorithm,
          wrappedKeyFile: rel,
        }),
      });
    } else {
      const w = wrapForAzure(material, ctx.log.spec, r.kek);
      const outputDigest = onDisk?.digest ?? (await ctx.journal.writeFile(file, rel, w.text));
      const cmd = { kek: r.kek, name: r.o.name, byokFile: rel, kty: w.kty };
      ctx.journal.append('wrap.output', {
        cloud: 'azure',
        file: rel,
        bytes: onDisk?.bytes ?? Buffer.byteLength(w.text),
        outputDigest,
        wrappingKeyFingerprint: r.kek.wrappingKey.fingerprintSha256,
        method: 'CKM_RSA_AES_KEY_WRAP (RSA-OAEP-SHA-1)',
        destination: `Key Vault key exchange key ${r.kek.kid.kid}`,
        command: azImportCommand(w.curve ? { ...cmd, curve: w.curve } : cmd),
      });
    }
  }
}

/**
 * An output file already on disk: the one this ceremony's log says it wrote (the digest of a write
 * intent for this name, settled as complete), or a refusal — a half-written or foreign file is never
 * taken for an output, and never replaced.
 */
function writtenBefore(
  ctx: StepContext,
  file: string,
  rel: string,
): { digest: string; bytes: number } | undefined {
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  const digest = sha256Hex(bytes);
  const settled = new Set(
    ctx.journal
      .records('outcome')
      .filter((o) => o.payload.action === 'media.write-file' && o.payload.ok)
      .map((o) => o.payload.intentSeq),
  );
  const ours = ctx.journal
    .records('intent')
    .some(
      (i) =>
        i.payload.action === 'media.write-file' &&
        i.payload.details.file === rel &&
        i.payload.details.digest === digest &&
        settled.has(i.seq),
    );
  if (!ours)
    throw new KeyriteError(
      'OUTPUT_FILE_UNACCOUNTED',
      `${rel} is already in the ceremony directory, and it is not a file this ceremony recorded writing (${bytes.length} bytes, SHA-256 ${digest})`,
      'a half-written or foreign file is never used or replaced: move it out of outputs/ (keep it for the investigation) and run the ceremony again',
    );
  return { digest, bytes: bytes.length };
}

function incompatible(message: string, hint: string): KeyriteError {
  return new KeyriteError('WRAP_INCOMPATIBLE', message, hint);
}

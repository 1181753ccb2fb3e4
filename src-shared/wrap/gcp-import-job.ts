import { Buffer } from 'node:buffer';
import { parse as parseYaml } from 'yaml';
import { KeyriteError } from '../errors.js';
import { type WrappingPublicKey, parseWrappingPublicKey } from './wrapping-key.js';
import { GCP_IMPORT_METHODS, type GcpImportMethod } from './gcp-specs.js';

export {
  GCP_IMPORT_METHODS,
  type GcpImportMethod,
  type GcpMethodParts,
  gcpMethodParts,
} from './gcp-specs.js';

/** Accepts `rsa-oaep-3072-sha256-aes-256` and `RSA_OAEP_3072_SHA256_AES_256`. */
export function toGcpImportMethod(text: string): GcpImportMethod | null {
  const norm = text.trim().toLowerCase().replace(/_/g, '-');
  return (GCP_IMPORT_METHODS as readonly string[]).includes(norm) ? (norm as GcpImportMethod) : null;
}

/** projects/P/locations/L/keyRings/R/importJobs/J */
export interface GcpImportJobName {
  project: string;
  location: string;
  keyRing: string;
  importJob: string;
}

export interface GcpImportJob {
  wrappingKey: WrappingPublicKey;
  method?: GcpImportMethod;
  name?: GcpImportJobName;
  state?: string;
  expireTime?: Date;
  protectionLevel?: string;
}

const MAX_BYTES = 64 * 1024;
const HINT =
  'give the output of `gcloud kms import-jobs describe JOB --location L --keyring R` (YAML or --format=json), or the wrapping key PEM (--format="value(publicKey.pem)")';
const NAME = /^projects\/([^/\s]+)\/locations\/([^/\s]+)\/keyRings\/([^/\s]+)\/importJobs\/([^/\s]+)$/;

export function parseGcpImportJobName(text: string): GcpImportJobName {
  const m = NAME.exec(text.trim());
  if (!m) {
    throw invalid(
      `"${text.slice(0, 120)}" is not an import job name`,
      'use the full name: projects/PROJECT/locations/LOCATION/keyRings/KEY_RING/importJobs/IMPORT_JOB',
    );
  }
  return {
    project: m[1] as string,
    location: m[2] as string,
    keyRing: m[3] as string,
    importJob: m[4] as string,
  };
}

/**
 * Reads an import job as gcloud prints it (YAML by default, JSON with --format=json) or just its
 * wrapping key (PEM, as the console's "Download wrapping key" and `value(publicKey.pem)` give it).
 */
export function parseGcpImportJob(bytes: Uint8Array): GcpImportJob {
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (input.length === 0) throw invalid('the import job file is empty');
  if (input.length > MAX_BYTES) throw invalid(`the import job file is too large (${input.length} bytes)`);
  const text = input.toString('utf8');
  if (/^\s*-----BEGIN /.test(text)) return { wrappingKey: parseWrappingPublicKey(input) };
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 0 });
  } catch {
    throw invalid('the import job file is neither YAML, JSON nor PEM');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw invalid('the import job file does not describe an import job');
  }
  const o = doc as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const publicKey = o.publicKey;
  const pem =
    typeof publicKey === 'object' && publicKey !== null
      ? (publicKey as Record<string, unknown>).pem
      : undefined;
  const state = str('state');
  if (typeof pem !== 'string') {
    throw state === 'PENDING_GENERATION'
      ? invalid(
          'this import job has no wrapping key yet (state PENDING_GENERATION)',
          'wait until `gcloud kms import-jobs describe` shows state: ACTIVE, then describe it again',
        )
      : invalid('the import job has no publicKey.pem');
  }
  const job: GcpImportJob = { wrappingKey: parseWrappingPublicKey(Buffer.from(pem, 'utf8')) };
  const methodText = str('importMethod');
  if (methodText !== undefined) {
    const method = toGcpImportMethod(methodText);
    if (!method) throw invalid(`unknown importMethod ${JSON.stringify(methodText.slice(0, 60))}`);
    job.method = method;
  }
  const name = str('name');
  if (name !== undefined) job.name = parseGcpImportJobName(name);
  if (state !== undefined) job.state = state;
  const level = str('protectionLevel');
  if (level !== undefined) job.protectionLevel = level;
  const expire = str('expireTime');
  if (expire !== undefined) {
    const d = new Date(expire);
    if (Number.isNaN(d.getTime())) throw invalid('the import job expireTime is not a time');
    job.expireTime = d;
  }
  return job;
}

/** Import jobs live three days; an expired or inactive one cannot unwrap anything. */
export function assertGcpImportJobUsable(job: GcpImportJob, now: Date): void {
  if (job.state === 'EXPIRED' || (job.expireTime && job.expireTime.getTime() <= now.getTime())) {
    throw new KeyriteError(
      'GCP_IMPORT_JOB_EXPIRED',
      `this import job expired${job.expireTime ? ` at ${job.expireTime.toISOString()}` : ''} (import jobs last 3 days)`,
      'create a new import job (`gcloud kms import-jobs create`) and describe it again',
    );
  }
  if (job.state !== undefined && job.state !== 'ACTIVE') {
    throw invalid(`the import job is ${job.state}, not ACTIVE`, 'use an ACTIVE import job');
  }
}

function invalid(message: string, hint = HINT): KeyriteError {
  return new KeyriteError('GCP_IMPORT_JOB_INVALID', message, hint);
}

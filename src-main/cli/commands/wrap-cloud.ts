import { parseArgs } from 'node:util';
import { assertOutputFree, writeNewFileAtomic } from '../../media/new-file.js';
import { readPublicFile } from '../../media/public-file.js';
import { readSecretFile } from '../../media/secret-file.js';
import { KeyriteError } from '../../../src-shared/errors.js';
import type { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import {
  GCP_ALGORITHMS,
  GCP_IMPORT_METHODS,
  KEY_MATERIAL_SPECS,
  type KeyMaterialSpec,
  assertGcpImportJobUsable,
  azImportCommand,
  checkValue,
  detectMaterialSpec,
  gcloudImportCommand,
  isGcpAlgorithm,
  isKeyMaterialSpec,
  parseAzureKek,
  parseGcpImportJob,
  parseGcpImportJobName,
  toGcpImportMethod,
  wrapForAzure,
  wrapForGcp,
} from '../../../src-shared/wrap/index.js';
import { type CliIO, usageError } from '../io.js';
import { cloudUsage } from './wrap-usage.js';

export type CloudTarget = 'gcp' | 'azure';

/** The value of --for: undefined (AWS, the default), or a cloud this module wraps for. */
export function cloudTarget(args: string[]): CloudTarget | undefined {
  const i = args.findIndex((a) => a === '--for' || a.startsWith('--for='));
  if (i < 0) return undefined;
  const arg = args[i] as string;
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[i + 1];
  if (value === 'gcp' || value === 'azure') return value;
  if (value === 'aws') return undefined;
  throw new KeyriteError(
    'CLI_USAGE',
    `--for ${JSON.stringify((value ?? '').slice(0, 20))} is not a cloud Keyrite wraps for`,
    'use --for aws (the default), --for gcp or --for azure',
  );
}

export async function runCloudWrap(target: CloudTarget, args: string[], io: CliIO): Promise<number> {
  const v = parseFlags(args);
  const need = (name: keyof typeof v): string => {
    const x = v[name];
    if (typeof x !== 'string' || !x)
      throw usageError(`--${name} is required with --for ${target}`, cloudUsage);
    return x;
  };
  const out = need('out');
  if (target === 'gcp') {
    for (const f of ['kek', 'kid', 'name', 'key-spec'] as const)
      if (v[f] !== undefined) throw usageError(`--${f} is for --for azure`, cloudUsage);
    const job = parseGcpImportJob(readPublicFile(need('import-job'), 'import job'));
    assertGcpImportJobUsable(job, new Date());
    const algorithm = need('algorithm');
    if (!isGcpAlgorithm(algorithm)) {
      throw new KeyriteError(
        'UNKNOWN_ALGORITHM',
        `"${algorithm.slice(0, 60)}" is not a Cloud KMS algorithm Keyrite can import`,
        `use one of ${Object.keys(GCP_ALGORITHMS).join(', ')}`,
      );
    }
    const method = resolveMethod(job.method, v['import-method']);
    const name = resolveJobName(job.name, v['import-job-name']);
    const key = need('key');
    assertOutputFree(out);
    return withMaterial(need('material'), (material) => {
      const r = wrapForGcp({ material, algorithm, method, wrappingKey: job.wrappingKey });
      writeNewFileAtomic(out, r.wrapped);
      io.out(
        `import job     ${name.importJob} (${method}), RSA-${job.wrappingKey.bits}  SHA-256 ${job.wrappingKey.fingerprintSha256}`,
      );
      report(io, material, r.spec, out, r.wrapped.length);
      for (const w of r.warnings) io.err(`warning: ${w}`);
      io.out('upload with');
      io.out(`  ${gcloudImportCommand({ job: name, key, algorithm, wrappedKeyFile: out })}`);
      return 0;
    });
  }
  for (const f of ['import-job', 'import-method', 'import-job-name', 'algorithm', 'key'] as const)
    if (v[f] !== undefined) throw usageError(`--${f} is for --for gcp`, cloudUsage);
  const kek = parseAzureKek(readPublicFile(need('kek'), 'key exchange key'), v.kid, new Date());
  const keyName = need('name');
  if (!/^[A-Za-z0-9-]{1,127}$/.test(keyName)) {
    throw new KeyriteError(
      'CLI_USAGE',
      `"${keyName.slice(0, 60)}" is not a Key Vault key name`,
      'use 1-127 letters, digits and dashes',
    );
  }
  const given = v['key-spec'];
  if (given !== undefined && !isKeyMaterialSpec(given)) {
    throw new KeyriteError(
      'UNKNOWN_KEY_SPEC',
      `unknown key spec "${given.slice(0, 60)}"`,
      `use one of ${KEY_MATERIAL_SPECS.join(', ')}`,
    );
  }
  assertOutputFree(out);
  return withMaterial(need('material'), (material) => {
    const spec = given ?? detectSpec(material);
    const r = wrapForAzure(material, spec, kek);
    writeNewFileAtomic(out, r.text);
    io.out(
      `KEK            ${kek.kid.kid}, RSA-${kek.wrappingKey.bits}  SHA-256 ${kek.wrappingKey.fingerprintSha256}`,
    );
    report(io, material, spec, out, Buffer.byteLength(r.text));
    io.out('upload with');
    const cmd = { kek, name: keyName, byokFile: out, kty: r.kty };
    io.out(`  ${azImportCommand(r.curve ? { ...cmd, curve: r.curve } : cmd)}`);
    return 0;
  });
}

function parseFlags(args: string[]) {
  try {
    const s = { type: 'string' } as const;
    return parseArgs({
      args,
      options: {
        for: s,
        out: s,
        material: s,
        'import-job': s,
        'import-method': s,
        'import-job-name': s,
        algorithm: s,
        key: s,
        kek: s,
        kid: s,
        name: s,
        'key-spec': s,
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw usageError(
      e instanceof Error ? (e.message.split('\n')[0] ?? 'bad arguments') : 'bad arguments',
      cloudUsage,
    );
  }
}

function resolveMethod(fromJob: ReturnType<typeof toGcpImportMethod> | undefined, given: string | undefined) {
  const method = given === undefined ? undefined : toGcpImportMethod(given);
  if (given !== undefined && !method) {
    throw new KeyriteError(
      'UNKNOWN_ALGORITHM',
      `unknown import method "${given.slice(0, 60)}"`,
      `use one of ${GCP_IMPORT_METHODS.join(', ')}`,
    );
  }
  if (fromJob && method && fromJob !== method) {
    throw new KeyriteError(
      'ALGORITHM_MISMATCH',
      `this import job's method is ${fromJob}, not ${method}`,
      'drop --import-method: the import job says which method it unwraps',
    );
  }
  const m = fromJob ?? method;
  if (!m) {
    throw new KeyriteError(
      'ALGORITHM_REQUIRED',
      'a wrapping key PEM does not say its import method',
      'pass --import-method, or give the describe output instead',
    );
  }
  return m;
}

function resolveJobName(
  fromJob: ReturnType<typeof parseGcpImportJobName> | undefined,
  given: string | undefined,
) {
  const name = given === undefined ? undefined : parseGcpImportJobName(given);
  if (fromJob && name && JSON.stringify(fromJob) !== JSON.stringify(name)) {
    throw new KeyriteError(
      'GCP_IMPORT_JOB_INVALID',
      '--import-job-name names another import job than the file',
      'drop --import-job-name',
    );
  }
  const n = fromJob ?? name;
  if (!n) {
    throw new KeyriteError(
      'GCP_IMPORT_JOB_INVALID',
      'a wrapping key PEM does not say which import job it belongs to',
      'pass --import-job-name projects/P/locations/L/keyRings/R/importJobs/J, or give the describe output',
    );
  }
  return n;
}

function detectSpec(material: SecretBuffer): KeyMaterialSpec {
  const found = detectMaterialSpec(material);
  if (!found) {
    throw new KeyriteError(
      'KEY_SPEC_REQUIRED',
      `cannot tell the key spec of ${material.length} bytes of material`,
      'pass --key-spec',
    );
  }
  return found.spec;
}

function report(io: CliIO, material: SecretBuffer, spec: KeyMaterialSpec, out: string, bytes: number): void {
  const cv = checkValue(material, spec);
  io.out(`material       ${spec}, ${material.length} bytes`);
  io.out(`check value    ${cv.kind} ${cv.value}  (${cv.description})`);
  io.out(`wrote          ${out} (${bytes} bytes)`);
}

function withMaterial(file: string, fn: (m: SecretBuffer) => number): number {
  const material = readSecretFile(file);
  try {
    return fn(material);
  } finally {
    material.dispose();
  }
}

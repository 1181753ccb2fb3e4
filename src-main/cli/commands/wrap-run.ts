import '../zod-jitless.js';
import { unlinkSync } from 'node:fs';
import path from 'node:path';
import { assertOutputFree, writeNewFileAtomic } from '../../media/new-file.js';
import { readSecretFile } from '../../media/secret-file.js';
import { KeyriteError } from '../../../src-shared/errors.js';
import type { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import {
  KEY_MATERIAL_SPECS,
  WRAPPING_ALGORITHMS,
  type KeyMaterialSpec,
  checkValue,
  detectMaterialSpec,
  rawSpecsFitting,
  wrapKeyMaterial,
} from '../../../src-shared/wrap/index.js';
import { oneOf, parseFlags } from '../args.js';
import { importKeyMaterialCommand } from '../import-command.js';
import { type CliIO, type Command, usageError } from '../io.js';
import { cloudTarget, runCloudWrap } from './wrap-cloud.js';
import { usage } from './wrap-usage.js';
import { chooseAlgorithm, loadWrapSource } from './wrap-params.js';

const MAX_VALID_TO_MS = 365 * 24 * 3600 * 1000;

/** `keyrite wrap …`, loaded only when a wrap is asked for (see wrap.ts). */
export const wrapCommand: Pick<Command, 'run'> = {
  async run(args, io) {
    const cloud = cloudTarget(args);
    if (cloud) return runCloudWrap(cloud, args, io);
    const opts = parseWrapFlags(
      args.filter((a, i) => a !== '--for=aws' && !(a === '--for' || args[i - 1] === '--for')),
    );
    const now = new Date();
    const source = loadWrapSource(opts.wrappingKey, now);
    const params = source.params;
    const choice = chooseAlgorithm(params?.algorithm, opts.algorithm, opts.unchecked);
    if (opts.tokenOut && !params?.importToken)
      throw usageError('--token-out: these import parameters hold no import token', usage);
    const tokenOut = params?.importToken
      ? (opts.tokenOut ?? path.join(path.dirname(opts.out), 'ImportToken.bin'))
      : undefined;
    if (tokenOut !== undefined && path.resolve(tokenOut) === path.resolve(opts.out))
      throw usageError('--token-out and --out must be different files', usage);
    assertOutputFree(opts.out);
    if (tokenOut !== undefined) assertTokenOutFree(tokenOut);
    const material = readSecretFile(opts.material);
    try {
      const spec = resolveSpec(material, opts.keySpec, params?.keySpec, io);
      const { wrapped, warnings } = wrapKeyMaterial({
        material,
        spec,
        algorithm: choice.algorithm,
        wrappingKey: source.wrappingKey,
      });
      const cv = checkValue(material, spec);
      const legacy =
        opts.legacyKcv && spec === 'SYMMETRIC_DEFAULT'
          ? checkValue(material, spec, { legacyEcb: true })
          : null;
      writeNewFileAtomic(opts.out, wrapped);
      if (tokenOut !== undefined && params?.importToken)
        writeSecondFile(tokenOut, params.importToken, opts.out);
      const key = source.wrappingKey;
      if (params?.keyId)
        io.out(
          `import params  key ${params.keyArn ?? params.keyId}, valid to ${params.validTo?.toISOString() ?? 'unknown'}`,
        );
      io.out(`wrapping key   ${key.spec}  SHA-256 ${key.fingerprintSha256}`);
      io.out(
        `algorithm      ${choice.algorithm}${choice.checked ? ' (named by the import parameters)' : ' (as you stated; the parameters cannot confirm it)'}`,
      );
      io.out(`material       ${spec}, ${material.length} bytes`);
      io.out(`check value    ${cv.kind} ${cv.value}  (${cv.description})`);
      if (legacy) io.out(`legacy KCV     ${legacy.kind} ${legacy.value}  (${legacy.description})`);
      if (opts.legacyKcv && !legacy)
        io.err('warning: --legacy-kcv applies to SYMMETRIC_DEFAULT material only');
      io.out(`wrote          ${opts.out} (${wrapped.length} bytes)`);
      if (tokenOut !== undefined)
        io.out(`import token   ${tokenOut} (${params?.importToken?.length ?? 0} bytes)`);
      for (const w of warnings) io.err(`warning: ${w}`);
      if (params?.provider === 'huawei') {
        // The printed command is AWS's; Huawei's import takes the same two files through its own API.
        io.out('');
        io.out(
          'next: these are Huawei Cloud KMS parameters: upload the wrapped material and the token with Huawei’s import-key-material (console or API); no AWS command applies',
        );
        return 0;
      }
      printImportCommand(io, {
        ...(params?.keyArn || params?.keyId ? { keyId: params.keyArn ?? params.keyId } : {}),
        ...(params?.region || params?.keyArn
          ? { region: params.region ?? params.keyArn?.split(':')[3] }
          : {}),
        ...(params?.endpoint ? { endpoint: params.endpoint } : {}),
        encryptedMaterialFile: opts.out,
        ...(tokenOut !== undefined ? { importTokenFile: tokenOut } : {}),
        ...(opts.validTo ? { validTo: opts.validTo } : {}),
      });
      return 0;
    } finally {
      material.dispose();
    }
  },
};

function printImportCommand(io: CliIO, facts: Parameters<typeof importKeyMaterialCommand>[0]): void {
  const cmd = importKeyMaterialCommand(facts);
  io.out('');
  io.out(
    facts.endpoint
      ? `next: upload it (these parameters came from ${facts.endpoint}):`
      : 'next: upload it where credentials for the key’s account are available:',
  );
  for (const l of cmd.lines) io.out(l);
  for (const p of cmd.placeholders) io.out(`  replace ${p}`);
}

function assertTokenOutFree(file: string): void {
  try {
    assertOutputFree(file);
  } catch (e) {
    if (e instanceof KeyriteError && e.code === 'OUTPUT_EXISTS')
      throw new KeyriteError(
        'OUTPUT_EXISTS',
        `${file} (the import token) already exists`,
        'pass --token-out with a new file for the import token; Keyrite never overwrites',
      );
    throw e;
  }
}

/** The token goes beside the wrapped material; if it cannot be written, the pair is not left half. */
function writeSecondFile(file: string, bytes: Buffer, first: string): void {
  try {
    writeNewFileAtomic(file, bytes);
  } catch (e) {
    try {
      unlinkSync(first);
    } catch {
      // already gone: nothing to undo
    }
    throw e;
  }
}

interface Flags {
  wrappingKey: string;
  algorithm: (typeof WRAPPING_ALGORITHMS)[number] | undefined;
  unchecked: boolean;
  material: string;
  out: string;
  tokenOut: string | undefined;
  keySpec: KeyMaterialSpec | undefined;
  validTo: string | undefined;
  legacyKcv: boolean;
}

function parseWrapFlags(args: string[]): Flags {
  const { values } = parseFlags(
    {
      args,
      options: {
        'wrapping-key': { type: 'string' },
        algorithm: { type: 'string' },
        'unchecked-algorithm': { type: 'boolean' },
        material: { type: 'string' },
        out: { type: 'string' },
        'token-out': { type: 'string' },
        'key-spec': { type: 'string' },
        'valid-to': { type: 'string' },
        'legacy-kcv': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    },
    usage,
  );
  const need = (name: 'wrapping-key' | 'material' | 'out'): string => {
    const v = values[name];
    if (!v) throw usageError(`--${name} is required`, usage);
    return v;
  };
  const alg = values.algorithm;
  const spec = values['key-spec'];
  return {
    wrappingKey: need('wrapping-key'),
    algorithm:
      alg === undefined
        ? undefined
        : oneOf(alg, WRAPPING_ALGORITHMS, 'a wrapping algorithm', 'UNKNOWN_ALGORITHM'),
    unchecked: values['unchecked-algorithm'] ?? false,
    material: need('material'),
    out: need('out'),
    tokenOut: values['token-out'],
    keySpec:
      spec === undefined ? undefined : oneOf(spec, KEY_MATERIAL_SPECS, 'a key spec', 'UNKNOWN_KEY_SPEC'),
    validTo: values['valid-to'] === undefined ? undefined : parseValidTo(values['valid-to']),
    legacyKcv: values['legacy-kcv'] ?? false,
  };
}

/** ImportKeyMaterial's ValidTo: a future time at most 365 days ahead, printed back in UTC. */
function parseValidTo(text: string): string {
  const t = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(t))
    throw usageError(
      `--valid-to takes an ISO 8601 time such as 2027-06-01T00:00:00Z, not "${text.slice(0, 40)}"`,
      usage,
    );
  const ahead = t - Date.now();
  if (ahead <= 0 || ahead > MAX_VALID_TO_MS)
    throw new KeyriteError(
      'VALID_TO_RANGE',
      `--valid-to ${new Date(t).toISOString()} is not between now and 365 days ahead`,
      'AWS accepts an expiry in the future, at most 365 days ahead',
    );
  return new Date(t).toISOString().replace('.000Z', 'Z');
}

function resolveSpec(
  material: SecretBuffer,
  given: KeyMaterialSpec | undefined,
  fromParams: KeyMaterialSpec | undefined,
  io: CliIO,
): KeyMaterialSpec {
  if (given && fromParams && given !== fromParams)
    throw new KeyriteError(
      'KEY_SPEC_MISMATCH',
      `the KMS key these parameters were fetched for is ${fromParams}, not ${given}`,
      'drop --key-spec, or fetch parameters for the key you mean',
    );
  const chosen = given ?? fromParams;
  if (chosen) return chosen;
  const found = detectMaterialSpec(material);
  if (!found) {
    const fits = rawSpecsFitting(material.length);
    throw new KeyriteError(
      'KEY_SPEC_REQUIRED',
      `cannot tell the key spec of ${material.length} bytes of material`,
      fits.length > 0
        ? `${material.length} raw bytes fit ${fits.join(' or ')}: pass --key-spec with the spec of the KMS key`
        : `pass --key-spec (${KEY_MATERIAL_SPECS.join(', ')})`,
    );
  }
  if (found.ambiguous)
    io.err(
      `note: ${material.length} bytes of material taken as ${found.spec}; it also fits ${found.alsoFits.join(', ')}: pass --key-spec to say which`,
    );
  return found.spec;
}

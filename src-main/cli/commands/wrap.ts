import { parseArgs } from 'node:util';
import { assertOutputFree, writeNewFileAtomic } from '../../media/new-file.js';
import { readPublicFile } from '../../media/public-file.js';
import { readSecretFile } from '../../media/secret-file.js';
import { KeyriteError } from '../../../src-shared/errors.js';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import {
  KEY_MATERIAL_SPECS,
  WRAPPING_ALGORITHMS,
  type KeyMaterialSpec,
  type WrappingAlgorithm,
  type WrappingPublicKey,
  assertNotExpired,
  checkValue,
  detectMaterialSpec,
  isKeyMaterialSpec,
  isWrappingAlgorithm,
  parseImportParameters,
  parseWrappingPublicKey,
  wrapKeyMaterial,
} from '../../../src-shared/wrap/index.js';
import { type CliIO, type Command, usageError } from '../io.js';
import { cloudTarget, cloudUsage, runCloudWrap } from './wrap-cloud.js';

const usage = `keyrite wrap --wrapping-key FILE --algorithm ALG --material FILE --out FILE [--key-spec SPEC] [--legacy-kcv]

Encrypts key material for AWS KMS ImportKeyMaterial, replacing the openssl step of a manual import.

  --wrapping-key FILE  the PublicKey of the import parameters: DER (.bin), base64 (.b64) or PEM;
                       or the console's ImportParameters.zip or the CLI's get-parameters-for-import JSON
  --algorithm ALG      ${WRAPPING_ALGORITHMS.join(' | ')}
                       (may be omitted when the import parameters name it; RSA_AES_KEY_WRAP_* is for
                       RSA and ECC material only, as in AWS — symmetric and HMAC use RSAES_OAEP_*)
  --material FILE      the plaintext key material: raw bytes (symmetric, HMAC) or PKCS#8 DER (RSA, ECC)
  --out FILE           where to write the EncryptedKeyMaterial (never overwritten; mode 0600)
  --key-spec SPEC      ${KEY_MATERIAL_SPECS.join(' | ')}
                       (default: recognised from the material; 32 raw bytes are taken as SYMMETRIC_DEFAULT)
  --legacy-kcv         also print the legacy AES-ECB key check value (symmetric material)

Prints the wrapping key's SHA-256 fingerprint, the material's check value and the output size.

--for gcp | --for azure wraps for Google Cloud KMS or Azure Key Vault instead (--for aws is the default):
${cloudUsage}`;

export const command: Command = {
  summary:
    'encrypt key material for import: AWS KMS (every wrapping algorithm), Google Cloud KMS, Azure Key Vault',
  usage,
  async run(args, io) {
    const cloud = cloudTarget(args);
    if (cloud) return runCloudWrap(cloud, args, io);
    const opts = parseFlags(
      args.filter((a, i) => a !== '--for=aws' && !(a === '--for' || args[i - 1] === '--for')),
    );
    const { wrappingKey, algorithm } = loadWrappingKey(opts.wrappingKey, opts.algorithm, io);
    assertOutputFree(opts.out);
    const material = readSecretFile(opts.material);
    try {
      const spec = resolveSpec(material, opts.keySpec, io);
      const { wrapped, warnings } = wrapKeyMaterial({ material, spec, algorithm, wrappingKey });
      const cv = checkValue(material, spec);
      const legacy =
        opts.legacyKcv && spec === 'SYMMETRIC_DEFAULT'
          ? checkValue(material, spec, { legacyEcb: true })
          : null;
      writeNewFileAtomic(opts.out, wrapped);
      io.out(`wrapping key   ${wrappingKey.spec}  SHA-256 ${wrappingKey.fingerprintSha256}`);
      io.out(`algorithm      ${algorithm}`);
      io.out(`material       ${spec}, ${material.length} bytes`);
      io.out(`check value    ${cv.kind} ${cv.value}  (${cv.description})`);
      if (legacy) io.out(`legacy KCV     ${legacy.kind} ${legacy.value}  (${legacy.description})`);
      if (opts.legacyKcv && !legacy)
        io.err('warning: --legacy-kcv applies to SYMMETRIC_DEFAULT material only');
      io.out(`wrote          ${opts.out} (${wrapped.length} bytes)`);
      for (const w of warnings) io.err(`warning: ${w}`);
      return 0;
    } finally {
      material.dispose();
    }
  },
};

interface Flags {
  wrappingKey: string;
  algorithm: WrappingAlgorithm | undefined;
  material: string;
  out: string;
  keySpec: KeyMaterialSpec | undefined;
  legacyKcv: boolean;
}

function parseFlags(args: string[]): Flags {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'wrapping-key': { type: 'string' },
        algorithm: { type: 'string' },
        material: { type: 'string' },
        out: { type: 'string' },
        'key-spec': { type: 'string' },
        'legacy-kcv': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw usageError(
      e instanceof Error ? (e.message.split('\n')[0] ?? 'bad arguments') : 'bad arguments',
      usage,
    );
  }
  const need = (name: 'wrapping-key' | 'material' | 'out'): string => {
    const v = values[name];
    if (!v) throw usageError(`--${name} is required`, usage);
    return v;
  };
  const alg = values.algorithm;
  if (alg !== undefined && !isWrappingAlgorithm(alg)) {
    throw new KeyriteError(
      'UNKNOWN_ALGORITHM',
      `unknown wrapping algorithm "${alg.slice(0, 60)}"`,
      `use one of ${WRAPPING_ALGORITHMS.join(', ')} — the one chosen when the import parameters were fetched`,
    );
  }
  const spec = values['key-spec'];
  if (spec !== undefined && !isKeyMaterialSpec(spec)) {
    throw new KeyriteError(
      'UNKNOWN_KEY_SPEC',
      `unknown key spec "${spec.slice(0, 60)}"`,
      `use one of ${KEY_MATERIAL_SPECS.join(', ')}`,
    );
  }
  return {
    wrappingKey: need('wrapping-key'),
    algorithm: alg,
    material: need('material'),
    out: need('out'),
    keySpec: spec,
    legacyKcv: values['legacy-kcv'] ?? false,
  };
}

/** A plain public key file, or full import parameters (zip / JSON) that may also name the algorithm. */
function loadWrappingKey(
  file: string,
  given: WrappingAlgorithm | undefined,
  io: CliIO,
): { wrappingKey: WrappingPublicKey; algorithm: WrappingAlgorithm } {
  const bytes = readPublicFile(file, 'wrapping key');
  const isZip = bytes.subarray(0, 2).toString('latin1') === 'PK';
  const isJson = /^\s*\{/.test(bytes.subarray(0, 32).toString('latin1'));
  if (!isZip && !isJson) {
    const wrappingKey = parseWrappingPublicKey(bytes);
    if (!given) {
      throw new KeyriteError(
        'ALGORITHM_REQUIRED',
        '--algorithm is required with a bare wrapping key',
        `pass the wrapping algorithm chosen when the import parameters were fetched (${WRAPPING_ALGORITHMS.join(', ')})`,
      );
    }
    return { wrappingKey, algorithm: given };
  }
  const now = new Date();
  const params = parseImportParameters([{ name: file, bytes }], now);
  assertNotExpired(params, now);
  if (params.algorithm && given && params.algorithm !== given) {
    throw new KeyriteError(
      'ALGORITHM_MISMATCH',
      `these import parameters were fetched for ${params.algorithm}, not ${given}`,
      'KMS would answer InvalidCiphertextException; drop --algorithm or fetch parameters for the algorithm you want',
    );
  }
  const algorithm = given ?? params.algorithm;
  if (!algorithm) {
    throw new KeyriteError(
      'ALGORITHM_REQUIRED',
      'these import parameters do not name their wrapping algorithm',
      `pass --algorithm with the one chosen when they were fetched (${WRAPPING_ALGORITHMS.join(', ')})`,
    );
  }
  if (params.keyId)
    io.out(
      `import params  key ${params.keyArn ?? params.keyId}, valid to ${params.validTo?.toISOString() ?? 'unknown'}`,
    );
  return { wrappingKey: params.wrappingKey, algorithm };
}

function resolveSpec(material: SecretBuffer, given: KeyMaterialSpec | undefined, io: CliIO): KeyMaterialSpec {
  if (given) return given;
  const found = detectMaterialSpec(material);
  if (!found) {
    throw new KeyriteError(
      'KEY_SPEC_REQUIRED',
      `cannot tell the key spec of ${material.length} bytes of material`,
      `pass --key-spec (${KEY_MATERIAL_SPECS.join(', ')})`,
    );
  }
  if (found.ambiguous)
    io.err(`note: 32 bytes of material taken as ${found.spec}; pass --key-spec HMAC_256 for an HMAC key`);
  return found.spec;
}

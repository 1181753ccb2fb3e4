import { KeyriteError } from '../../../src-shared/errors.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import {
  KEY_MATERIAL_SPECS,
  WRAPPING_ALGORITHMS,
  WRAPPING_KEY_SPECS,
  assertCompatible,
  parseWrappingPublicKey,
  serializeFetchedParameters,
} from '../../../src-shared/wrap/index.js';
import { createKmsGateway } from '../../kms/kms-gateway.js';
import { assertOutputFree, writeNewFileAtomic } from '../../media/new-file.js';
import { oneOf, parseFlags } from '../args.js';
import { type CliIO, usageError } from '../io.js';

export const fetchUsage = `keyrite params fetch --key-id ID --algorithm ALG --key-spec SPEC --out FILE
                     [--region REGION] [--profile P] [--endpoint URL]

Downloads import parameters for a KMS key (GetParametersForImport, through Keyrite's KMS gateway)
into one self-describing file: the wrapping key, the import token, valid-to, and what the AWS CLI's
JSON leaves out — the wrapping algorithm and key spec they were fetched for and the KMS key's own
key spec. \`keyrite wrap --wrapping-key FILE\` then wraps with exactly that algorithm and refuses any
other. Before fetching, it checks the key (DescribeKey: origin EXTERNAL, its key spec) and that AWS
accepts the algorithm for that key spec, so nothing is fetched that cannot be used.

  --key-id ID      the KMS key: key id, key ARN, alias name (alias/…) or alias ARN
  --algorithm ALG  ${WRAPPING_ALGORITHMS.join(' | ')}
  --key-spec SPEC  the wrapping key spec: ${WRAPPING_KEY_SPECS.join(' | ')}
                   (also accepted as --wrapping-key-spec, the AWS CLI's name)
  --out FILE       where to write the parameters (JSON; never overwritten)
  --region REGION  the key's region (default: from a key ARN, else AWS_REGION or AWS_DEFAULT_REGION)
  --profile P      AWS shared-config profile (default: the SDK's default credential chain)
  --endpoint URL   a KMS endpoint override, e.g. the emulator's http://127.0.0.1:PORT

Needs network access to KMS and credentials allowed kms:DescribeKey and kms:GetParametersForImport.
The parameters are valid for 24 hours.

example:
  keyrite params fetch --key-id arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab \\
    --algorithm RSAES_OAEP_SHA_256 --key-spec RSA_4096 --out params.json`;

export async function fetchParams(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(
    {
      args,
      options: {
        'key-id': { type: 'string' },
        algorithm: { type: 'string' },
        'key-spec': { type: 'string' },
        'wrapping-key-spec': { type: 'string' },
        out: { type: 'string' },
        region: { type: 'string' },
        profile: { type: 'string' },
        endpoint: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    },
    fetchUsage,
  );
  const keyId = values['key-id'];
  const out = values.out;
  if (!keyId) throw usageError('--key-id is required', fetchUsage);
  if (!values.algorithm) throw usageError('--algorithm is required', fetchUsage);
  const specText = values['key-spec'] ?? values['wrapping-key-spec'];
  if (!specText) throw usageError('--key-spec (the wrapping key spec) is required', fetchUsage);
  if (values['key-spec'] && values['wrapping-key-spec'] && values['key-spec'] !== values['wrapping-key-spec'])
    throw usageError('--key-spec and --wrapping-key-spec disagree; give one', fetchUsage);
  if (!out) throw usageError('--out is required', fetchUsage);
  const algorithm = oneOf(values.algorithm, WRAPPING_ALGORITHMS, 'a wrapping algorithm', 'UNKNOWN_ALGORITHM');
  const wrappingKeySpec = oneOf(
    specText,
    WRAPPING_KEY_SPECS,
    'a wrapping key spec',
    'UNKNOWN_WRAPPING_KEY_SPEC',
  );
  const endpoint = values.endpoint === undefined ? undefined : checkEndpoint(values.endpoint);
  const region = chooseRegion(values.region, keyId);
  assertOutputFree(out);

  const kms = createKmsGateway({
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(values.profile ? { profile: values.profile } : {}),
  });
  try {
    const meta = (await kms.describeKey(keyId)).KeyMetadata;
    const arn = meta?.Arn;
    if (!meta || !arn)
      throw new KeyriteError(
        'KMS_DESCRIBE_INCOMPLETE',
        `DescribeKey returned no key for ${keyId}`,
        'check the key id',
      );
    if (meta.Origin !== 'EXTERNAL')
      throw new KeyriteError(
        'PARAMS_KEY_NOT_EXTERNAL',
        `${arn} has origin ${meta.Origin ?? 'unknown'}: KMS imports key material only into keys created with origin EXTERNAL`,
        'create the key with --origin EXTERNAL (or let a Keyrite ceremony create it)',
      );
    const keySpec = oneOf(
      meta.KeySpec ?? '(none)',
      KEY_MATERIAL_SPECS,
      'a key spec Keyrite imports',
      'PARAMS_KEY_SPEC',
    );
    // AWS's algorithm table, before anything is fetched: parameters that cannot be used are not fetched.
    assertCompatible(algorithm, keySpec, wrappingKeySpec);
    const r = await kms.getParametersForImport({
      KeyId: arn,
      WrappingAlgorithm: algorithm,
      WrappingKeySpec: wrappingKeySpec,
    });
    if (!r.PublicKey || !r.ImportToken || !r.ParametersValidTo)
      throw new KeyriteError(
        'KMS_PARAMS_INCOMPLETE',
        'GetParametersForImport returned no public key, import token or valid-to',
        'retry; if it persists, check the endpoint',
      );
    const wrappingKey = parseWrappingPublicKey(r.PublicKey);
    if (wrappingKey.spec !== wrappingKeySpec)
      throw new KeyriteError(
        'KMS_PARAMS_WRONG_SPEC',
        `KMS returned a ${wrappingKey.spec} wrapping key where ${wrappingKeySpec} was asked for`,
        'fetch again; if it persists, check the endpoint',
      );
    writeNewFileAtomic(
      out,
      serializeFetchedParameters({
        keyArn: arn,
        keySpec,
        algorithm,
        wrappingKeySpec,
        publicKey: r.PublicKey,
        importToken: r.ImportToken,
        validTo: r.ParametersValidTo,
        region,
        ...(endpoint ? { endpoint } : {}),
        fetchedAt: new Date(),
      }),
      0o644,
    );
    io.out(`key ARN        ${arn}`);
    io.out(`key spec       ${keySpec} (origin EXTERNAL, state ${meta.KeyState ?? 'unknown'})`);
    io.out(`algorithm      ${algorithm}`);
    io.out(`wrapping key   ${wrappingKeySpec}  SHA-256 ${wrappingKey.fingerprintSha256}`);
    io.out(`  (words)      ${toWords(wrappingKey.fingerprintSha256)}`);
    io.out(`valid to       ${r.ParametersValidTo.toISOString()}`);
    io.out(`wrote          ${out}`);
    io.out('');
    io.out('next: wrap the material with exactly these parameters (the file names its algorithm):');
    io.out(`  keyrite wrap --wrapping-key ${out} --material MATERIAL_FILE --out EncryptedKeyMaterial.bin`);
    return 0;
  } finally {
    kms.close();
  }
}

function chooseRegion(flag: string | undefined, keyId: string): string {
  const fromArn = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(keyId)?.[1];
  if (flag !== undefined && fromArn !== undefined && flag !== fromArn)
    throw new KeyriteError(
      'PARAMS_REGION_MISMATCH',
      `--region ${flag} differs from the key ARN's region ${fromArn}`,
      'drop --region: the ARN names the region',
    );
  const region = flag ?? fromArn ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!region)
    throw new KeyriteError(
      'PARAMS_NO_REGION',
      'no region: the key id is not an ARN and neither --region nor AWS_REGION is set',
      'pass --region (the key’s region, e.g. eu-west-1) or the key ARN',
    );
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    throw new KeyriteError(
      'PARAMS_REGION',
      `"${region.slice(0, 40)}" is not an AWS region`,
      'e.g. eu-west-1',
    );
  return region;
}

function checkEndpoint(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(
      `--endpoint must be a URL such as http://127.0.0.1:4599, not "${text.slice(0, 60)}"`,
      fetchUsage,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw usageError('--endpoint must be an http:// or https:// URL', fetchUsage);
  return text.replace(/\/+$/, '');
}

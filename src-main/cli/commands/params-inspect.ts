import { parseImportParameters } from '../../../src-shared/wrap/index.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import { parseFlags } from '../args.js';
import { type CliIO, usageError } from '../io.js';
import { readPublicFile } from '../../media/public-file.js';

export const inspectUsage = `keyrite params inspect FILE… [--json]

Shows what a set of KMS import parameters (AWS or Huawei Cloud) contains: key id, wrapping
algorithm, wrapping key spec and SHA-256 fingerprint (hex and words), import token, valid-to and
whether they have expired (exit 1 if they have).

FILE… is the file \`keyrite params fetch\` wrote, the console's ImportParameters.zip, the JSON output
of \`aws kms get-parameters-for-import\`, or loose files: the public key (DER .bin, base64 .b64 or
PEM) and the import token (a file with "token" in its name). Several files are read as one set.
Huawei Cloud: the console's wrappingKey_<key id>_<time>, importToken_… and README_… files, or the
JSON answer of get-parameters-for-import (key_id, public_key, import_token, expiration_time).

  --json   one JSON object instead of the table (null for what the files do not say)

example:
  keyrite params inspect ImportParameters.zip
  keyrite params inspect PublicKey.bin ImportToken.bin --json`;

export function inspect(args: string[], io: CliIO): number {
  const { values, positionals: files } = parseFlags(
    { args, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true },
    inspectUsage,
  );
  if (files.length === 0) throw usageError('give at least one parameters file', inspectUsage);
  const now = new Date();
  const p = parseImportParameters(
    files.map((f) => ({ name: f, bytes: readPublicFile(f, 'import parameters') })),
    now,
  );
  const remaining = p.validTo ? p.validTo.getTime() - now.getTime() : null;
  if (values.json) {
    io.out(
      JSON.stringify({
        source: p.source,
        provider: p.provider ?? null,
        keyId: p.keyId ?? null,
        keyArn: p.keyArn ?? null,
        keySpec: p.keySpec ?? null,
        wrappingAlgorithm: p.algorithm ?? null,
        wrappingKeySpec: p.wrappingKeySpec,
        wrappingKeySha256: p.wrappingKey.fingerprintSha256,
        importTokenBytes: p.importToken?.length ?? null,
        validTo: p.validTo?.toISOString() ?? null,
        expired: p.expired,
        region: p.region ?? null,
        endpoint: p.endpoint ?? null,
      }),
    );
  } else {
    io.out(`source         ${p.source}${p.format ? ' — written by keyrite params fetch' : ''}`);
    if (p.provider) io.out(`cloud          ${p.provider === 'huawei' ? 'Huawei Cloud KMS' : 'AWS KMS'}`);
    io.out(`key id         ${p.keyId ?? '(not in these files)'}`);
    if (p.keyArn) io.out(`key ARN        ${p.keyArn}`);
    if (p.keySpec) io.out(`key spec       ${p.keySpec}`);
    io.out(
      `algorithm      ${p.algorithm ?? '(not stated: keyrite wrap will need --algorithm and --unchecked-algorithm)'}`,
    );
    io.out(`wrapping key   ${p.wrappingKeySpec}  SHA-256 ${p.wrappingKey.fingerprintSha256}`);
    io.out(`  (words)      ${toWords(p.wrappingKey.fingerprintSha256)}`);
    io.out(`import token   ${p.importToken ? `${p.importToken.length} bytes` : '(not in these files)'}`);
    io.out(
      `valid to       ${p.validTo ? `${p.validTo.toISOString()} (${describe(remaining ?? 0)})` : '(unknown)'}`,
    );
    if (p.endpoint) io.out(`endpoint       ${p.endpoint}`);
    io.out(`status         ${p.expired ? 'EXPIRED' : p.validTo ? 'valid' : 'valid-to unknown'}`);
  }
  if (p.expired) {
    io.err(`keyrite: these import parameters expired at ${p.validTo?.toISOString() ?? '?'}`);
    io.err('  hint: download new import parameters (they are valid for 24 hours)');
    return 1;
  }
  return 0;
}

function describe(ms: number): string {
  const mins = Math.round(Math.abs(ms) / 60000);
  const text = `${Math.floor(mins / 60)}h ${mins % 60}m`;
  return ms > 0 ? `in ${text}` : `${text} ago`;
}

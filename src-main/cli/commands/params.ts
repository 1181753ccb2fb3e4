import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { KeyriteError } from '../../../src-shared/errors.js';
import { type ParamsFile, parseImportParameters } from '../../../src-shared/wrap/index.js';
import { type Command, usageError } from '../io.js';

const usage = `keyrite params inspect FILE… [--json]

Shows what a set of KMS import parameters (AWS or Huawei Cloud) contains: key id, wrapping algorithm,
wrapping key spec and SHA-256 fingerprint, import token, valid-to and whether they have expired
(exit 1 if they have).

FILE… is the console's ImportParameters.zip, the JSON output of
\`aws kms get-parameters-for-import\`, or loose files: the public key (DER .bin, base64 .b64 or PEM)
and the import token (a file with "token" in its name). Several files are read as one set.
Huawei Cloud: the console's wrappingKey_<key id>_<time>, importToken_… and README_… files, or the
JSON answer of get-parameters-for-import (key_id, public_key, import_token, expiration_time).`;

const MAX_FILE_BYTES = 1 << 20;

export const command: Command = {
  summary: 'inspect KMS import parameters (zip, CLI JSON, key and token files)',
  usage,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        options: { json: { type: 'boolean' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (e) {
      throw usageError(
        e instanceof Error ? (e.message.split('\n')[0] ?? 'bad arguments') : 'bad arguments',
        usage,
      );
    }
    const [sub, ...files] = parsed.positionals;
    if (sub !== 'inspect')
      throw usageError(sub ? `unknown params subcommand "${sub}"` : 'missing subcommand', usage);
    if (files.length === 0) throw usageError('give at least one parameters file', usage);
    const now = new Date();
    const p = parseImportParameters(files.map(readParamsFile), now);
    const remaining = p.validTo ? p.validTo.getTime() - now.getTime() : null;
    if (parsed.values.json) {
      io.out(
        JSON.stringify({
          source: p.source,
          provider: p.provider ?? null,
          keyId: p.keyId ?? null,
          keyArn: p.keyArn ?? null,
          wrappingAlgorithm: p.algorithm ?? null,
          wrappingKeySpec: p.wrappingKeySpec,
          wrappingKeySha256: p.wrappingKey.fingerprintSha256,
          importTokenBytes: p.importToken?.length ?? null,
          validTo: p.validTo?.toISOString() ?? null,
          expired: p.expired,
        }),
      );
    } else {
      io.out(`source         ${p.source}`);
      if (p.provider) io.out(`cloud          ${p.provider === 'huawei' ? 'Huawei Cloud KMS' : 'AWS KMS'}`);
      io.out(`key id         ${p.keyId ?? '(not in these files)'}`);
      if (p.keyArn) io.out(`key ARN        ${p.keyArn}`);
      io.out(
        `algorithm      ${p.algorithm ?? '(not stated: pass the one chosen when fetching to keyrite wrap)'}`,
      );
      io.out(`wrapping key   ${p.wrappingKeySpec}  SHA-256 ${p.wrappingKey.fingerprintSha256}`);
      io.out(`import token   ${p.importToken ? `${p.importToken.length} bytes` : '(not in these files)'}`);
      io.out(
        `valid to       ${p.validTo ? `${p.validTo.toISOString()} (${describe(remaining ?? 0)})` : '(unknown)'}`,
      );
      io.out(`status         ${p.expired ? 'EXPIRED' : p.validTo ? 'valid' : 'valid-to unknown'}`);
    }
    if (p.expired) {
      io.err(`keyrite: these import parameters expired at ${p.validTo?.toISOString() ?? '?'}`);
      io.err('  hint: download new import parameters (they are valid for 24 hours)');
      return 1;
    }
    return 0;
  },
};

function describe(ms: number): string {
  const mins = Math.round(Math.abs(ms) / 60000);
  const text = `${Math.floor(mins / 60)}h ${mins % 60}m`;
  return ms > 0 ? `in ${text}` : `${text} ago`;
}

function readParamsFile(file: string): ParamsFile {
  try {
    const st = statSync(file);
    if (!st.isFile())
      throw new KeyriteError('FILE_NOT_REGULAR', `${file} is not a regular file`, 'give the parameters file');
    if (st.size > MAX_FILE_BYTES) {
      throw new KeyriteError(
        'FILE_TOO_LARGE',
        `${file} is too large to be import parameters`,
        'check the file',
      );
    }
    return { name: file, bytes: readFileSync(file) };
  } catch (e) {
    if (e instanceof KeyriteError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new KeyriteError('FILE_NOT_FOUND', `file not found: ${file}`, 'check the path');
    throw new KeyriteError(
      'FILE_READ',
      `cannot read ${file} (${code ?? 'error'})`,
      'check the path and permissions',
    );
  }
}

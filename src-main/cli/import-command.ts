import path from 'node:path';
import { shellWord } from '../../src-shared/wrap/index.js';

/** What the printed `aws kms import-key-material` needs; absent facts become marked placeholders. */
export interface ImportCommandFacts {
  keyId?: string;
  region?: string;
  endpoint?: string;
  encryptedMaterialFile: string;
  importTokenFile?: string;
  /** ISO 8601: material expires then; absent: it does not expire. */
  validTo?: string;
}

export interface ImportCommand {
  /** The command as lines ending in " \" — what a person copies into a POSIX shell. */
  lines: string[];
  /** Placeholders the person must replace before running it (empty: the command is exact). */
  placeholders: string[];
}

/** The AWS CLI command that uploads what `keyrite wrap` wrote, with absolute fileb:// paths. */
export function importKeyMaterialCommand(f: ImportCommandFacts): ImportCommand {
  const placeholders: string[] = [];
  const fileb = (p: string): string => shellWord(`fileb://${path.resolve(p)}`);
  const args: string[][] = [];
  if (f.region) args.push(['--region', f.region]);
  if (f.endpoint) args.push(['--endpoint-url', shellWord(f.endpoint)]);
  if (f.keyId) args.push(['--key-id', shellWord(f.keyId)]);
  else {
    placeholders.push('KEY_ID: the key id or ARN the import parameters were fetched for');
    args.push(['--key-id', 'KEY_ID']);
  }
  args.push(['--encrypted-key-material', fileb(f.encryptedMaterialFile)]);
  if (f.importTokenFile) args.push(['--import-token', fileb(f.importTokenFile)]);
  else {
    placeholders.push('IMPORT_TOKEN_FILE: the import token downloaded with this wrapping key (binary)');
    args.push(['--import-token', 'fileb://IMPORT_TOKEN_FILE']);
  }
  if (f.validTo) args.push(['--expiration-model', 'KEY_MATERIAL_EXPIRES', '--valid-to', f.validTo]);
  else args.push(['--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE']);
  const lines = ['aws kms import-key-material', ...args.map((a) => `  ${a.join(' ')}`)];
  return {
    lines: lines.map((l, i) => (i < lines.length - 1 ? `${l} \\` : l)),
    placeholders,
  };
}

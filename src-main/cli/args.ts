import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KeyriteError } from '../../src-shared/errors.js';
import { notOneOf } from '../../src-shared/text/did-you-mean.js';
import { usageError } from './io.js';

/** node:util parseArgs, with its errors turned into one usage line and the command's usage. */
export function parseFlags<T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    const first = e instanceof Error ? (e.message.split('\n')[0] ?? 'bad arguments') : 'bad arguments';
    throw usageError(first, usage);
  }
}

/** One of a fixed vocabulary (KMS spellings), or an error that names the allowed values and the nearest. */
export function oneOf<T extends string>(value: string, choices: readonly T[], what: string, code: string): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  const { message, hint } = notOneOf(value, what, choices);
  throw new KeyriteError(code, message, hint);
}

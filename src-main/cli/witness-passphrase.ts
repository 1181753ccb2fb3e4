import { KeyriteError } from '../../src-shared/errors.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import type { CliIO } from './io.js';
import { firstLine, readFromFd, readSecretInputFile } from './secret-input.js';
import { readSecretLineFromTty } from './secret-line.js';

/**
 * A witness's passphrase for one statement (an exception recorded after the run): from --passphrase-fd
 * or --passphrase-file (first line), else typed at the terminal without echo. It unlocks the key the
 * witness enrolled, which signs the statement.
 */
export async function witnessPassphrase(
  io: CliIO,
  who: { id: string; name: string },
  v: { 'passphrase-fd'?: string | undefined; 'passphrase-file'?: string | undefined },
): Promise<SecretBuffer> {
  const fd = v['passphrase-fd'];
  if (fd !== undefined) return firstLine(readFromFd(fd, '--passphrase-fd'), 'witness passphrase');
  if (v['passphrase-file']) return firstLine(readSecretInputFile(v['passphrase-file']), 'witness passphrase');
  if (!io.readSecretLine && !process.stdin.isTTY)
    throw new KeyriteError(
      'CEREMONY_NO_TTY',
      `witness ${who.id} signs the exception with their passphrase, and there is no terminal to type it`,
      'run it in a terminal, or give the passphrase with --passphrase-file FILE or --passphrase-fd N',
    );
  const typed = await (io.readSecretLine ?? readSecretLineFromTty)(
    `${who.name} (${who.id}), your passphrase to sign this exception: `,
  );
  if (typed.length === 0)
    throw new KeyriteError(
      'PASSPHRASE_EMPTY',
      'no passphrase was typed',
      'the witness types the passphrase they enrolled with',
    );
  return SecretBuffer.adopt(typed);
}

import path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { KeyriteError } from '../../src-shared/errors.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { toWords } from '../../src-shared/words/pgp-words.js';
import { type OpenedStationKey, openStationKey } from '../audit/station-key.js';
import { readSecretLineFromTty } from './secret-line.js';
import { testScryptCost } from '../ceremony/crash-point.js';
import type { CliIO } from './io.js';
import { firstLine, readFromFd, readSecretInputFile, takeEnvSecret } from './secret-input.js';

export const STATION_PASSPHRASE_ENV = 'KEYRITE_STATION_PASSPHRASE';

export const stationOptionsUsage = `  --station-key FILE               this station's Ed25519 key, sealed under the station passphrase
                                   (created on first use); default: DIR/station-ed25519.key
  --station-passphrase-file FILE   the station passphrase (first line of FILE), for scripts and CI
  --station-passphrase-fd N        the same from file descriptor N
                                   (or the environment variable ${STATION_PASSPHRASE_ENV};
                                   otherwise it is asked at the terminal, without echo)`;

export interface StationFlags {
  'station-key'?: string | undefined;
  'station-passphrase-file'?: string | undefined;
  'station-passphrase-fd'?: string | undefined;
}

/** A non-interactive station passphrase, if one was given (file, descriptor or environment). */
export function suppliedStationPassphrase(v: StationFlags): SecretBuffer | undefined {
  if (v['station-passphrase-file'])
    return firstLine(readSecretInputFile(v['station-passphrase-file']), 'station passphrase');
  if (v['station-passphrase-fd'])
    return firstLine(readFromFd(v['station-passphrase-fd'], '--station-passphrase-fd'), 'station passphrase');
  const env = takeEnvSecret(STATION_PASSPHRASE_ENV);
  return env ? firstLine(env, 'station passphrase') : undefined;
}

function copyOf(s: SecretBuffer): SecretBuffer {
  const c = SecretBuffer.alloc(s.length);
  c.use((d) => s.use((x) => x.copy(d)));
  return c;
}

async function askAtTty(creating: boolean): Promise<SecretBuffer> {
  if (!process.stdin.isTTY)
    throw new KeyriteError(
      'STATION_PASSPHRASE_NEEDED',
      'the station key is sealed under a station passphrase, and none was given',
      `type it at a terminal, or pass --station-passphrase-file FILE or --station-passphrase-fd N, or set ${STATION_PASSPHRASE_ENV}`,
    );
  const first = await readSecretLineFromTty(
    creating
      ? 'Administrator, choose the station passphrase (seals this station’s key): '
      : 'Station passphrase: ',
  );
  if (!creating) return SecretBuffer.adopt(first);
  const again = await readSecretLineFromTty('Station passphrase again: ');
  try {
    if (first.length !== again.length || !timingSafeEqual(first, again))
      throw new KeyriteError(
        'PASSPHRASE_MISMATCH',
        'the two station passphrases differ',
        'type the same passphrase twice',
      );
    return SecretBuffer.adopt(first);
  } finally {
    first.fill(0);
    again.fill(0);
  }
}

/**
 * Opens (or creates) the station key at `file` under the station passphrase, saying what happened: the
 * station's fingerprint in hex and words (what auditors pin), a new key, or a migrated unsealed one.
 */
export async function unlockStationForCli(
  io: CliIO,
  file: string,
  supplied: SecretBuffer | undefined,
): Promise<OpenedStationKey> {
  const creating = !existsSync(file);
  const tries = supplied ? 1 : 3;
  const cost = testScryptCost();
  for (let i = 1; ; i++) {
    try {
      const opened = await openStationKey(file, {
        kind: 'passphrase',
        passphrase: async () => (supplied ? copyOf(supplied) : askAtTty(creating)),
        ...(cost ? { cost } : {}),
      });
      supplied?.dispose();
      if (opened.created)
        io.out(`station key created, sealed under the station passphrase: ${path.resolve(file)}`);
      if (opened.migrated)
        io.err(
          `keyrite: the station key ${file} was stored unsealed by an earlier Keyrite; it is now sealed under the station passphrase (copies made before, e.g. backups, still hold it in the clear: destroy them)`,
        );
      io.out(`station fingerprint: ${opened.fingerprint}`);
      io.out(`  (words) ${toWords(opened.fingerprint)}`);
      return opened;
    } catch (e) {
      const retry =
        e instanceof KeyriteError &&
        ['STATION_PASSPHRASE_WRONG', 'PASSPHRASE_WEAK', 'PASSPHRASE_MISMATCH'].includes(e.code);
      if (!retry || i >= tries) {
        supplied?.dispose();
        throw e;
      }
      io.err(`keyrite: ${e.message} — ${e.hint} (try ${i + 1} of ${tries})`);
    }
  }
}

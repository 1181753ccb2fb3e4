import { restrictCoreDumps, type CoreDumpProtection } from '../secrets/core-dumps.js';
import type { CliIO } from './io.js';

/**
 * A command that holds secrets (key material, passphrases, components) keeps its memory out of core
 * dumps as the Electron main process does, and says so when the system refuses: then a crash could
 * write those secrets to a core file, and the person can still prevent it with `ulimit -c 0`.
 */
export function guardCliMemory(
  io: CliIO,
  restrict: () => CoreDumpProtection = () => restrictCoreDumps(),
): CoreDumpProtection {
  const r = restrict();
  if (r === 'failed') {
    io.err(
      'keyrite: warning: this system refused to keep keyrite’s memory out of core dumps; if it crashed, secrets in memory could reach a core file',
    );
    io.err('  hint: run `ulimit -c 0` in this shell before keyrite, or disable core dumps for this user');
  }
  return r;
}

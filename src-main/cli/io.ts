import { KeyriteError, isKeyriteError } from '../../src-shared/errors.js';
import { diskFault } from '../media/disk-fault.js';

/** What a command needs from the terminal; tests pass their own to capture output. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Reads a line without echo (passphrases). Undefined when no terminal is attached. */
  readSecretLine?: (prompt: string) => Promise<Buffer>;
}

export const processIO: CliIO = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

export interface Command {
  /** Full usage text for `keyrite <cmd> --help`. */
  usage: string;
  /** Usage of each subcommand, for `keyrite <cmd> <sub> --help`. */
  subcommands?: Readonly<Record<string, string>>;
  run(args: string[], io: CliIO): Promise<number>;
}

/** Prints an error as one line of reason and one line of hint; returns the exit code to use. */
export function reportError(io: CliIO, e: unknown, exitCode = 1): number {
  // isKeyriteError: the bundled command table reports errors thrown by a command's own bundle.
  if (isKeyriteError(e)) {
    io.err(`keyrite: ${e.message}`);
    io.err(`  hint: ${e.hint}`);
    return exitCode;
  }
  // A full or failing disk met where no writer named it: still the machine's state, not a bug.
  const disk = diskFault(e, 'the ceremony files');
  if (disk) return reportError(io, disk, exitCode);
  // Unexpected failures still get one line, never a stack and never an object dump that might hold data.
  const msg = e instanceof Error ? e.message : 'unexpected failure';
  io.err(`keyrite: internal error: ${msg}`);
  io.err('  hint: this is a bug in Keyrite; please report it with the command you ran.');
  return 70;
}

export function usageError(message: string, usage: string): KeyriteError {
  return new KeyriteError('CLI_USAGE', message, `usage: ${usage.split('\n')[0]}`);
}

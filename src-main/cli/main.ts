import { type CliIO, type Command, processIO, reportError } from './io.js';
import { guardCliMemory } from './memory-guard.js';

/**
 * Every command, its one-line summary and how to load it. The table is static so `keyrite --help`
 * loads no command module, and a command loads only what it needs (wrap never starts SQLite or the SDK).
 */
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  wrap: {
    summary:
      'encrypt key material for import (AWS KMS, Google Cloud KMS, Azure Key Vault); print the upload command',
    load: async () => (await import('./commands/wrap.js')).command,
  },
  params: {
    summary: 'fetch self-describing KMS import parameters, or inspect any form of them',
    load: async () => (await import('./commands/params.js')).command,
  },
  plan: {
    summary: 'check a ceremony plan offline (digest in hex and words), or print its JSON Schema',
    load: async () => (await import('./commands/plan.js')).command,
  },
  emulator: {
    summary: 'run the local AWS KMS emulator for rehearsals (foreground)',
    load: async () => (await import('./commands/emulator.js')).command,
  },
  audit: {
    summary: 'verify an audit log, export it (jsonl, csv, html) or save its newest checkpoint',
    load: async () => (await import('./commands/audit.js')).command,
  },
  rehearse: {
    summary: 'rehearse a whole ceremony against the KMS emulator',
    load: async () => (await import('./commands/rehearse.js')).command,
  },
  bundle: {
    summary: 'verify a bundle that carries a split (air-gapped) ceremony between its two stations',
    load: async () => (await import('./commands/bundle.js')).command,
  },
  ceremony: {
    summary:
      'run a real ceremony in the terminal; its status; a witness exception; a late share verification',
    load: async () => (await import('./commands/ceremony.js')).command,
  },
};

export const COMMAND_NAMES = Object.keys(commands);

/** Loads one command's module, as `keyrite <name>` does (the help tests read every command's options). */
export function loadCommand(name: string): Promise<Command> {
  const c = commands[name];
  if (!c) throw new Error(`no command ${name}`);
  return c.load();
}
const SECRET_COMMANDS = new Set(['wrap', 'rehearse', 'ceremony']);

function help(io: CliIO): number {
  io.out('keyrite — witnessed key ceremonies for bring-your-own-key imports into AWS KMS');
  io.out('');
  io.out('usage: keyrite <command> [options]     (keyrite <command> --help for details)');
  io.out('');
  for (const [name, c] of Object.entries(commands)) io.out(`  ${name.padEnd(10)} ${c.summary}`);
  io.out('');
  io.out('  --version  prints the version');
  return 0;
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') return help(io);
  if (name === '--version') {
    io.out('keyrite 0.1.0');
    return 0;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    io.err(`keyrite: unknown command "${name.slice(0, 60)}"`);
    io.err(`  hint: one of ${COMMAND_NAMES.join(', ')}; see keyrite --help`);
    return 2;
  }
  // Commands that may hold key material, passphrases or components keep them out of core dumps.
  if (SECRET_COMMANDS.has(name)) guardCliMemory(io);
  try {
    const cmd = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      const sub = rest[0];
      io.out((sub !== undefined && cmd.subcommands?.[sub]) || cmd.usage);
      return 0;
    }
    return await cmd.run(rest, io);
  } catch (e) {
    return reportError(io, e);
  }
}

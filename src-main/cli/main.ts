import { type CliIO, type Command, processIO, reportError } from './io.js';

/** Commands load lazily so `keyrite --help` and `keyrite wrap` do not start SQLite or the SDK. */
const commands: Record<string, () => Promise<Command>> = {
  wrap: async () => (await import('./commands/wrap.js')).command,
  params: async () => (await import('./commands/params.js')).command,
  emulator: async () => (await import('./commands/emulator.js')).command,
  audit: async () => (await import('./commands/audit.js')).command,
  rehearse: async () => (await import('./commands/rehearse.js')).command,
  ceremony: async () => (await import('./commands/ceremony.js')).command,
};

async function help(io: CliIO): Promise<number> {
  io.out('keyrite — witnessed key ceremonies for bring-your-own-key imports into AWS KMS');
  io.out('');
  io.out('usage: keyrite <command> [options]     (keyrite <command> --help for details)');
  io.out('');
  for (const [name, load] of Object.entries(commands)) {
    const cmd = await load();
    io.out(`  ${name.padEnd(10)} ${cmd.summary}`);
  }
  return 0;
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') return help(io);
  if (name === '--version') {
    io.out('keyrite 0.1.0');
    return 0;
  }
  const load = commands[name];
  if (!load) {
    io.err(`keyrite: unknown command "${name}"`);
    io.err(`  hint: one of ${Object.keys(commands).join(', ')}; see keyrite --help`);
    return 2;
  }
  try {
    const cmd = await load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(cmd.usage);
      return 0;
    }
    return await cmd.run(rest, io);
  } catch (e) {
    return reportError(io, e);
  }
}

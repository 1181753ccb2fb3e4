import '../zod-jitless.js';
import { type Command, usageError } from '../io.js';
import { fetchParams, fetchUsage } from './params-fetch.js';
import { inspect, inspectUsage } from './params-inspect.js';

const usage = `${fetchUsage.split('\n\n')[0]}
${inspectUsage.split('\n\n')[0]}

fetch    downloads import parameters for a KMS key into one self-describing file that names the
         wrapping algorithm, so keyrite wrap cannot use another (online)
inspect  shows what any form of import parameters holds (offline)

keyrite params fetch --help and keyrite params inspect --help explain each.`;

export const command: Command = {
  usage,
  subcommands: { fetch: fetchUsage, inspect: inspectUsage },
  async run(args, io) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'fetch':
        return fetchParams(rest, io);
      case 'inspect':
        return inspect(rest, io);
      default:
        throw usageError(
          sub ? `unknown params subcommand "${sub.slice(0, 40)}"` : 'missing subcommand',
          usage,
        );
    }
  },
};

import type { Command } from '../io.js';
import { usage } from './wrap-usage.js';

/**
 * `keyrite wrap`: the help is here, the work in wrap-run.ts, loaded only when there is work, so the
 * command starts (and answers --help) without node-forge, yaml, fflate and the wrapping code.
 */
export const command: Command = {
  usage,
  run: async (args, io) => (await import('./wrap-run.js')).wrapCommand.run(args, io),
};

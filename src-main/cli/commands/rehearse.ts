import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Command, usageError } from '../io.js';
import { defaultRehearsalPlan } from '../../ceremony/default-plan.js';
import { readPlanFile } from '../../ceremony/plan-file.js';
import { defaultPlanBase, runRehearsal } from '../../ceremony/rehearsal.js';
import { testScryptCost } from '../../ceremony/crash-point.js';
import { words } from '../../ceremony/steps/setup-steps.js';

const usage = `keyrite rehearse --out DIR [--plan FILE] [--endpoint URL] [--resume]

Runs a whole key ceremony headlessly against the embedded KMS emulator (or the emulator at URL),
with rehearsal custodians whose passphrases are generated and kept in memory only. Writes
DIR/audit.db, DIR/report.html, DIR/shares/, DIR/plan.json; prints the key ARN, its check value
and the final key state. DIR must be new or empty.

  --out DIR        where the ceremony's files go
  --plan FILE      a ceremony plan (YAML or JSON); default: the built-in rehearsal plan
  --endpoint URL   a running emulator, e.g. http://127.0.0.1:4599 (keyrite emulator)
  --resume         continue the ceremony in DIR after an interruption (needs --passphrase-fd)
  --passphrase-fd N  read custodian passphrases (one per line, plan order) from file descriptor N

example:
  keyrite rehearse --out rehearsal-1
  keyrite rehearse --plan ceremony.yaml --out rehearsal-2 --endpoint http://127.0.0.1:4599`;

export const command: Command = {
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        out: { type: 'string' },
        plan: { type: 'string' },
        endpoint: { type: 'string' },
        resume: { type: 'boolean', default: false },
        'passphrase-fd': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.out) throw usageError('--out DIR is required', usage);
    if (values.resume && !values['passphrase-fd'])
      throw usageError(
        '--resume needs --passphrase-fd: rehearsal passphrases are otherwise lost with the process',
        usage,
      );
    const fd = values['passphrase-fd'];
    if (fd !== undefined && !/^\d+$/.test(fd))
      throw usageError('--passphrase-fd takes a file descriptor number', usage);
    const planDoc = values.plan ? readPlanFile(values.plan) : defaultRehearsalPlan();
    const result = await runRehearsal({
      out: path.resolve(values.out),
      planDoc,
      planBase: defaultPlanBase(values.plan),
      ...(values.endpoint ? { endpoint: values.endpoint } : {}),
      resume: values.resume,
      ...(fd !== undefined ? { passphraseLines: readFileSync(Number(fd)) } : {}),
      say: (l) => io.out(l),
      ...(testScryptCost() ? { engine: { scryptCost: testScryptCost() } } : {}),
    });
    io.out('');
    io.out(`key ARN:     ${result.keyArn}`);
    io.out(
      `check value: ${result.checkValue}${/^[0-9A-F]{6}$/.test(result.checkValue) ? ` (${words(result.checkValue)})` : ''}`,
    );
    io.out(`key state:   ${result.keyState}`);
    io.out(`report:      ${path.join(path.resolve(values.out), 'report.html')}`);
    return 0;
  },
};

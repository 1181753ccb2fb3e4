import { parseArgs } from 'node:util';
import { KeyriteError } from '../../../src-shared/errors.js';
import { DEFAULT_EMULATOR_ACCOUNT, DEFAULT_EMULATOR_REGION, startEmulator } from '../../emulator/index.js';
import { REGION_NAME } from '../../emulator/sigv4-scope.js';
import { type Command, usageError } from '../io.js';

const usage = `keyrite emulator [--port N] [--state FILE] [--region REGION] [--account ID]

Runs the embedded AWS KMS emulator in the foreground on 127.0.0.1, for rehearsals with no AWS
account. Point the AWS CLI or SDKs at it with --endpoint-url; any credentials are accepted. One
emulator serves every region: each request is served in the region it is signed for (the AWS CLI's
--region, the SDK client's region), and keys are found only in the region that holds them.

  --port N       TCP port to listen on (default: a free port, printed at start)
  --state FILE   keep keys, aliases and import parameters in this SQLite file across restarts
                 (default: memory only). The file holds emulated key material: rehearsal use only.
  --region REGION  the region of unsigned requests, such as a hand-written curl (default us-east-1)
  --account ID     the 12-digit account it pretends to be (default 111122223333)

Prints "listening on http://127.0.0.1:PORT" when ready; stops cleanly on Ctrl-C (SIGINT) or SIGTERM.

example:
  keyrite emulator --port 4599 --state rehearsal-kms.db
  aws kms list-keys --endpoint-url http://127.0.0.1:4599     (in another terminal)`;

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw usageError(`--port must be a number from 0 to 65535, not "${text}"`, usage);
  return port;
}

export const command: Command = {
  usage,
  async run(args, io) {
    let values: { port?: string; state?: string; region?: string; account?: string };
    try {
      ({ values } = parseArgs({
        args,
        options: {
          port: { type: 'string' },
          state: { type: 'string' },
          region: { type: 'string' },
          account: { type: 'string' },
        },
        strict: true,
      }));
    } catch (e) {
      throw usageError(e instanceof Error ? e.message : 'invalid arguments', usage);
    }
    const port = parsePort(values.port);
    if (values.region !== undefined && !REGION_NAME.test(values.region)) {
      throw usageError(`--region must look like us-east-1, not "${values.region}"`, usage);
    }
    if (values.account !== undefined && !/^\d{12}$/.test(values.account)) {
      throw usageError(`--account must be 12 digits, not "${values.account}"`, usage);
    }
    let emulator;
    try {
      emulator = await startEmulator({
        ...(port === undefined ? {} : { port }),
        ...(values.state ? { statePath: values.state } : {}),
        ...(values.region ? { region: values.region } : {}),
        ...(values.account ? { accountId: values.account } : {}),
      });
    } catch (e) {
      if (e instanceof KeyriteError) throw e;
      const code = (e as { code?: string }).code;
      if (code === 'EADDRINUSE') {
        throw new KeyriteError(
          'EMULATOR_PORT_IN_USE',
          `port ${port ?? 0} on 127.0.0.1 is already in use`,
          'choose another --port, or omit it to pick a free one',
        );
      }
      throw e;
    }
    // Handlers go in before the URL is printed: whoever reads the URL may signal at once.
    const stopped = new Promise<NodeJS.Signals>((resolve) => {
      const stop = (s: NodeJS.Signals): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(s);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    io.out(`listening on ${emulator.url}`);
    io.out(
      `account ${values.account ?? DEFAULT_EMULATOR_ACCOUNT}, every region (unsigned requests: ${values.region ?? DEFAULT_EMULATOR_REGION})`,
    );
    if (values.state) io.out(`state: ${values.state}`);
    const signal = await stopped;
    await emulator.close();
    io.out(`stopped (${signal})`);
    return 0;
  },
};

import { parseArgs } from 'node:util';
import { KeyriteError } from '../../../src-shared/errors.js';
import { DEFAULT_EMULATOR_ACCOUNT, DEFAULT_EMULATOR_REGION, startEmulator } from '../../emulator/index.js';
import { REGION_NAME } from '../../emulator/sigv4-scope.js';
import { HUAWEI_EMULATOR_CREDENTIALS } from '../../emulator/huawei/huawei-auth.js';
import { DEFAULT_HUAWEI_PROJECT } from '../../emulator/huawei/huawei-server.js';
import { HUAWEI_PROJECT, HUAWEI_REGION } from '../../kms/huawei/huawei-http.js';
import { type Command, usageError } from '../io.js';

const DEFAULT_HUAWEI_REGION = 'ap-southeast-1';

const usage = `keyrite emulator [--port N] [--state FILE] [--region REGION] [--account ID]
                 [--huawei-port N [--huawei-region REGION] [--huawei-project ID]]

Runs the embedded AWS KMS emulator in the foreground on 127.0.0.1, for rehearsals with no AWS
account. Point the AWS CLI or SDKs at it with --endpoint-url; any credentials are accepted. One
emulator serves every region: each request is served in the region it is signed for (the AWS CLI's
--region, the SDK client's region), and keys are found only in the region that holds them.

  --port N       TCP port to listen on (default: a free port, printed at start)
  --state FILE   keep keys, aliases and import parameters in this SQLite file across restarts
                 (default: memory only). The file holds emulated key material: rehearsal use only.
  --region REGION  the region of unsigned requests, such as a hand-written curl (default us-east-1)
  --account ID     the 12-digit account it pretends to be (default 111122223333)
  --huawei-port N  also serve Huawei Cloud KMS v1.0 on this port (0: a free one), over the same state
  --huawei-region REGION  the one Huawei region it serves (default ${DEFAULT_HUAWEI_REGION})
  --huawei-project ID     the one Huawei project it serves, 32 hex digits (default ${DEFAULT_HUAWEI_PROJECT})

Accounts: the emulator holds the keys of one account (--account). A request signed with the access
key id KEYRITE<12-digit account id> (for example KEYRITE444455556666; any secret) comes from that
other account: it reaches keys only by key ARN (or alias ARN), for the operations AWS allows across
accounts, and only as the key policy or a grant allows (AccessDeniedException otherwise). Any other
access key id is the emulator's own account, allowed everything. See docs/EMULATOR-FIDELITY.md.

Prints "listening on http://127.0.0.1:PORT" when ready (with --huawei-port also "huawei listening on
…", its project and the HUAWEICLOUD_SDK_* variables its signature check accepts: emulator-only keys);
stops cleanly on Ctrl-C (SIGINT) or SIGTERM.

example:
  keyrite emulator --port 4599 --state rehearsal-kms.db
  aws kms list-keys --endpoint-url http://127.0.0.1:4599     (in another terminal)
  keyrite emulator --port 4599 --huawei-port 4600             (AWS and Huawei Cloud)
  AWS_ACCESS_KEY_ID=KEYRITE444455556666 aws kms sign --endpoint-url http://127.0.0.1:4599 \
    --key-id arn:aws:kms:us-east-1:111122223333:key/… …       (as account 444455556666)`;

function parsePort(text: string | undefined, flag = '--port'): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw usageError(`${flag} must be a number from 0 to 65535, not "${text}"`, usage);
  return port;
}

export const command: Command = {
  usage,
  async run(args, io) {
    let values: {
      port?: string;
      state?: string;
      region?: string;
      account?: string;
      'huawei-port'?: string;
      'huawei-region'?: string;
      'huawei-project'?: string;
    };
    try {
      ({ values } = parseArgs({
        args,
        options: {
          port: { type: 'string' },
          state: { type: 'string' },
          region: { type: 'string' },
          account: { type: 'string' },
          'huawei-port': { type: 'string' },
          'huawei-region': { type: 'string' },
          'huawei-project': { type: 'string' },
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
    const huawei = huaweiOptions(values);
    if (huawei && port !== undefined && port !== 0 && port === huawei.port)
      throw usageError('--port and --huawei-port must differ: each dialect has its own listener', usage);
    let emulator;
    try {
      emulator = await startEmulator({
        ...(port === undefined ? {} : { port }),
        ...(values.state ? { statePath: values.state } : {}),
        ...(values.region ? { region: values.region } : {}),
        ...(values.account ? { accountId: values.account } : {}),
        ...(huawei ? { huawei } : {}),
        // The size AWS's import examples and the Huawei dialect use, ready before the first request.
        prepareWrappingKeys: ['RSA_2048'],
      });
    } catch (e) {
      if (e instanceof KeyriteError) throw e;
      const code = (e as { code?: string }).code;
      if (code === 'EADDRINUSE') {
        throw new KeyriteError(
          'EMULATOR_PORT_IN_USE',
          `port ${port ?? 0}${huawei ? ` or --huawei-port ${huawei.port}` : ''} on 127.0.0.1 is already in use`,
          'choose other ports (the two must differ), or use 0 to pick free ones',
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
    if (emulator.huawei && huawei) {
      io.out(`huawei listening on ${emulator.huawei.url}`);
      io.out(`huawei region ${huawei.region}, project ${huawei.projectId}; sign with (emulator-only keys):`);
      io.out(
        `  HUAWEICLOUD_SDK_AK=${HUAWEI_EMULATOR_CREDENTIALS.accessKey} HUAWEICLOUD_SDK_SK=${HUAWEI_EMULATOR_CREDENTIALS.secretKey} HUAWEICLOUD_SDK_PROJECT_ID=${huawei.projectId}`,
      );
    }
    if (values.state) io.out(`state: ${values.state}`);
    const signal = await stopped;
    await emulator.close();
    io.out(`stopped (${signal})`);
    return 0;
  },
};

/** The Huawei dialect's settings, when --huawei-port asks for it; the other --huawei-* flags need it. */
function huaweiOptions(v: {
  'huawei-port'?: string;
  'huawei-region'?: string;
  'huawei-project'?: string;
}): { port: number; region: string; projectId: string } | undefined {
  if (v['huawei-port'] === undefined) {
    if (v['huawei-region'] !== undefined || v['huawei-project'] !== undefined)
      throw usageError(
        '--huawei-region and --huawei-project need --huawei-port (0 picks a free port)',
        usage,
      );
    return undefined;
  }
  const port = parsePort(v['huawei-port'], '--huawei-port') ?? 0;
  const region = v['huawei-region'] ?? DEFAULT_HUAWEI_REGION;
  if (!HUAWEI_REGION.test(region))
    throw usageError(
      `--huawei-region must be a Huawei Cloud region id such as ap-southeast-1, not "${region}"`,
      usage,
    );
  const projectId = v['huawei-project'] ?? DEFAULT_HUAWEI_PROJECT;
  if (!HUAWEI_PROJECT.test(projectId))
    throw usageError(`--huawei-project must be 32 lower-case hex digits, not "${projectId}"`, usage);
  return { port, region, projectId };
}

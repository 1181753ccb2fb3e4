import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorState } from './emulator-state.js';
import { IDLE_CONNECTION_MS, createRequestHandler } from './server.js';
import { openSqlitePersister } from './sqlite-persister.js';
import { memoryPersister } from './state-types.js';
import { type RunningHuaweiDialect, startHuaweiDialect } from './huawei/huawei-server.js';
import { type RsaWrappingKeySpec, prepareWrappingKeyPair } from './wrapping-keys.js';

export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** SQLite file that keeps state across restarts; absent keeps everything in memory. */
  statePath?: string;
  /** Source of time for expiry and deletion windows; tests inject one. */
  clock?: () => Date;
  /**
   * The region of unsigned requests. Signed requests (every SDK and the AWS CLI) carry their own
   * region in the SigV4 credential scope, and one emulator serves them all.
   */
  region?: string;
  accountId?: string;
  /** Also serve Huawei Cloud KMS (its own listener, the same state) for one project in one region. */
  huawei?: { port?: number; projectId: string; region: string };
  /**
   * Wrapping keys to generate in the background once listening, for a client known to ask for them
   * (a rehearsal's plan names its spec): see prepareWrappingKeyPair.
   */
  prepareWrappingKeys?: readonly RsaWrappingKeySpec[];
}

export interface RunningEmulator {
  url: string;
  port: number;
  /** The Huawei dialect's listener, when `huawei` was asked for. */
  huawei?: RunningHuaweiDialect;
  close(): Promise<void>;
}

export const DEFAULT_EMULATOR_REGION = 'us-east-1';
export const DEFAULT_EMULATOR_ACCOUNT = '111122223333';

/** Starts the embedded AWS KMS emulator on loopback and resolves once it accepts connections. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const persister = opts.statePath ? openSqlitePersister(opts.statePath) : memoryPersister;
  const state = new EmulatorState(
    opts.region ?? DEFAULT_EMULATOR_REGION,
    opts.accountId ?? DEFAULT_EMULATOR_ACCOUNT,
    opts.clock ?? (() => new Date()),
    persister,
  );
  const server = createServer(createRequestHandler(state));
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    state.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const stopAws = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  let huawei: RunningHuaweiDialect | undefined;
  if (opts.huawei) {
    try {
      huawei = await startHuaweiDialect({ state, ...opts.huawei });
    } catch (e) {
      await stopAws();
      state.close();
      throw e;
    }
  }
  for (const spec of opts.prepareWrappingKeys ?? []) prepareWrappingKeyPair(spec);
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    ...(huawei ? { huawei } : {}),
    close() {
      closed ??= Promise.all([stopAws(), huawei?.close()]).then(() => state.close());
      return closed;
    },
  };
}

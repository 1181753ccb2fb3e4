import { existsSync, readdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { RunningEmulator } from '../../emulator/index.js';

/**
 * The emulator's modules, loaded on first use: an offline station (which never starts one) must not
 * even load them — its composition is checked for that (test/integration/airgap/app-offline.test.ts).
 */
async function emulatorModules() {
  const [index, huawei, merge, scope] = await Promise.all([
    import('../../emulator/index.js'),
    import('../../emulator/huawei/huawei-auth.js'),
    import('../../emulator/merge-state.js'),
    import('../../emulator/sigv4-scope.js'),
  ]);
  return {
    startEmulator: index.startEmulator,
    DEFAULT_EMULATOR_ACCOUNT: index.DEFAULT_EMULATOR_ACCOUNT,
    HUAWEI_EMULATOR_CREDENTIALS: huawei.HUAWEI_EMULATOR_CREDENTIALS,
    mergeStateFiles: merge.mergeStateFiles,
    REGION_NAME: scope.REGION_NAME,
  };
}
type EmulatorModules = Awaited<ReturnType<typeof emulatorModules>>;

export interface HuaweiEmulatorEndpoint {
  url: string;
  accessKey: string;
  secretKey: string;
}

/**
 * Embedded KMS emulators for rehearsal mode: one per emulated account, serving every region (each
 * request names its region in its signature), started on first use, closed at exit.
 */
export class Emulators {
  readonly #running = new Map<string, Promise<RunningEmulator>>();

  /** With a state directory, each account's keys live in a file there, so a rehearsal survives a restart. */
  constructor(private readonly stateDirectory?: string) {}

  /**
   * The endpoint for `accountId`. `region` only sets the region of unsigned requests when the
   * account's emulator is first started; SDK clients sign, and get the region they sign for.
   */
  async urlFor(region: string, account?: string): Promise<string> {
    const lib = await emulatorModules();
    const accountId = account ?? lib.DEFAULT_EMULATOR_ACCOUNT;
    let e = this.#running.get(accountId);
    if (!e) {
      e = lib.startEmulator({
        region,
        accountId,
        ...(this.stateDirectory ? { statePath: this.#stateFile(lib, this.stateDirectory, accountId) } : {}),
      });
      this.#running.set(accountId, e);
      // A failed start is not cached: the next call tries again.
      void e.catch(() => this.#running.delete(accountId));
    }
    return (await e).url;
  }

  /**
   * The Huawei Cloud KMS endpoint for one project in one region (the dialect serves exactly one), with
   * the emulator-only access key its signature check accepts. Its state file is its own.
   */
  async huaweiFor(region: string, projectId: string): Promise<HuaweiEmulatorEndpoint> {
    const lib = await emulatorModules();
    const name = `huawei-${region}-${projectId}`;
    let e = this.#running.get(name);
    if (!e) {
      e = lib.startEmulator({
        region,
        huawei: { projectId, region },
        ...(this.stateDirectory
          ? { statePath: path.join(this.stateDirectory, `kms-emulator-${name}.sqlite`) }
          : {}),
      });
      this.#running.set(name, e);
      void e.catch(() => this.#running.delete(name));
    }
    const url = (await e).huawei?.url;
    if (!url) throw new Error('the emulator started without its Huawei dialect');
    return { url, ...lib.HUAWEI_EMULATOR_CREDENTIALS };
  }

  /**
   * `kms-emulator-<account>.sqlite`. Earlier versions kept one file per region
   * (`kms-emulator-<region>-<account>.sqlite`); those are merged in once and renamed `.merged`.
   */
  #stateFile(lib: EmulatorModules, dir: string, accountId: string): string {
    const file = path.join(dir, `kms-emulator-${accountId}.sqlite`);
    const prefix = 'kms-emulator-';
    const suffix = `-${accountId}.sqlite`;
    const legacy = existsSync(dir)
      ? readdirSync(dir)
          .filter(
            (n) =>
              n.startsWith(prefix) &&
              n.endsWith(suffix) &&
              lib.REGION_NAME.test(n.slice(prefix.length, n.length - suffix.length)),
          )
          .map((n) => path.join(dir, n))
      : [];
    if (legacy.length > 0) {
      lib.mergeStateFiles(file, legacy);
      for (const f of legacy) renameSync(f, `${f}.merged`);
    }
    return file;
  }

  async close(): Promise<void> {
    const all = [...this.#running.values()];
    this.#running.clear();
    for (const e of all) {
      const running = await e.catch(() => undefined);
      await running?.close();
    }
  }
}

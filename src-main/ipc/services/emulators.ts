import path from 'node:path';
import { DEFAULT_EMULATOR_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator/index.js';

/** Embedded KMS emulators for rehearsal mode, one per region, started on first use, closed at exit. */
export class Emulators {
  readonly #running = new Map<string, Promise<RunningEmulator>>();

  /** With a state directory, each emulator keeps its keys in a file there, so a rehearsal survives a restart. */
  constructor(private readonly stateDirectory?: string) {}

  async urlFor(region: string, accountId = DEFAULT_EMULATOR_ACCOUNT): Promise<string> {
    const key = `${region}/${accountId}`;
    let e = this.#running.get(key);
    if (!e) {
      e = startEmulator({
        region,
        accountId,
        ...(this.stateDirectory
          ? { statePath: path.join(this.stateDirectory, `kms-emulator-${region}-${accountId}.sqlite`) }
          : {}),
      });
      this.#running.set(key, e);
    }
    return (await e).url;
  }

  async close(): Promise<void> {
    const all = [...this.#running.values()];
    this.#running.clear();
    for (const e of all) await (await e).close();
  }
}

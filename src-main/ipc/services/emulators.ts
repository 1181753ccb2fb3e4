import { DEFAULT_EMULATOR_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator/index.js';

/** Embedded KMS emulators for rehearsal mode, one per region, started on first use, closed at exit. */
export class Emulators {
  readonly #running = new Map<string, Promise<RunningEmulator>>();

  async urlFor(region: string, accountId = DEFAULT_EMULATOR_ACCOUNT): Promise<string> {
    const key = `${region}/${accountId}`;
    let e = this.#running.get(key);
    if (!e) {
      e = startEmulator({ region, accountId });
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

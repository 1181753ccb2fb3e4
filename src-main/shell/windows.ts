// Creates Keyrite's two windows, both with the same hardened preferences; keeps the set of their
// webContents ids so IPC can tell our windows from any other.
import { BrowserWindow } from 'electron';
import { MAIN_WINDOW_URL, WITNESS_WINDOW_URL } from './app-origin.js';
import { secureWebPreferences } from './web-preferences.js';

export class Windows {
  readonly #ids = new Set<number>();
  #main: BrowserWindow | null = null;
  #witness: BrowserWindow | null = null;

  constructor(
    private readonly preloadPath: string,
    private readonly devTools: boolean,
  ) {}

  isKnown = (webContentsId: number): boolean => this.#ids.has(webContentsId);

  all(): BrowserWindow[] {
    return [this.#main, this.#witness].filter((w): w is BrowserWindow => w !== null && !w.isDestroyed());
  }

  async openMain(): Promise<BrowserWindow> {
    if (this.#main && !this.#main.isDestroyed()) return this.#main;
    this.#main = await this.#create(MAIN_WINDOW_URL, 'Keyrite');
    this.#main.on('closed', () => (this.#main = null));
    return this.#main;
  }

  async openWitness(): Promise<void> {
    if (this.#witness && !this.#witness.isDestroyed()) {
      this.#witness.focus();
      return;
    }
    this.#witness = await this.#create(WITNESS_WINDOW_URL, 'Keyrite — witness display');
    this.#witness.on('closed', () => (this.#witness = null));
  }

  async #create(url: string, title: string): Promise<BrowserWindow> {
    const win = new BrowserWindow({
      title,
      width: 1200,
      height: 820,
      show: false,
      backgroundColor: '#f7f7f5',
      webPreferences: secureWebPreferences(this.preloadPath, this.devTools),
    });
    const id = win.webContents.id;
    this.#ids.add(id);
    win.on('closed', () => this.#ids.delete(id));
    win.once('ready-to-show', () => win.show());
    await win.loadURL(url);
    return win;
  }
}

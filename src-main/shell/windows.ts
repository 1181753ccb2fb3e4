// Creates Keyrite's two windows, both with the same hardened preferences; keeps the set of their
// webContents ids so IPC can tell our windows from any other. The preload is registered on the
// session (shell/preload.ts), not per window.
import { BrowserWindow } from 'electron';
import { MAIN_WINDOW_URL, WITNESS_WINDOW_URL } from './app-origin.js';

export class Windows {
  readonly #ids = new Set<number>();
  #main: BrowserWindow | null = null;
  #witness: BrowserWindow | null = null;

  constructor(private readonly devTools: boolean) {}

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
      // Written out here, not built elsewhere, so static analysis sees every value; a unit test holds
      // this literal to CHECKLIST_WEB_PREFERENCES (web-preferences.ts).
      webPreferences: {
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webviewTag: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        enableBlinkFeatures: '',
        disableBlinkFeatures: 'Auxclick',
        navigateOnDragDrop: false,
        spellcheck: false,
        safeDialogs: true,
        devTools: this.devTools,
      },
    });
    const id = win.webContents.id;
    this.#ids.add(id);
    win.on('closed', () => this.#ids.delete(id));
    win.once('ready-to-show', () => win.show());
    await win.loadURL(url);
    return win;
  }
}

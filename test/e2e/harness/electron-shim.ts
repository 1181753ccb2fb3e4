/**
 * Stands in for `electron` when the harness bundles src-main/preload.ts for Chromium: ipcRenderer and
 * contextBridge over a loopback HTTP transport to the harness, which hands each call to the same
 * main-side handlers the app registers on ipcMain. Test-only; never shipped.
 *
 * The per-run token is put on the page by the harness's init script before this runs.
 */
type Listener = (event: unknown, payload: unknown) => void;

interface HarnessConfig {
  token: string;
}

const config = (globalThis as { __keyriteHarness?: HarnessConfig }).__keyriteHarness;
const token = config?.token ?? '';
const listeners = new Map<string, Set<Listener>>();
let stream: EventSource | null = null;

function ensureStream(): void {
  if (stream) return;
  stream = new EventSource(`/__keyrite/events?token=${encodeURIComponent(token)}`);
  stream.onmessage = (message: MessageEvent<string>) => {
    const { channel, payload } = JSON.parse(message.data) as { channel: string; payload: unknown };
    for (const l of listeners.get(channel) ?? []) l({ sender: null }, payload);
  };
}

export const ipcRenderer = {
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    const response = await fetch(`/__keyrite/ipc/${encodeURIComponent(channel)}`, {
      method: 'POST',
      // Origin and Referer are set by the browser, not by page script: the harness derives the
      // sender's URL from them as Electron derives it from the real frame.
      referrerPolicy: 'same-origin',
      headers: {
        'content-type': 'application/json',
        'x-keyrite-token': token,
        'x-keyrite-frame': window.top === window ? 'top' : 'sub',
      },
      // Electron's structured clone carries a Uint8Array as bytes; over this HTTP loopback it travels
      // as a list of numbers, so a secret sent as bytes is never text here either.
      body: JSON.stringify({ args }, (_key, value: unknown) =>
        value instanceof Uint8Array ? { $bytes: Array.from(value) } : value,
      ),
    });
    if (!response.ok) throw new Error(`transport ${response.status}`);
    return response.json();
  },
  on(channel: string, listener: Listener): void {
    ensureStream();
    if (!listeners.has(channel)) listeners.set(channel, new Set());
    listeners.get(channel)?.add(listener);
  },
  removeListener(channel: string, listener: Listener): void {
    listeners.get(channel)?.delete(listener);
  },
};

export const contextBridge = {
  exposeInMainWorld(name: string, api: unknown): void {
    Object.defineProperty(window, name, {
      value: api,
      writable: false,
      configurable: false,
      enumerable: true,
    });
  },
};

export type IpcRendererEvent = unknown;

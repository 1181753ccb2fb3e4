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
/** This page's stream: events, and (as in Electron, on the same ordered pipe) the replies to its calls. */
const streamId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
const pending = new Map<number, (result: unknown) => void>();
let calls = 0;
/** Resolves true once the stream is open, false when the harness refuses it (a foreign page). */
let opened: Promise<boolean> | null = null;

function ensureStream(): Promise<boolean> {
  if (opened) return opened;
  const stream = new EventSource(
    `/__keyrite/events?token=${encodeURIComponent(token)}&stream=${encodeURIComponent(streamId)}`,
  );
  opened = new Promise<boolean>((resolve) => {
    stream.onopen = () => resolve(true);
    stream.onerror = () => {
      // Refused before it opened: replies come in the HTTP body instead (nothing to keep in order).
      if (stream.readyState === EventSource.CLOSED) resolve(false);
    };
  });
  stream.onmessage = (message: MessageEvent<string>) => {
    const data = JSON.parse(message.data) as
      { channel: string; payload: unknown } | { reply: number; result: unknown };
    if ('reply' in data) {
      pending.get(data.reply)?.(data.result);
      pending.delete(data.reply);
      return;
    }
    for (const l of listeners.get(data.channel) ?? []) l({ sender: null }, data.payload);
  };
  return opened;
}

export const ipcRenderer = {
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    const ordered = await ensureStream();
    const call = ++calls;
    const reply = ordered ? new Promise<unknown>((resolve) => pending.set(call, resolve)) : null;
    const response = await fetch(`/__keyrite/ipc/${encodeURIComponent(channel)}`, {
      method: 'POST',
      // Origin and Referer are set by the browser, not by page script: the harness derives the
      // sender's URL from them as Electron derives it from the real frame.
      referrerPolicy: 'same-origin',
      headers: {
        'content-type': 'application/json',
        'x-keyrite-token': token,
        'x-keyrite-frame': window.top === window ? 'top' : 'sub',
        ...(ordered ? { 'x-keyrite-stream': streamId, 'x-keyrite-call': String(call) } : {}),
      },
      // Electron's structured clone carries a Uint8Array as bytes; over this HTTP loopback it travels
      // as a list of numbers, so a secret sent as bytes is never text here either.
      body: JSON.stringify({ args }, (_key, value: unknown) =>
        value instanceof Uint8Array ? { $bytes: Array.from(value) } : value,
      ),
    });
    if (!response.ok) {
      pending.delete(call);
      throw new Error(`transport ${response.status}`);
    }
    if (response.status === 202 && reply) return reply;
    pending.delete(call);
    return response.json();
  },
  on(channel: string, listener: Listener): void {
    void ensureStream();
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

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { IpcMainLike } from '../../../src-main/ipc/register-handlers.js';
import type { SenderEventLike } from '../../../src-main/ipc/sender.js';
import { RENDERER_SECURITY_HEADERS } from '../../../src-shared/ipc/csp.js';
import { resolveRendererFile } from '../../../src-main/shell/renderer-files.js';

/**
 * The harness's stand-in for Electron's main process plumbing: an ipcMain-like object whose handlers
 * are reached over loopback HTTP (127.0.0.1, random port, a per-run token), an event stream in place
 * of webContents.send, and the renderer served with the same files and security headers as the
 * app:// protocol. Test-only.
 */
export interface IpcExchange {
  channel: string;
  request: string;
  response: string;
  /** Every string value of the request as main received it. */
  strings: string[];
  /** How many byte arrays (Uint8Array) the request carried. */
  byteArrays: number;
}

export interface HarnessServer {
  origin: string;
  /** The same server under another host name: a different origin, for the untrusted-sender tests. */
  foreignOrigin: string;
  token: string;
  ipcMain: IpcMainLike;
  sink: (channel: string, payload: unknown) => void;
  /** Every IPC call and event that crossed, as the exact text sent to the page. */
  exchanges: IpcExchange[];
  events: string[];
  /** Extra pages for attack scenarios, served without the app's CSP. */
  servePage(pathname: string, html: string): void;
  close(): Promise<void>;
}

/** Far above any operation's own limit, so oversized requests reach the handlers and are refused there. */
const TRANSPORT_LIMIT = 1024 * 1024;

type Listener = (event: SenderEventLike, ...args: unknown[]) => Promise<unknown>;

export async function startHarnessServer(rendererRoot: string): Promise<HarnessServer> {
  const token = randomBytes(24).toString('hex');
  const handlers = new Map<string, Listener>();
  /** Each page's event stream, by the id its shim chose: events and that page's replies share it. */
  const streams = new Map<string, http.ServerResponse>();
  const pages = new Map<string, string>();
  const exchanges: IpcExchange[] = [];
  const events: string[] = [];

  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => void handlers.delete(channel),
  };

  const tokenOk = (given: string | undefined | null) => {
    const a = Buffer.from(given ?? '');
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const server = http.createServer((req, res) => {
    void route(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://harness.invalid');
    if (req.method === 'OPTIONS') {
      // In Electron any frame holding the preload can reach ipcMain; the harness lets any origin
      // reach the handlers too, so refusing foreign senders is the handlers' job, as in the app.
      res.writeHead(204, {
        'access-control-allow-origin': req.headers.origin ?? '*',
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers':
          'content-type, x-keyrite-token, x-keyrite-frame, x-keyrite-stream, x-keyrite-call',
      });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/__keyrite/ipc/') && req.method === 'POST')
      return ipc(req, res, decodeURIComponent(url.pathname.slice(15)));
    if (url.pathname === '/__keyrite/events' && req.method === 'GET') return stream(req, res, url);
    const page = pages.get(url.pathname);
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page);
      return;
    }
    const file = req.method === 'GET' ? resolveRendererFile(rendererRoot, url.pathname) : null;
    if (!file) {
      res.writeHead(404, { ...RENDERER_SECURITY_HEADERS });
      res.end('not found');
      return;
    }
    const body = await readFile(file.path).catch(() => null);
    res.writeHead(body ? 200 : 404, { ...RENDERER_SECURITY_HEADERS, 'content-type': file.contentType });
    res.end(body ?? 'not found');
  }

  async function ipc(req: http.IncomingMessage, res: http.ServerResponse, channel: string): Promise<void> {
    const cors = {
      'access-control-allow-origin': req.headers.origin ?? '*',
      'content-type': 'application/json',
    };
    if (!tokenOk(req.headers['x-keyrite-token'] as string | undefined)) {
      res.writeHead(403, cors);
      res.end('{}');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > TRANSPORT_LIMIT) {
        res.writeHead(413, cors);
        res.end('{}');
        return;
      }
      chunks.push(c as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let args: unknown[];
    try {
      // Byte arrays arrive as Uint8Arrays, as Electron's structured clone delivers them (electron-shim.ts).
      const body = JSON.parse(text, (_key, value: unknown) =>
        value !== null && typeof value === 'object' && Array.isArray((value as { $bytes?: unknown }).$bytes)
          ? Uint8Array.from((value as { $bytes: number[] }).$bytes)
          : value,
      ) as { args?: unknown };
      if (!Array.isArray(body.args)) throw new Error('no args');
      args = body.args;
    } catch {
      res.writeHead(400, cors);
      res.end('{}');
      return;
    }
    const handler = handlers.get(channel);
    if (!handler) {
      res.writeHead(404, cors);
      res.end('{}');
      return;
    }
    // What main received, before the handler zeroes the byte arrays: every string, and how many byte arrays.
    const strings: string[] = [];
    let byteArrays = 0;
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (v instanceof Uint8Array) byteArrays++;
      else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) walk(x);
    };
    walk(args);
    const result = await handler(senderOf(req), ...args);
    const out = JSON.stringify(result);
    exchanges.push({ channel, request: text, response: out, strings, byteArrays });
    // Electron delivers an invoke's reply on the same ordered pipe as webContents.send: events sent
    // while the handler ran arrive first, later ones after. Two HTTP connections would let a reply
    // overtake an event (or an event a reply), so the page sees states out of order that the app never
    // shows. A page with an open stream gets its reply there, in order; others in the body.
    const replyTo = streams.get(String(req.headers['x-keyrite-stream'] ?? ''));
    const call = Number(req.headers['x-keyrite-call']);
    if (replyTo && Number.isSafeInteger(call)) {
      replyTo.write(`data: ${JSON.stringify({ reply: call, result })}\n\n`);
      res.writeHead(202, cors);
      res.end('{}');
      return;
    }
    res.writeHead(200, cors);
    res.end(out);
  }

  function stream(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    if (
      !tokenOk(url.searchParams.get('token')) ||
      senderOf(req, true).senderFrame?.url.startsWith(origin) !== true
    ) {
      res.writeHead(403);
      res.end();
      return;
    }
    const id = url.searchParams.get('stream') || randomBytes(8).toString('hex');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write(': open\n\n');
    streams.set(id, res);
    req.on('close', () => {
      if (streams.get(id) === res) streams.delete(id);
    });
  }

  const sink = (channel: string, payload: unknown) => {
    const data = JSON.stringify({ channel, payload });
    events.push(data);
    for (const s of streams.values()) s.write(`data: ${data}\n\n`);
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  /**
   * The sender as Electron would report it. The URL comes from Origin/Referer, which page script
   * cannot set; whether the caller is the top frame is reported by the shim (harness limitation:
   * Electron knows it for certain; the unit tests cover the subframe refusal).
   */
  function senderOf(req: http.IncomingMessage, allowMissingOrigin = false): SenderEventLike {
    const originHeader = req.headers.origin ?? (allowMissingOrigin ? hostOrigin(req) : undefined);
    const referer = req.headers.referer;
    let url = originHeader ? `${originHeader}/` : '';
    if (referer && originHeader && referer.startsWith(`${originHeader}/`)) url = referer;
    return {
      senderFrame: url
        ? { url, parent: req.headers['x-keyrite-frame'] === 'top' || allowMissingOrigin ? null : {} }
        : null,
      sender: { id: 1 },
    };
  }

  return {
    origin,
    foreignOrigin: `http://localhost:${port}`,
    token,
    ipcMain,
    sink,
    exchanges,
    events,
    servePage: (pathname, html) => void pages.set(pathname, html),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams.values()) s.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** EventSource sends no Origin on same-origin GETs; the Host header names the origin then. */
function hostOrigin(req: http.IncomingMessage): string {
  return `http://${req.headers.host ?? ''}`;
}

export const rendererRootDefault = path.resolve(__dirname, '..', '..', '..', 'dist', 'renderer');

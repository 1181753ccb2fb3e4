import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What can go wrong between a station and KMS, as the station sees it:
 * - throttle: KMS refuses at once (400 ThrottlingException); nothing ran;
 * - unavailable: KMS answers 500 KMSInternalException without running the request;
 * - error-after: the request ran, but the answer is lost and a 500 comes back instead;
 * - drop-before: the connection breaks before the request reaches KMS;
 * - drop-after: the request ran, then the connection breaks before the answer;
 * - stall-after: the request ran, and no answer comes until the station gives up waiting;
 * - slow: the answer comes, late.
 */
export const FAULTS = [
  'throttle',
  'unavailable',
  'error-after',
  'drop-before',
  'drop-after',
  'stall-after',
  'slow',
] as const;
export type Fault = (typeof FAULTS)[number];

/** Decides the fault (or none) for the n-th request of an operation. */
export type FaultPlan = (operation: string, n: number) => Fault | undefined;

export interface FaultProxy {
  url: string;
  /** Every request seen: the operation (X-Amz-Target's action) and the fault given to it, if any. */
  readonly seen: { operation: string; fault: Fault | undefined }[];
  /** Replace the fault plan (e.g. none, for the resumed run). */
  plan(p: FaultPlan): void;
  close(): Promise<void>;
}

const json = (type: string, message: string) => JSON.stringify({ __type: type, message });

/** mulberry32: a small seeded generator, so a failing campaign run can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded plan: each request gets a fault with probability `rate`, the kind drawn evenly. */
export function randomFaults(seed: number, rate: number): FaultPlan {
  const next = seeded(seed);
  return () => (next() < rate ? FAULTS[Math.floor(next() * FAULTS.length)] : undefined);
}

/**
 * An HTTP proxy between the gateway and the emulator that injects faults into KMS's JSON protocol.
 * `stallMs` is how long a stalled answer is held before the connection is closed (the gateway's own
 * request timeout may end it sooner).
 */
export async function startFaultProxy(
  upstream: string,
  o: { stallMs?: number; slowMs?: number } = {},
): Promise<FaultProxy> {
  const target = new URL(upstream);
  const seen: FaultProxy['seen'] = [];
  const counts = new Map<string, number>();
  let current: FaultPlan = () => undefined;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, f: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  };

  function forward(
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: target.host };
      const up = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const h: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers))
              if (typeof v === 'string' && !['content-length', 'connection', 'transfer-encoding'].includes(k))
                h[k] = v;
            resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
          });
          res.on('error', reject);
        },
      );
      up.on('error', reject);
      up.end(body);
    });
  }

  function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string) {
    res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        // KMS names the action in X-Amz-Target; STS (GetCallerIdentity) in the form body.
        const target = req.headers['x-amz-target'];
        const operation =
          typeof target === 'string'
            ? (target.split('.').pop() ?? target)
            : (new URLSearchParams(body.toString('utf8')).get('Action') ?? String(req.url));
        const n = (counts.get(operation) ?? 0) + 1;
        counts.set(operation, n);
        const fault = current(operation, n);
        seen.push({ operation, fault });
        const kms = { 'content-type': 'application/x-amz-json-1.1' };
        switch (fault) {
          case 'throttle':
            return send(res, 400, kms, json('ThrottlingException', 'Rate exceeded'));
          case 'unavailable':
            return send(res, 500, kms, json('KMSInternalException', 'the fault proxy refused the request'));
          case 'drop-before':
            return req.socket.destroy();
          default:
        }
        const answer = await forward(req, body);
        switch (fault) {
          case 'error-after':
            return send(res, 500, kms, json('KMSInternalException', 'the fault proxy lost the answer'));
          case 'drop-after':
            return req.socket.destroy();
          case 'stall-after':
            return later(o.stallMs ?? 1_500, () => req.socket.destroy());
          case 'slow':
            return later(o.slowMs ?? 150, () => send(res, answer.status, answer.headers, answer.body));
          default:
            return send(res, answer.status, answer.headers, answer.body);
        }
      })().catch(() => req.socket.destroy());
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    plan(p) {
      current = p;
      counts.clear();
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

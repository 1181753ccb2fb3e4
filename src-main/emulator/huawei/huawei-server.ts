import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorState } from '../emulator-state.js';
import { verifySignature } from './huawei-auth.js';
import { HuaweiServiceError } from './huawei-error.js';
import { HUAWEI_OPERATIONS, type HuaweiContext, tagAction } from './huawei-ops.js';
import { IDLE_CONNECTION_MS } from '../server.js';

const MAX_BODY = 1 << 20;
const PATH = /^\/v1\.0\/([0-9a-f]{32})\/kms\/([a-z-]+|[0-9a-z-]{36}\/tags\/action)$/;

export interface HuaweiDialectOptions {
  state: EmulatorState;
  /** The region the project lives in; defaults to the emulator's default region. */
  region?: string;
  /** The one project the dialect serves; requests for another answer KMS.0201. */
  projectId: string;
  domainId?: string;
  port?: number;
}

export interface RunningHuaweiDialect {
  url: string;
  port: number;
  projectId: string;
  close(): Promise<void>;
}

export const DEFAULT_HUAWEI_PROJECT = '0123456789abcdef0123456789abcdef';
export const DEFAULT_HUAWEI_DOMAIN = 'fedcba9876543210fedcba9876543210';

/**
 * Huawei Cloud KMS v1.0 (POST /v1.0/{project_id}/kms/{operation}, JSON, SDK-HMAC-SHA256) on its own
 * loopback listener, over the same emulator state as the AWS dialect. Requests run one at a time.
 */
export async function startHuaweiDialect(opts: HuaweiDialectOptions): Promise<RunningHuaweiDialect> {
  const ctx: HuaweiContext = {
    state: opts.state.region(opts.region ?? opts.state.defaultRegion),
    domainId: opts.domainId ?? DEFAULT_HUAWEI_DOMAIN,
  };
  let queue: Promise<void> = Promise.resolve();
  const server = createServer((req, res) => {
    queue = queue.then(() => handle(ctx, opts.projectId, req, res)).catch(() => undefined);
  });
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    projectId: opts.projectId,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

async function handle(
  ctx: HuaweiContext,
  projectId: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let raw: Buffer | undefined;
  try {
    raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = PATH.exec(url.pathname);
    if (req.method !== 'POST' || !m || m[1] !== projectId)
      throw new HuaweiServiceError('KMS.0201', 'Invalid request URL.');
    verifySignature('POST', url, req.headers, raw, ctx.state.now());
    const op = m[2] as string;
    const handler = op.endsWith('/tags/action') ? tagAction(op.slice(0, 36)) : HUAWEI_OPERATIONS[op];
    if (!handler) throw new HuaweiServiceError('KMS.0201', 'Invalid request URL.');
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      throw new HuaweiServiceError('KMS.0202', 'Invalid JSON format of the request message.');
    }
    ctx.state.account.tick();
    const out = await handler(ctx, body);
    send(res, 200, JSON.stringify(out));
  } catch (e) {
    if (e instanceof HuaweiServiceError) send(res, e.status, e.body());
    else send(res, 500, new HuaweiServiceError('KEYRITE.EMULATOR', 'Internal error.', 500).body());
  } finally {
    raw?.fill(0);
  }
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY)
    throw new HuaweiServiceError('KMS.0203', 'Request message too long.', 413);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const b = chunk as Buffer;
      size += b.length;
      chunks.push(b);
      if (size > MAX_BODY) throw new HuaweiServiceError('KMS.0203', 'Request message too long.', 413);
    }
    return Buffer.concat(chunks);
  } finally {
    for (const c of chunks) c.fill(0);
  }
}

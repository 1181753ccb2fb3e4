import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorState } from './emulator-state.js';
import { callerOf } from './callers.js';
import { foreignWithoutKey } from './foreign-access.js';
import { KmsServiceError } from './kms-error.js';
import { OPERATIONS } from './operations.js';
import type { Body } from './request-fields.js';
import { signedRegion } from './sigv4-scope.js';
import { isStsRequest, stsResponse } from './sts.js';

const MAX_BODY = 1 << 20;

/**
 * How long an idle client connection stays open. AWS's endpoints keep connections for reuse, and the
 * SDKs reuse them; Node's HTTP client reuses a socket only while the server's Keep-Alive hint leaves
 * more than a second, so the 1 s this once was made every request a new connection (a rehearsal
 * opened 14). Closing the emulator closes every connection, idle or not.
 */
export const IDLE_CONNECTION_MS = 60_000;
const TARGET_PREFIX = 'TrentService.';

function send(
  res: ServerResponse,
  status: number,
  body: string,
  requestId: string,
  errorType?: string,
): void {
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-amz-json-1.1',
    'x-amzn-RequestId': requestId,
    'Content-Length': String(Buffer.byteLength(body)),
  };
  if (errorType) headers['x-amzn-ErrorType'] = errorType;
  res.writeHead(status, headers);
  res.end(body);
}

function sendError(res: ServerResponse, e: KmsServiceError, requestId: string): void {
  const body = e.wireMessage === undefined ? { __type: e.type } : { __type: e.type, message: e.wireMessage };
  send(res, e.status, JSON.stringify(body), requestId, e.type);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  // Refused before reading when the length is declared, so the 413 reaches the client instead of a reset.
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const b = chunk as Buffer;
      size += b.length;
      chunks.push(b);
      if (size > MAX_BODY) throw tooLarge();
    }
    return Buffer.concat(chunks);
  } finally {
    // The body may carry plaintext or wrapped material; only the concatenated copy lives on.
    for (const c of chunks) c.fill(0);
  }
}

function tooLarge(): KmsServiceError {
  return new KmsServiceError('ValidationException', 'Request body is too large.', 413);
}

/**
 * One request: AWS JSON 1.1 for KMS (POST /, X-Amz-Target: TrentService.<Op>), AWS Query for STS.
 * SigV4 signatures are accepted from any credentials without checking: the emulator is a local
 * stand-in, bound to loopback. The access key id says which account calls (callers.ts): the home
 * account is served as before; another account reaches home keys only by ARN, through the key policy. The signature's credential scope names the region the request is
 * for, so one emulator serves every region of the account. Requests are served one at a time so
 * state changes never interleave.
 */
export function createRequestHandler(
  state: EmulatorState,
): (req: IncomingMessage, res: ServerResponse) => void {
  let queue: Promise<void> = Promise.resolve();
  return (req, res) => {
    queue = queue.then(() => handle(state, req, res)).catch(() => undefined);
  };
}

async function handle(state: EmulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  let raw: Buffer | undefined;
  try {
    raw = await readBody(req);
    if (req.method !== 'POST') throw new KmsServiceError('UnknownOperationException', undefined, 404);
    const text = raw.toString('utf8');
    if (isStsRequest(req.headers['content-type'], text)) {
      const region = signedRegion(req.headers.authorization, state.defaultRegion);
      const r = stsResponse(text, callerOf(req.headers.authorization, state.accountId, region).accountId);
      res.writeHead(r.status, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': r.requestId });
      res.end(r.xml);
      return;
    }
    const region = signedRegion(req.headers.authorization, state.defaultRegion);
    const target = req.headers['x-amz-target'];
    const op =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : undefined;
    const handler = op === undefined ? undefined : OPERATIONS[op];
    if (op === undefined || !handler) throw new KmsServiceError('UnknownOperationException', undefined);
    let body: Body;
    try {
      const parsed: unknown = text.length === 0 ? {} : JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      body = parsed as Body;
    } catch {
      throw new KmsServiceError(
        'SerializationException',
        'Start of structure or map found where not expected.',
      );
    }
    state.tick();
    const caller = callerOf(req.headers.authorization, state.accountId, region);
    let out: Record<string, unknown>;
    if (caller.accountId === state.accountId) out = await handler(state.region(region), body);
    else
      out =
        foreignWithoutKey(op, body, caller, state.accountId) ??
        (await handler(state.region(region).viewFor({ caller, operation: op }), body));
    send(res, 200, JSON.stringify(out), requestId);
  } catch (e) {
    if (e instanceof KmsServiceError) sendError(res, e, requestId);
    // Anything else is a bug in the emulator: a 500 with no detail, as AWS does for internal faults.
    else
      sendError(
        res,
        new KmsServiceError('KMSInternalException', 'An internal error occurred.', 500),
        requestId,
      );
  } finally {
    // The request body may carry plaintext or wrapped material: do not leave it in memory.
    raw?.fill(0);
  }
}

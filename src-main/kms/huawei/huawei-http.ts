import { randomUUID } from 'node:crypto';
import { KeyriteError } from '../../../src-shared/errors.js';
import { isLoopbackEndpoint } from '../kms-gateway.js';
import type { HuaweiCredentials } from './credentials.js';
import { huaweiError } from './huawei-errors.js';
import { signRequest } from '../../../src-shared/kms/huawei-signer.js';

export interface HuaweiHttpOptions {
  region: string;
  projectId: string;
  credentials: HuaweiCredentials;
  /** Endpoint override (the embedded emulator's http://127.0.0.1:PORT); default the regional KMS endpoint. */
  endpoint?: string;
  requestTimeoutMs?: number;
  /** Attempts for calls that are safe to repeat (default 3). */
  maxAttempts?: number;
  now?: () => Date;
}

/** A failure after which the request may or may not have reached KMS. */
export class OutcomeUnknown extends Error {}

/** A Huawei Cloud region id (ap-southeast-1, cn-north-4, la-north-2) and a project id (32 lower-case hex). */
export const HUAWEI_REGION = /^[a-z]{2}(-[a-z0-9]+){1,4}$/;
export const HUAWEI_PROJECT = /^[0-9a-f]{32}$/;
const REGION = HUAWEI_REGION;
const PROJECT = HUAWEI_PROJECT;

export function huaweiEndpoint(region: string, endpoint?: string): string {
  if (!REGION.test(region)) {
    throw new KeyriteError(
      'HUAWEI_BAD_REGION',
      `"${region.slice(0, 40)}" is not a Huawei Cloud region id`,
      'use a region id such as ap-southeast-1 or cn-north-4',
    );
  }
  if (!endpoint) return `https://kms.${region}.myhuaweicloud.com`;
  const url = new URL(endpoint);
  if (url.protocol !== 'https:' && !isLoopbackEndpoint(endpoint)) {
    throw new KeyriteError(
      'HUAWEI_INSECURE_ENDPOINT',
      `${url.origin} is not HTTPS`,
      'use https:// (plain http is only for the local emulator on 127.0.0.1)',
    );
  }
  return url.origin;
}

/** One signed JSON call to Huawei KMS v1.0, with retries only where repeating is harmless. */
export function huaweiHttp(opts: HuaweiHttpOptions) {
  if (!PROJECT.test(opts.projectId)) {
    throw new KeyriteError(
      'HUAWEI_BAD_PROJECT',
      'the Huawei Cloud project id must be 32 lowercase hex characters',
      'copy it from My Credentials › API Credentials for the region',
    );
  }
  const base = huaweiEndpoint(opts.region, opts.endpoint);
  const timeout = opts.requestTimeoutMs ?? 30_000;
  const attempts = opts.maxAttempts ?? 3;
  const now = opts.now ?? (() => new Date());

  async function once(operation: string, body: Record<string, unknown>): Promise<unknown> {
    const url = new URL(`/v1.0/${opts.projectId}/kms/${operation}`, base);
    const bytes = Buffer.from(JSON.stringify({ ...body, sequence: randomUUID() }), 'utf8');
    const headers = signRequest(
      {
        method: 'POST',
        url,
        headers: { 'Content-Type': 'application/json;charset=UTF-8', 'X-Project-Id': opts.projectId },
        body: bytes,
      },
      opts.credentials,
      now(),
    );
    delete headers.Host; // fetch sets Host itself, to the same value that was signed
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers, body: bytes, signal: AbortSignal.timeout(timeout) });
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new OutcomeUnknown(`${operation} timed out`);
      throw new OutcomeUnknown(
        `${operation}: ${e instanceof Error ? e.message.slice(0, 120) : 'network error'}`,
      );
    }
    const text = await res.text();
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        if (res.ok)
          throw new KeyriteError(
            'HUAWEI_BAD_RESPONSE',
            `${operation}: Huawei KMS answered with something that is not JSON`,
            'check --endpoint: it must be Huawei KMS or the Keyrite emulator',
          );
      }
    }
    if (!res.ok) {
      if (res.status >= 500 || res.status === 429)
        throw new Retryable(huaweiError(res.status, json, operation));
      throw huaweiError(res.status, json, operation);
    }
    return json ?? {};
  }

  return {
    /** Repeats on network failures, throttling and 5xx; for calls with no effect or a harmless one. */
    async call(operation: string, body: Record<string, unknown>): Promise<unknown> {
      let last: unknown;
      for (let i = 0; i < attempts; i++) {
        try {
          return await once(operation, body);
        } catch (e) {
          last = e;
          if (!(e instanceof OutcomeUnknown || e instanceof Retryable)) throw e;
          await new Promise((r) => setTimeout(r, 200 * 2 ** i));
        }
      }
      if (last instanceof Retryable) throw last.error;
      throw new KeyriteError(
        'HUAWEI_UNREACHABLE',
        `${operation}: Huawei KMS did not answer (${last instanceof Error ? last.message : 'network error'})`,
        `check the network route to ${base} and the region`,
      );
    },
    /** Exactly one attempt; OutcomeUnknown tells the caller to look before doing anything else. */
    async callOnce(operation: string, body: Record<string, unknown>): Promise<unknown> {
      try {
        return await once(operation, body);
      } catch (e) {
        if (e instanceof Retryable) throw e.error;
        throw e;
      }
    },
  };
}

export type HuaweiHttp = ReturnType<typeof huaweiHttp>;

class Retryable extends Error {
  constructor(readonly error: KeyriteError) {
    super(error.message);
  }
}

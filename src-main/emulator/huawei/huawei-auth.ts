import { HUAWEI_EMULATOR_ACCESS_KEY } from '../../../src-shared/ceremony/providers.js';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  SIGNING_ALGORITHM,
  canonicalQuery,
  canonicalUri,
  parseAuthorization,
} from '../../../src-shared/kms/huawei-signer.js';
import { sha256Hex } from '../../../src-shared/digests.js';
import { HuaweiServiceError } from './huawei-error.js';

/** The dialect's one access key; Keyrite's rehearsals sign with it (never a real Huawei key). */
export const HUAWEI_EMULATOR_CREDENTIALS = {
  accessKey: HUAWEI_EMULATOR_ACCESS_KEY,
  secretKey: 'keyrite-huawei-emulator-secret-key',
};

const SKEW_MS = 15 * 60_000;

/**
 * Checks an SDK-HMAC-SHA256 signature the way API Gateway does: the signed headers must include
 * host and x-sdk-date, the date must be within 15 minutes of the emulator's clock, and the HMAC of
 * the rebuilt string to sign under the secret key of the access key must match. Failures answer 401
 * with API Gateway's APIGW.0301 ("Incorrect IAM authentication information").
 */
export function verifySignature(
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  body: Buffer,
  now: number,
): void {
  const auth = parseAuthorization(String(headers.authorization ?? ''));
  if (!auth) throw denied('Authorization header is missing or not SDK-HMAC-SHA256');
  if (auth.accessKey !== HUAWEI_EMULATOR_CREDENTIALS.accessKey) throw denied('ak is not found');
  if (!auth.signedHeaders.includes('host') || !auth.signedHeaders.includes('x-sdk-date')) {
    throw denied('host and x-sdk-date must be signed');
  }
  const date = String(headers['x-sdk-date'] ?? '');
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  const t = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
  if (!Number.isFinite(t) || Math.abs(t - now) > SKEW_MS)
    throw denied('x-sdk-date is too far from the current time');
  const canonicalHeaders = auth.signedHeaders.map((h) => `${h}:${headerValue(headers, h)}\n`).join('');
  const canonicalRequest = [
    method,
    canonicalUri(url.pathname),
    canonicalQuery(url.searchParams),
    canonicalHeaders,
    auth.signedHeaders.join(';'),
    sha256Hex(body),
  ].join('\n');
  const stringToSign = [SIGNING_ALGORITHM, date, sha256Hex(canonicalRequest)].join('\n');
  const expected = createHmac('sha256', HUAWEI_EMULATOR_CREDENTIALS.secretKey).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(auth.signature, 'hex')))
    throw denied('verify aksk signature fail');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

function denied(detail: string): HuaweiServiceError {
  return new HuaweiServiceError('APIGW.0301', `Incorrect IAM authentication information: ${detail}`, 401);
}

import { createHmac } from 'node:crypto';
import { sha256Hex } from '../digests.js';
import type { SecretBuffer } from '../secret-buffer.js';

/**
 * Huawei Cloud's AK/SK request signing, SDK-HMAC-SHA256 ("API signing guide"; the algorithm of
 * @huaweicloud/huaweicloud-sdk-core's AKSKSigner, against which test/unit/kms/huawei-signer.test.ts
 * proves this one byte for byte). Implemented here rather than taken from that package because it
 * brings axios, log4js, moment and lodash into the process that holds the credentials.
 *
 *   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n hex(SHA-256(body))
 *   StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(SHA-256(CanonicalRequest))
 *   Signature        = hex(HMAC-SHA256(SK, StringToSign))
 *
 * Every header sent is signed (lower-cased names, sorted), as the SDK does.
 *
 * Shared code because both sides use it: the KMS client (`src-main/kms/huawei/`) signs with it, and the
 * Huawei emulator (`src-main/emulator/huawei/huawei-auth.ts`) rebuilds the canonical request with it to
 * check a signature.
 */
export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';

/** What signing needs of the credentials (`HuaweiCredentials` in src-main/kms/huawei has it). */
export interface SigningCredentials {
  accessKey: string;
  secretKey: SecretBuffer;
  /** Temporary credentials (STS) carry a security token, sent as X-Security-Token. */
  securityToken?: string | undefined;
}

export interface SignableRequest {
  method: string;
  url: URL;
  /** Headers to send besides Host, X-Sdk-Date and the security token, which signing adds. */
  headers: Record<string, string>;
  body: Buffer;
}

/** YYYYMMDDTHHMMSSZ in UTC, the X-Sdk-Date format. */
export function sdkDate(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Returns the complete header set to send, Authorization included. */
export function signRequest(
  req: SignableRequest,
  creds: SigningCredentials,
  now: Date,
): Record<string, string> {
  const date = sdkDate(now);
  const headers: Record<string, string> = { ...req.headers, Host: req.url.host, 'X-Sdk-Date': date };
  if (creds.securityToken) headers['X-Security-Token'] = creds.securityToken;
  const names = Object.keys(headers).sort((a, b) => cmp(a.toLowerCase(), b.toLowerCase()));
  const signedHeaders = names.map((n) => n.toLowerCase()).join(';');
  const canonicalHeaders = names.map((n) => `${n.toLowerCase()}:${headers[n] ?? ''}\n`).join('');
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalUri(req.url.pathname),
    canonicalQuery(req.url.searchParams),
    canonicalHeaders,
    signedHeaders,
    sha256Hex(req.body),
  ].join('\n');
  const stringToSign = [SIGNING_ALGORITHM, date, sha256Hex(Buffer.from(canonicalRequest, 'utf8'))].join('\n');
  const signature = creds.secretKey.use((sk) =>
    createHmac('sha256', sk).update(stringToSign, 'utf8').digest('hex'),
  );
  headers.Authorization = `${SIGNING_ALGORITHM} Access=${creds.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

/**
 * Each path segment through encodeURIComponent, with a trailing slash, exactly as the SDK does it
 * (Keyrite's KMS paths hold only letters, digits, dots and dashes, so no segment changes).
 */
export function canonicalUri(pathname: string): string {
  const path = pathname.split('/').map(encodeURIComponent).join('/');
  return path.endsWith('/') ? path : `${path}/`;
}

export function canonicalQuery(params: URLSearchParams): string {
  const keys = [...new Set(params.keys())].sort(cmp);
  const parts: string[] = [];
  for (const k of keys) {
    for (const v of params.getAll(k).sort(cmp)) parts.push(`${encodeRfc3986(k)}=${encodeRfc3986(v)}`);
  }
  return parts.join('&');
}

function encodeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Code-unit order, as Array.prototype.sort and the SDK's sortBy use. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parses an Authorization header of this scheme (for the emulator's signature check). */
export function parseAuthorization(
  value: string,
): { accessKey: string; signedHeaders: string[]; signature: string } | null {
  const m = /^SDK-HMAC-SHA256 Access=([^,\s]+), SignedHeaders=([^,\s]+), Signature=([0-9a-f]{64})$/.exec(
    value.trim(),
  );
  if (!m) return null;
  return { accessKey: m[1] as string, signedHeaders: (m[2] as string).split(';'), signature: m[3] as string };
}

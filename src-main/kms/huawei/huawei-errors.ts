import { KeyriteError } from '../../../src-shared/errors.js';

/**
 * Every Huawei Cloud KMS failure becomes a KeyriteError: HUAWEI_<reason>, a sentence a witness can
 * read aloud, and a fix. Huawei answers {"error": {"error_code": "KMS.0310", "error_msg": "…"}};
 * the codes and messages below are the ones Huawei's KMS API reference publishes ("Error Codes").
 * For the import errors whose codes the published tables we could read do not pair with a number
 * ("Token expired.", "Token verification failed.", …), the documented English message is matched.
 */
interface Explanation {
  code: string;
  message: string;
  hint: string;
}

const BY_CODE: Record<string, Explanation> = {
  'KMS.0201': {
    code: 'HUAWEI_BAD_REQUEST_URL',
    message: 'Huawei KMS did not recognise the request URL',
    hint: 'check the region and project id in the plan (the URL is https://kms.REGION.myhuaweicloud.com/v1.0/PROJECT_ID/kms/…)',
  },
  'KMS.0202': {
    code: 'HUAWEI_BAD_REQUEST',
    message: 'Huawei KMS could not parse the request body as JSON',
    hint: 'this is Keyrite talking to an endpoint that is not Huawei KMS, or a proxy altering requests; check --endpoint',
  },
  'KMS.0203': {
    code: 'HUAWEI_BAD_REQUEST',
    message: 'the request was longer than Huawei KMS accepts',
    hint: 'check the size of the wrapped material and the token',
  },
  'KMS.0204': {
    code: 'HUAWEI_BAD_REQUEST',
    message: 'Huawei KMS found a required parameter missing',
    hint: 'check the plan: key id, wrapping algorithm, import token',
  },
  'KMS.0205': {
    code: 'HUAWEI_KEY_NOT_FOUND',
    message: 'Huawei KMS does not know this key id (in this region and project)',
    hint: 'check the key id, the region and the project id; keys are regional',
  },
  'KMS.0206': {
    code: 'HUAWEI_BAD_REQUEST',
    message: 'Huawei KMS refused the request sequence number',
    hint: 'retry; the sequence is a 36-character request id',
  },
  'KMS.0209': {
    code: 'HUAWEI_KEY_DISABLED',
    message: 'the key is disabled and cannot be used',
    hint: 'enable the key in the console (or enable-key) and run the step again',
  },
  'KMS.0210': {
    code: 'HUAWEI_KEY_PENDING_DELETION',
    message: 'the key is scheduled for deletion and cannot be used',
    hint: 'cancel the deletion (cancel-key-deletion) before importing or using the key',
  },
  'KMS.0211': {
    code: 'HUAWEI_DEFAULT_KEY',
    message: 'this is a default master key, which cannot take imported material',
    hint: 'create a custom key with origin external',
  },
  'KMS.0308': {
    code: 'HUAWEI_INVALID_PARAMETER',
    message: 'Huawei KMS refused a parameter as invalid',
    hint: 'check the plan values against the Huawei KMS API reference; Huawei names the field in its message',
  },
  'KMS.0309': {
    code: 'HUAWEI_NOT_EXTERNAL',
    message: 'the key was not created for imported material (its origin is not external)',
    hint: 'create the key with origin external (Import Key in the console), or let the plan create it',
  },
  'KMS.0310': {
    code: 'HUAWEI_NOT_PENDING_IMPORT',
    message: 'the key is not in the Pending import state',
    hint: 'describe the key: material that is already imported must be deleted (delete-imported-key-material) before it can be imported again',
  },
  'KMS.0311': {
    code: 'HUAWEI_UNWRAP_FAILED',
    message:
      'Huawei KMS could not decrypt the wrapped key material with the wrapping key of this import token',
    hint: 'wrap again with exactly the wrapping algorithm the import parameters were fetched for (RSAES_OAEP_SHA_256 means OAEP with SHA-256 and MGF1 SHA-256), using the public key from the same download',
  },
  'KMS.0312': {
    code: 'HUAWEI_EXTERNAL_NO_ROTATION',
    message: 'keys with imported material cannot be rotated by KMS',
    hint: 'rotate by importing into a new key in a new ceremony',
  },
  'KMS.0401': {
    code: 'HUAWEI_INVALID_TAGS',
    message: 'the tag list is empty',
    hint: 'give at least one tag, or none at all',
  },
};

const BY_MESSAGE: [RegExp, Explanation][] = [
  [
    /^Token expired/i,
    {
      code: 'HUAWEI_IMPORT_TOKEN_EXPIRED',
      message: 'the import token has expired (Huawei import parameters are valid for 24 hours)',
      hint: 'download new import parameters and wrap the material again with the new wrapping key',
    },
  ],
  [
    /^Token verification failed/i,
    {
      code: 'HUAWEI_IMPORT_TOKEN_INVALID',
      message: 'Huawei KMS could not verify the import token (damaged, or from another download)',
      hint: 'use the importToken file from the same download as the wrapping key',
    },
  ],
  [
    /^Key IDs in the imported key and token do not match/i,
    {
      code: 'HUAWEI_IMPORT_TOKEN_WRONG_KEY',
      message: 'the import token belongs to another key',
      hint: 'download import parameters for this key id and wrap again',
    },
  ],
  [
    /plaintext length must be/i,
    {
      code: 'HUAWEI_MATERIAL_SIZE',
      message: 'Huawei KMS takes exactly 256-bit (32-byte) symmetric key material',
      hint: 'import 32 raw bytes of AES-256 material',
    },
  ],
  [
    /importing a deleted key again/i,
    {
      code: 'HUAWEI_DIFFERENT_MATERIAL',
      message: 'this key held other material before; Huawei KMS only takes the same material again',
      hint: 'reimport exactly the material first imported (restore it from the backup shares), or create a new key for new material',
    },
  ],
  [
    /expiration time must be later than the current time/i,
    {
      code: 'HUAWEI_MATERIAL_EXPIRY',
      message: 'the key material expiry must lie in the future',
      hint: "set the plan's material expiry to a later time, or to never expire",
    },
  ],
  [
    /not in Enabled or Disabled state and cannot be deleted/i,
    {
      code: 'HUAWEI_NOT_DELETABLE',
      message: 'imported material can only be deleted from an enabled or disabled key',
      hint: 'describe the key; cancel a scheduled deletion first',
    },
  ],
];

/** Turns a Huawei KMS error response (or its absence) into a coded, explained KeyriteError. */
export function huaweiError(status: number, body: unknown, operation: string): KeyriteError {
  const detail = errorDetail(body);
  const said = detail.msg ? ` (Huawei KMS said: ${detail.msg.slice(0, 200)})` : '';
  // The documented message is the more specific fact: several import errors share a generic code.
  const known =
    BY_MESSAGE.find(([re]) => re.test(detail.msg))?.[1] ?? (detail.code ? BY_CODE[detail.code] : undefined);
  if (known) return new KeyriteError(known.code, `${operation}: ${known.message}${said}`, known.hint);
  if (status === 401 || /^APIGW\.030[1-9]/.test(detail.code)) {
    return new KeyriteError(
      'HUAWEI_AUTH_FAILED',
      `${operation}: Huawei Cloud refused the request signature or credentials${said}`,
      "check the access key and secret key (HUAWEICLOUD_SDK_AK/SK or the KooCLI profile), that temporary keys carry their security token, and that this computer's clock is right (signatures expire after 15 minutes)",
    );
  }
  if (status === 403) {
    return new KeyriteError(
      'HUAWEI_FORBIDDEN',
      `${operation}: the credentials may not do this in this project${said}`,
      "grant the IAM user KMS Administrator (or kms:cmk:* for this key) in this region's project",
    );
  }
  if (status === 429) {
    return new KeyriteError(
      'HUAWEI_THROTTLED',
      `${operation}: Huawei KMS is limiting the request rate${said}`,
      'wait a minute and run the step again',
    );
  }
  if (status >= 500) {
    return new KeyriteError(
      'HUAWEI_SERVICE_ERROR',
      `${operation}: Huawei KMS failed (HTTP ${status})${said}`,
      'run the step again; if it keeps failing, check the Huawei Cloud status page for the region',
    );
  }
  return new KeyriteError(
    'HUAWEI_REQUEST_FAILED',
    `${operation}: Huawei KMS refused the request (HTTP ${status}${detail.code ? `, ${detail.code.slice(0, 20)}` : ''})${said}`,
    "check the plan values; Huawei's message says which one",
  );
}

function errorDetail(body: unknown): { code: string; msg: string } {
  const o = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const e = typeof o.error === 'object' && o.error !== null ? (o.error as Record<string, unknown>) : o;
  const code = typeof e.error_code === 'string' ? e.error_code : '';
  const msg = typeof e.error_msg === 'string' ? e.error_msg : '';
  return { code, msg };
}

/** The documented codes, for tests that walk every one. */
export const DOCUMENTED_CODES = Object.keys(BY_CODE);

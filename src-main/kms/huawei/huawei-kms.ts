import { KeyriteError } from '../../../src-shared/errors.js';
import { ImportGuard } from '../import-guard.js';
import { type HuaweiHttpOptions, OutcomeUnknown, huaweiHttp } from './huawei-http.js';

/** Huawei KMS key_state values (API reference, KeyDetails). */
export const HUAWEI_KEY_STATES = {
  '1': 'PendingActivation',
  '2': 'Enabled',
  '3': 'Disabled',
  '4': 'PendingDeletion',
  '5': 'PendingImport',
} as const;
export type HuaweiKeyState = (typeof HUAWEI_KEY_STATES)[keyof typeof HUAWEI_KEY_STATES];

/**
 * Wrapping algorithms of get-parameters-for-import. The current API (and the SDK's enum) offer
 * RSAES_OAEP_SHA_256 and, at sites with Chinese cryptography, SM2_ENCRYPT; the console guide still
 * lists RSAES_PKCS1_V1_5 and RSAES_OAEP_SHA_1 for HSMs without OAEP-SHA-256.
 */
export const HUAWEI_WRAPPING_ALGORITHMS = [
  'RSAES_OAEP_SHA_256',
  'RSAES_OAEP_SHA_1',
  'RSAES_PKCS1_V1_5',
  'SM2_ENCRYPT',
] as const;
export type HuaweiWrappingAlgorithm = (typeof HUAWEI_WRAPPING_ALGORITHMS)[number];

export interface HuaweiKeyInfo {
  keyId: string;
  keyAlias?: string;
  keySpec: string;
  keyUsage?: string;
  keyState: HuaweiKeyState;
  origin: string;
  /** When imported material expires (absent: never, or nothing imported). */
  materialExpires?: Date;
  domainId?: string;
}

export interface HuaweiImportParameters {
  keyId: string;
  /** DER SubjectPublicKeyInfo of the wrapping key. */
  publicKey: Buffer;
  /** The import token exactly as Huawei gave it (base64 text); it goes back unchanged. */
  importToken: string;
  expiresAt: Date;
}

export interface HuaweiKms {
  createKey(input: {
    alias: string;
    description: string;
    tags: Record<string, string>;
  }): Promise<HuaweiKeyInfo>;
  describeKey(keyId: string): Promise<HuaweiKeyInfo>;
  /** One page of the project's keys (list-keys with details); `nextMarker` when there are more. */
  listKeys(marker?: string): Promise<{ keys: HuaweiKeyInfo[]; nextMarker?: string }>;
  getParametersForImport(keyId: string, algorithm: HuaweiWrappingAlgorithm): Promise<HuaweiImportParameters>;
  importKeyMaterial(input: {
    keyId: string;
    importToken: string;
    encryptedKeyMaterial: Buffer;
    expiresAt?: Date;
  }): Promise<{ resent: boolean }>;
  deleteImportedKeyMaterial(keyId: string): Promise<void>;
  encryptData(keyId: string, plainText: string): Promise<string>;
  decryptData(cipherText: string): Promise<string>;
  close(): void;
}

/** list-keys page size (the API allows up to 1000; Keyrite reads few keys at a time). */
const LIST_PAGE = 100;

export function createHuaweiKms(opts: HuaweiHttpOptions & { importGuard?: ImportGuard }): HuaweiKms {
  const http = huaweiHttp(opts);
  const guard = opts.importGuard ?? new ImportGuard();

  const describeKey = async (keyId: string) =>
    keyInfo(record(await http.call('describe-key', { key_id: keyId })).key_info);

  return {
    async createKey({ alias, description, tags }) {
      // create-key answers with the id only; the plan's tags follow in one batch call.
      const out = record(
        record(
          await http.callOnce('create-key', {
            key_alias: alias,
            key_description: description,
            key_spec: 'AES_256',
            key_usage: 'ENCRYPT_DECRYPT',
            origin: 'external',
          }),
        ).key_info,
      );
      const keyId = str(out.key_id, 'key_id');
      const entries = Object.entries(tags);
      if (entries.length > 0) {
        await http.call(`${keyId}/tags/action`, {
          action: 'create',
          tags: entries.map(([key, value]) => ({ key, value })),
        });
      }
      return describeKey(keyId);
    },
    describeKey,
    async listKeys(marker) {
      const out = record(
        await http.call('list-keys', { limit: String(LIST_PAGE), ...(marker ? { marker } : {}) }),
      );
      const details = Array.isArray(out.key_details) ? out.key_details : [];
      const next = out.truncated === 'true' && typeof out.next_marker === 'string' ? out.next_marker : '';
      return { keys: details.map(keyInfo), ...(next ? { nextMarker: next } : {}) };
    },
    async getParametersForImport(keyId, algorithm) {
      const out = record(
        await http.call('get-parameters-for-import', { key_id: keyId, wrapping_algorithm: algorithm }),
      );
      const expires = Number(out.expiration_time);
      if (!Number.isFinite(expires) || expires <= 0)
        throw badResponse('get-parameters-for-import', 'expiration_time');
      return {
        keyId: str(out.key_id, 'key_id'),
        publicKey: Buffer.from(str(out.public_key, 'public_key'), 'base64'),
        importToken: str(out.import_token, 'import_token'),
        expiresAt: new Date(expires * 1000),
      };
    },
    async importKeyMaterial({ keyId, importToken, encryptedKeyMaterial, expiresAt }) {
      guard.admit(keyId, Buffer.from(importToken, 'utf8'), encryptedKeyMaterial);
      const body: Record<string, unknown> = {
        key_id: keyId,
        import_token: importToken,
        encrypted_key_material: encryptedKeyMaterial.toString('base64'),
      };
      if (expiresAt) body.expiration_time = Math.floor(expiresAt.getTime() / 1000);
      try {
        await http.callOnce('import-key-material', body);
        return { resent: false };
      } catch (e) {
        if (!(e instanceof OutcomeUnknown)) throw e;
      }
      // The first attempt may have landed: look before resending the identical bytes.
      const state = (await describeKey(keyId)).keyState;
      if (state === 'Enabled' || state === 'Disabled') return { resent: false };
      if (state !== 'PendingImport') {
        throw new KeyriteError(
          'HUAWEI_NOT_PENDING_IMPORT',
          `the import's outcome is unknown and the key is now ${state}`,
          'describe the key before doing anything else',
        );
      }
      try {
        await http.callOnce('import-key-material', body);
      } catch (e) {
        if (e instanceof OutcomeUnknown) {
          throw new KeyriteError(
            'HUAWEI_UNREACHABLE',
            'Huawei KMS did not answer the import twice; whether it landed is unknown',
            'describe the key when the network is back: Enabled means the import landed',
          );
        }
        throw e;
      }
      return { resent: true };
    },
    async deleteImportedKeyMaterial(keyId) {
      await http.callOnce('delete-imported-key-material', { key_id: keyId });
    },
    async encryptData(keyId, plainText) {
      return str(
        record(await http.call('encrypt-data', { key_id: keyId, plain_text: plainText })).cipher_text,
        'cipher_text',
      );
    },
    async decryptData(cipherText) {
      return str(
        record(await http.call('decrypt-data', { cipher_text: cipherText })).plain_text,
        'plain_text',
      );
    },
    close() {
      opts.credentials.secretKey.dispose();
    },
  };
}

function keyInfo(v: unknown): HuaweiKeyInfo {
  const o = record(v);
  const stateCode = str(o.key_state, 'key_state');
  const keyState = (HUAWEI_KEY_STATES as Record<string, HuaweiKeyState>)[stateCode];
  if (!keyState) throw badResponse('describe-key', `key_state ${stateCode.slice(0, 4)}`);
  const info: HuaweiKeyInfo = {
    keyId: str(o.key_id, 'key_id'),
    keySpec: str(o.key_spec, 'key_spec'),
    keyState,
    origin: str(o.origin, 'origin'),
  };
  if (typeof o.key_alias === 'string') info.keyAlias = o.key_alias;
  if (typeof o.key_usage === 'string') info.keyUsage = o.key_usage;
  if (typeof o.domain_id === 'string') info.domainId = o.domain_id;
  // expiration_time is epoch milliseconds as a string in describe-key answers; empty when none.
  const exp = Number(o.expiration_time);
  if (typeof o.expiration_time === 'string' && o.expiration_time !== '' && Number.isFinite(exp) && exp > 0) {
    info.materialExpires = new Date(exp);
  }
  return info;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw badResponse('Huawei KMS', field);
  return v;
}

function badResponse(operation: string, field: string): KeyriteError {
  return new KeyriteError(
    'HUAWEI_BAD_RESPONSE',
    `${operation}: the answer has no valid ${field}`,
    'check --endpoint: it must be Huawei KMS or the Keyrite emulator',
  );
}

import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { RegionState } from '../region-state.js';
import { currentMaterial, keyState, type KeyRecord } from '../key-record.js';
import { KmsServiceError } from '../kms-error.js';
import { openSymmetric, parseSymmetric, sealSymmetric } from '../ciphertext.js';
import { materialId } from '../material.js';
import { newTokenId } from '../import-token.js';
import { unwrapImported } from '../unwrap.js';
import { wrappingKeyPair } from '../wrapping-keys.js';
import { HuaweiServiceError, invalidParameter, keyNotFound } from './huawei-error.js';
import { checkHuaweiToken, huaweiToken } from './huawei-token.js';

export type HuaweiBody = Record<string, unknown>;
export interface HuaweiContext {
  /** The region of the shared emulator state this dialect serves (one Huawei project = one region). */
  state: RegionState;
  domainId: string;
}

/**
 * A Huawei key in the shared state: its arn starts with this. Huawei keys have no key policy, so the
 * record's policy slot holds the key's alias, and both persist with the state (a rehearsal resumed
 * after a restart finds its key).
 */
const HUAWEI_ARN = 'huawei:kms:';
function huaweiAlias(k: KeyRecord | undefined): string | undefined {
  return k?.arn.startsWith(HUAWEI_ARN) ? k.policy : undefined;
}
export type HuaweiOp = (ctx: HuaweiContext, body: HuaweiBody) => Promise<unknown> | unknown;

const DAY_MS = 86_400_000;
const KEY_ID = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/;
/** key_state codes of the API reference. */
const STATE_CODE = { Enabled: '2', Disabled: '3', PendingDeletion: '4', PendingImport: '5' } as const;
/** The wrapping key of Huawei's import parameters is RSA-2048 (encrypted_key_material is 344–360 base64 characters). */
const ALGORITHMS = ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5'] as const;

function str(body: HuaweiBody, field: string, re?: RegExp): string {
  const v = body[field];
  if (v === undefined || v === null || v === '')
    throw new HuaweiServiceError('KMS.0204', 'Parameters missing in the request message.');
  if (typeof v !== 'string' || (re && !re.test(v))) throw invalidParameter(`Invalid ${field}.`);
  return v;
}

function key(ctx: HuaweiContext, body: HuaweiBody): KeyRecord {
  const id = str(body, 'key_id');
  if (!KEY_ID.test(id)) throw new HuaweiServiceError('KMS.0205', 'Invalid key ID.');
  const k = ctx.state.keys.get(id);
  if (!k || huaweiAlias(k) === undefined) throw keyNotFound();
  return k;
}

function usable(k: KeyRecord): Buffer {
  const s = keyState(k);
  if (s === 'PendingDeletion')
    throw new HuaweiServiceError('KMS.0210', 'The key is in Scheduled deletion state and cannot be used.');
  if (s === 'Disabled') throw new HuaweiServiceError('KMS.0209', 'The key has been disabled.');
  const m = currentMaterial(k);
  // Assumed (no published code for it): a key waiting for material refuses cryptography as invalid.
  if (!m?.bytes) throw invalidParameter('The key is in Pending import state and cannot be used.');
  return m.bytes;
}

export const createKey: HuaweiOp = (ctx, body) => {
  const alias = str(body, 'key_alias', /^[a-zA-Z0-9:/_-]{1,255}$/);
  const spec = (body.key_spec as string | undefined) ?? 'AES_256';
  const origin = (body.origin as string | undefined) ?? 'kms';
  // The dialect emulates imports: external AES_256 keys only, as the import guide says.
  if (origin !== 'external')
    throw invalidParameter('Invalid origin: the Keyrite emulator creates external keys only.');
  if (spec !== 'AES_256')
    throw invalidParameter('Invalid key_spec: only AES_256 keys take imported material.');
  if (body.key_usage !== undefined && body.key_usage !== 'ENCRYPT_DECRYPT')
    throw invalidParameter('Invalid key_usage.');
  const keyId = randomUUID();
  const now = ctx.state.now();
  ctx.state.save({
    keyId,
    arn: `${HUAWEI_ARN}${ctx.state.region}:${ctx.domainId}:key/${keyId}`,
    accountId: ctx.domainId,
    region: ctx.state.region,
    creationDate: now,
    description: typeof body.key_description === 'string' ? body.key_description : '',
    keyUsage: 'ENCRYPT_DECRYPT',
    keySpec: 'SYMMETRIC_DEFAULT',
    origin: 'EXTERNAL',
    multiRegion: false,
    enabled: true,
    policy: alias,
    tags: [],
    materials: [],
  });
  return { key_info: { key_id: keyId, domain_id: ctx.domainId } };
};

export const describeKey: HuaweiOp = (ctx, body) => ({ key_info: keyInfo(ctx, key(ctx, body)) });

/** list-keys: `limit` (a string of 1–1000, default 1000) and `marker` (the offset, as the API's are). */
export const listKeys: HuaweiOp = (ctx, body) => {
  const limit = body.limit === undefined ? 1000 : Number(body.limit);
  const offset = body.marker === undefined ? 0 : Number(body.marker);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalidParameter('Invalid limit.');
  if (!Number.isInteger(offset) || offset < 0) throw invalidParameter('Invalid marker.');
  const all = [...ctx.state.keys.values()].filter((k) => huaweiAlias(k) !== undefined);
  const page = all.slice(offset, offset + limit);
  const more = offset + limit < all.length;
  return {
    keys: page.map((k) => k.keyId),
    key_details: page.map((k) => keyInfo(ctx, k)),
    next_marker: more ? String(offset + limit) : '',
    truncated: more ? 'true' : 'false',
    total: all.length,
  };
};

function keyInfo(ctx: HuaweiContext, k: KeyRecord): Record<string, unknown> {
  const cur = currentMaterial(k);
  return {
    key_id: k.keyId,
    domain_id: ctx.domainId,
    key_alias: huaweiAlias(k),
    realm: ctx.state.region,
    key_spec: 'AES_256',
    key_usage: 'ENCRYPT_DECRYPT',
    key_description: k.description,
    creation_date: String(k.creationDate),
    scheduled_deletion_date: k.deletion ? String(k.deletion.date) : '',
    key_state: STATE_CODE[keyState(k)],
    default_key_flag: '0',
    key_type: '1',
    expiration_time: cur?.bytes && cur.validTo !== undefined ? String(cur.validTo) : '',
    origin: 'external',
    key_rotation_enabled: 'false',
    sys_enterprise_project_id: '0',
  };
}

export const getParametersForImport: HuaweiOp = async (ctx, body) => {
  const k = key(ctx, body);
  const algorithm = str(body, 'wrapping_algorithm');
  if (algorithm === 'SM2_ENCRYPT') {
    throw invalidParameter(
      'Invalid wrapping_algorithm: SM2_ENCRYPT is offered only at sites with Chinese cryptography (not emulated).',
    );
  }
  if (!(ALGORITHMS as readonly string[]).includes(algorithm))
    throw invalidParameter('Invalid wrapping_algorithm.');
  if (keyState(k) === 'PendingDeletion')
    throw new HuaweiServiceError('KMS.0210', 'The key is in Scheduled deletion state and cannot be used.');
  const pair = await wrappingKeyPair(2048);
  const tokenId = newTokenId();
  const validTo = ctx.state.now() + DAY_MS;
  ctx.state.saveParams({
    tokenId,
    region: ctx.state.region,
    keyId: k.keyId,
    algorithm: algorithm as (typeof ALGORITHMS)[number],
    wrappingKeySpec: 'RSA_2048',
    privateKeyDer: pair.privateKeyDer,
    publicKeyDer: pair.publicKeyDer,
    validTo,
  });
  return {
    key_id: k.keyId,
    public_key: pair.publicKeyDer.toString('base64'),
    import_token: huaweiToken(tokenId, k.keyId, pair.publicKeyDer),
    expiration_time: Math.floor(validTo / 1000),
  };
};

export const importKeyMaterial: HuaweiOp = (ctx, body) => {
  const k = key(ctx, body);
  const token = str(body, 'import_token');
  const wrappedText = str(body, 'encrypted_key_material', /^[0-9a-zA-Z+/=]{344,360}$/);
  const now = ctx.state.now();
  let validTo: number | undefined;
  if (body.expiration_time !== undefined && body.expiration_time !== null && body.expiration_time !== '') {
    const sec = Number(body.expiration_time);
    if (!Number.isInteger(sec)) throw invalidParameter('Invalid expiration_time.');
    // Documented message; the published tables we read give it no code of its own.
    if (sec * 1000 <= now) throw invalidParameter('Key expiration time must be later than the current time.');
    validTo = sec * 1000;
  }
  if (keyState(k) !== 'PendingImport')
    throw new HuaweiServiceError('KMS.0310', 'The key is not in Pending import state.');
  const check = checkHuaweiToken(token, k.keyId, (id) => ctx.state.params.get(id)?.publicKeyDer);
  if (!check.ok) {
    throw invalidParameter(
      check.reason === 'other-key'
        ? 'Key IDs in the imported key and token do not match.'
        : 'Token verification failed.',
    );
  }
  const params = ctx.state.params.get(check.tokenId);
  if (!params) throw invalidParameter('Token verification failed.');
  if (params.validTo <= now) throw invalidParameter('Token expired.');
  let material: Buffer;
  try {
    material = unwrapImported(params, Buffer.from(wrappedText, 'base64'));
  } catch (e) {
    if (e instanceof KmsServiceError)
      throw new HuaweiServiceError('KMS.0311', 'Failed to decrypt data using the RSA private key.');
    throw e;
  }
  let stored = false;
  try {
    if (material.length !== 32) throw invalidParameter('The external key plaintext length must be 32 bits.');
    const id = materialId(k.keyId, material);
    const before = k.materials[0];
    if (before && before.id !== id) {
      throw invalidParameter(
        'You are importing a deleted key again. The imported plaintext must be the same as the deleted key plaintext.',
      );
    }
    const record = before ?? {
      id,
      role: 'CURRENT' as const,
      expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' as const,
      importedAt: now,
      bytes: null,
    };
    record.bytes = material;
    record.importedAt = now;
    record.expirationModel = validTo === undefined ? 'KEY_MATERIAL_DOES_NOT_EXPIRE' : 'KEY_MATERIAL_EXPIRES';
    if (validTo === undefined) delete record.validTo;
    else record.validTo = validTo;
    if (!before) k.materials.push(record);
    k.enabled = true;
    stored = true;
    ctx.state.save(k);
    ctx.state.dropParams(check.tokenId);
    return {};
  } finally {
    if (!stored) material.fill(0);
  }
};

export const deleteImportedKeyMaterial: HuaweiOp = (ctx, body) => {
  const k = key(ctx, body);
  const s = keyState(k);
  if (s !== 'Enabled' && s !== 'Disabled') {
    throw invalidParameter('Key material is not in Enabled or Disabled state and cannot be deleted.');
  }
  const m = currentMaterial(k);
  if (m?.bytes) {
    m.bytes.fill(0);
    m.bytes = null;
    ctx.state.save(k);
  }
  return {};
};

export const encryptData: HuaweiOp = (ctx, body) => {
  const k = key(ctx, body);
  const plain = str(body, 'plain_text');
  if (Buffer.byteLength(plain) > 4096) throw invalidParameter('Invalid plain_text.');
  const material = usable(k);
  const id = currentMaterial(k)?.id ?? '';
  const blob = sealSymmetric(k.keyId, id, material, Buffer.from(plain, 'utf8'), undefined);
  return { key_id: k.keyId, cipher_text: blob.toString('base64') };
};

export const decryptData: HuaweiOp = (ctx, body) => {
  const parsed = parseSymmetric(Buffer.from(str(body, 'cipher_text'), 'base64'));
  const found = parsed ? ctx.state.keys.get(parsed.keyId) : undefined;
  const k = huaweiAlias(found) === undefined ? undefined : found;
  if (!parsed || !k) throw invalidParameter('Invalid cipher_text.');
  const material = usable(k);
  const m = k.materials.find((x) => x.id === parsed.materialId);
  const plain = m?.bytes === material ? openSymmetric(parsed, material, undefined) : undefined;
  if (!plain) throw invalidParameter('Invalid cipher_text.');
  return { key_id: k.keyId, plain_text: plain.toString('utf8'), plain_text_base64: plain.toString('base64') };
};

export const tagAction: (keyId: string) => HuaweiOp = (keyId) => (ctx, body) => {
  const k = key(ctx, { key_id: keyId });
  if (body.action !== 'create' && body.action !== 'delete') throw invalidParameter('Invalid action.');
  const tags = Array.isArray(body.tags) ? (body.tags as unknown[]) : [];
  if (tags.length === 0) throw new HuaweiServiceError('KMS.0401', 'Tag list cannot be empty.');
  for (const t of tags) {
    const o = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
    if (typeof o.key !== 'string' || !o.key) throw invalidParameter('Invalid tag key.');
    k.tags = k.tags.filter((x) => x.TagKey !== o.key);
    if (body.action === 'create')
      k.tags.push({ TagKey: o.key, TagValue: typeof o.value === 'string' ? o.value : '' });
  }
  ctx.state.save(k);
  return {};
};

export const HUAWEI_OPERATIONS: Record<string, HuaweiOp> = {
  'create-key': createKey,
  'describe-key': describeKey,
  'list-keys': listKeys,
  'get-parameters-for-import': getParametersForImport,
  'import-key-material': importKeyMaterial,
  'delete-imported-key-material': deleteImportedKeyMaterial,
  'encrypt-data': encryptData,
  'decrypt-data': decryptData,
};

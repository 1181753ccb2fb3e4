import { KeyriteError } from '../errors.js';

/**
 * Huawei Cloud KMS's import parameters. The API (get-parameters-for-import, and KooCLI's
 * `hcloud KMS CreateParametersForImport` that prints it) answers in snake_case:
 * {"key_id", "public_key" (base64 DER), "import_token" (base64), "expiration_time" (epoch seconds)}.
 * The console downloads wrappingKey_<key id>_<time> (the key, binary DER), importToken_<key id>_<time>
 * and README_<key id>_<time>, a text naming the key, the wrapping algorithm, the two files and when
 * they expire; the console README's exact wording is not published, so it is read like AWS's: by
 * algorithm names and a time on a line about expiry.
 */
export interface HuaweiJson {
  keyId: string;
  publicKey: string;
  importToken?: string;
  validTo?: Date;
}

/** Huawei's wrapping algorithm names that Keyrite does not wrap with (SM2 needs an SM2 public key). */
export const HUAWEI_ONLY_ALGORITHMS = ['SM2_ENCRYPT'] as const;

export function isHuaweiJson(o: Record<string, unknown>): boolean {
  return typeof o.public_key === 'string' || typeof o.import_token === 'string';
}

export function readHuaweiJson(o: Record<string, unknown>, name: string): HuaweiJson {
  const field = (k: string): string | undefined => {
    const v = o[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw invalid(`${name}: ${k} must be a string`);
    return v;
  };
  const keyId = field('key_id');
  const publicKey = field('public_key');
  if (!keyId || !publicKey) {
    throw invalid(`${name} lacks key_id or public_key`, 'use the whole answer of get-parameters-for-import');
  }
  const out: HuaweiJson = { keyId, publicKey };
  const token = field('import_token');
  if (token !== undefined) out.importToken = token;
  const exp = o.expiration_time;
  if (exp !== undefined && exp !== null) {
    const sec =
      typeof exp === 'number' ? exp : typeof exp === 'string' && /^\d+$/.test(exp) ? Number(exp) : NaN;
    if (!Number.isFinite(sec) || sec <= 0) throw invalid(`${name}: expiration_time is not a time`);
    // Seconds in the API; a millisecond value (13 digits) is taken as such rather than as year 50000.
    out.validTo = new Date(sec > 1e12 ? sec : sec * 1000);
  }
  return out;
}

/** Words only Huawei's README and console use: the README then speaks of Huawei's files. */
export function readmeIsHuawei(text: string): boolean {
  return /\bCMK\b|huawei|wrappingKey_[^\s]+_\d{14}/i.test(text);
}

function invalid(
  message: string,
  hint = 'download new import parameters (console: Import Key; API: get-parameters-for-import)',
): KeyriteError {
  return new KeyriteError('PARAMS_INVALID', message, hint);
}

import { Buffer } from 'node:buffer';
import { KeyriteError, isKeyriteError } from '../errors.js';
import { readParamsFileExtras } from './params-file.js';
import { type UnzippedEntry, UnzipRefused, unzipBounded } from './bounded-unzip.js';
import {
  type KeyMaterialSpec,
  type WrappingAlgorithm,
  type WrappingKeySpec,
  WRAPPING_KEY_SPECS,
  isWrappingAlgorithm,
  isWrappingKeySpec,
} from './specs.js';
import { type WrappingPublicKey, parseWrappingPublicKey, strictBase64 } from './wrapping-key.js';
import { isHuaweiJson, readHuaweiJson, readmeIsHuawei } from './import-params-huawei.js';

/** What a set of import parameters says, whatever form it arrived in. */
export interface ImportParameters {
  /** The bare key id (uuid or mrk-…), when known. */
  keyId?: string;
  keyArn?: string;
  algorithm?: WrappingAlgorithm;
  wrappingKeySpec: WrappingKeySpec;
  /** The KMS key's own key spec: only Keyrite's parameters file (keyrite params fetch) states it. */
  keySpec?: KeyMaterialSpec;
  /** Region and endpoint override the parameters were fetched from (Keyrite's parameters file). */
  region?: string;
  endpoint?: string;
  /** Set when the files include Keyrite's self-describing parameters file. */
  format?: string;
  wrappingKey: WrappingPublicKey;
  importToken?: Buffer;
  validTo?: Date;
  expired: boolean;
  /** Where the parameters came from, for people: "ImportParameters.zip (console download)". */
  source: string;
  /** The cloud that issued them, when the files say so (Huawei's snake_case JSON or README). */
  provider?: 'aws' | 'huawei';
}

export interface ParamsFile {
  name: string;
  bytes: Uint8Array;
}

const MAX_FILE_BYTES = 1 << 20;
const MAX_ZIP_ENTRY_BYTES = 256 * 1024;
const MAX_ZIP_ENTRIES = 16;
/** Console names: wrappingKey_<key id>_<timestamp>, importToken_…, README_….txt */
const CONSOLE_NAME = /^(wrappingKey|importToken|README)_(.+)_(\d+)(\.[A-Za-z0-9]+)?$/;
const FETCH_HINT =
  'download new import parameters (console: Download wrapping key and import token; CLI: get-parameters-for-import)';

/** Facts gathered from the files before they are merged and checked against each other. */
interface Facts {
  keyIds: Set<string>;
  keyArns: Set<string>;
  algorithms: Set<WrappingAlgorithm>;
  specs: Set<WrappingKeySpec>;
  validTos: Date[];
  keySpecs: Set<KeyMaterialSpec>;
  regions: Set<string>;
  endpoints: Set<string>;
  formats: Set<string>;
  keys: WrappingPublicKey[];
  tokens: Buffer[];
  kinds: Set<string>;
  providers: Set<'aws' | 'huawei'>;
}

/**
 * Reads import parameters from the console's ImportParameters.zip, the CLI's JSON output of
 * get-parameters-for-import, or loose files (wrapping key as DER/base64/PEM, import token as raw or
 * base64 — recognised by "token" in its name). Several files may be given together; they must agree.
 */
export function parseImportParameters(files: ParamsFile[], now: Date): ImportParameters {
  if (files.length === 0) throw invalid('no import parameter files were given');
  const facts: Facts = {
    keyIds: new Set(),
    keyArns: new Set(),
    algorithms: new Set(),
    specs: new Set(),
    validTos: [],
    keySpecs: new Set(),
    regions: new Set(),
    endpoints: new Set(),
    formats: new Set(),
    keys: [],
    tokens: [],
    kinds: new Set(),
    providers: new Set(),
  };
  for (const f of files) readFile(facts, f, 0);
  return merge(facts, now, files.map((f) => baseName(f.name)).join(', '));
}

export function assertNotExpired(params: ImportParameters, now: Date): void {
  if (params.validTo && params.validTo.getTime() <= now.getTime()) {
    throw new KeyriteError(
      'PARAMS_EXPIRED',
      `these import parameters expired at ${params.validTo.toISOString()} (they are valid for 24 hours)`,
      FETCH_HINT,
    );
  }
}

function readFile(facts: Facts, f: ParamsFile, depth: number): void {
  const bytes = Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  const name = baseName(f.name);
  if (bytes.length === 0) throw invalid(`${name} is empty`);
  if (bytes.length > MAX_FILE_BYTES) throw invalid(`${name} is too large to be import parameters`);
  if (bytes.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) {
    if (depth > 0) throw invalid(`${name} is a zip inside a zip`);
    facts.kinds.add('console zip');
    for (const entry of unzip(bytes, name)) readFile(facts, entry, depth + 1);
    return;
  }
  const consoleName = CONSOLE_NAME.exec(name);
  if (consoleName) {
    const [, role, keyId] = consoleName;
    if (keyId) addKeyId(facts, keyId);
    if (role === 'wrappingKey') facts.keys.push(parseKey(bytes, name));
    else if (role === 'importToken') facts.tokens.push(tokenBytes(bytes));
    else readReadme(facts, bytes);
    return;
  }
  // A .bin file is the console's or `fileb://`'s raw bytes: a token may well start with "{" (0x7b).
  if (!/\.bin$/i.test(name) && /^\s*\{/.test(bytes.subarray(0, 64).toString('latin1'))) {
    facts.kinds.add('CLI JSON');
    readJson(facts, bytes, name);
    return;
  }
  if (/token/i.test(name)) {
    facts.tokens.push(tokenBytes(bytes));
    return;
  }
  if (/readme/i.test(name) && /\.txt$/i.test(name)) {
    readReadme(facts, bytes);
    return;
  }
  facts.kinds.add('key file');
  facts.keys.push(parseKey(bytes, name));
}

function unzip(bytes: Buffer, name: string): ParamsFile[] {
  let entries: UnzippedEntry[];
  try {
    entries = unzipBounded(bytes, MAX_ZIP_ENTRIES, MAX_ZIP_ENTRY_BYTES);
  } catch (e) {
    if (!(e instanceof UnzipRefused)) throw e;
    throw invalid(`${name} is not a readable ImportParameters.zip: ${e.message}`);
  }
  if (entries.length === 0) throw invalid(`${name} is empty`);
  return entries;
}

function readJson(facts: Facts, bytes: Buffer, name: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid(`${name} is not valid JSON`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw invalid(`${name} is not the JSON output of get-parameters-for-import`);
  }
  const o = doc as Record<string, unknown>;
  if (isHuaweiJson(o)) {
    const h = readHuaweiJson(o, name);
    facts.providers.add('huawei');
    facts.keys.push(parseKey(Buffer.from(h.publicKey, 'latin1'), `${name} public_key`));
    if (h.importToken !== undefined) facts.tokens.push(tokenBytes(Buffer.from(h.importToken, 'latin1')));
    addKeyId(facts, h.keyId);
    if (h.validTo) facts.validTos.push(h.validTo);
    return;
  }
  facts.providers.add('aws');
  const field = (k: string): unknown => o[k];
  const str = (k: string): string | undefined => {
    const v = field(k);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw invalid(`${name}: ${k} must be a string`);
    return v;
  };
  const publicKey = str('PublicKey');
  if (!publicKey)
    throw invalid(`${name} has no PublicKey`, 'use the full JSON output of get-parameters-for-import');
  facts.keys.push(parseKey(Buffer.from(publicKey, 'latin1'), `${name} PublicKey`));
  const token = str('ImportToken');
  if (token !== undefined) {
    try {
      facts.tokens.push(strictBase64(token));
    } catch {
      throw invalid(`${name}: ImportToken is not base64`);
    }
  }
  const keyId = str('KeyId');
  if (keyId !== undefined) addKeyId(facts, keyId);
  const alg = str('WrappingAlgorithm');
  if (alg !== undefined) {
    if (!isWrappingAlgorithm(alg))
      throw invalid(`${name}: unknown WrappingAlgorithm ${JSON.stringify(alg.slice(0, 40))}`);
    facts.algorithms.add(alg);
  }
  const spec = str('WrappingKeySpec');
  if (spec !== undefined) {
    if (!isWrappingKeySpec(spec))
      throw invalid(`${name}: unknown WrappingKeySpec ${JSON.stringify(spec.slice(0, 40))}`);
    facts.specs.add(spec);
  }
  const validTo = field('ParametersValidTo');
  if (validTo !== undefined && validTo !== null) facts.validTos.push(parseValidTo(validTo, name));
  const extras = readParamsFileExtras(str, alg !== undefined, name);
  if (extras.format !== undefined) facts.formats.add(extras.format);
  if (extras.keySpec !== undefined) facts.keySpecs.add(extras.keySpec);
  if (extras.region !== undefined) facts.regions.add(extras.region);
  if (extras.endpoint !== undefined) facts.endpoints.add(extras.endpoint);
}

/** Epoch seconds (the CLI and the wire, possibly fractional) or an ISO 8601 string. */
function parseValidTo(v: unknown, name: string): Date {
  let d: Date | null = null;
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) d = new Date(v * 1000);
  else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) d = new Date(v);
  else if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) d = new Date(Number(v) * 1000);
  if (!d || Number.isNaN(d.getTime())) throw invalid(`${name}: ParametersValidTo is not a time`);
  return d;
}

/**
 * The console README is prose whose exact wording is not specified anywhere public; read what can be
 * recognised without guessing: algorithm and key spec names (exact KMS spellings) and a time on a line
 * that speaks of expiry or validity.
 */
function readReadme(facts: Facts, bytes: Buffer): void {
  const text = bytes.toString('utf8');
  if (readmeIsHuawei(text)) facts.providers.add('huawei');
  if (/\bSM2_ENCRYPT\b/.test(text)) {
    throw new KeyriteError(
      'PARAMS_UNSUPPORTED',
      'these import parameters are for SM2 wrapping (SM2_ENCRYPT), which Keyrite does not do',
      'download parameters for RSAES_OAEP_SHA_256 instead',
    );
  }
  const algs = new Set(
    text.match(
      /\b(RSAES_OAEP_SHA_256|RSAES_OAEP_SHA_1|RSAES_PKCS1_V1_5|RSA_AES_KEY_WRAP_SHA_256|RSA_AES_KEY_WRAP_SHA_1)\b/g,
    ),
  );
  if (algs.size > 1) throw invalid('the README names more than one wrapping algorithm');
  for (const a of algs) if (isWrappingAlgorithm(a)) facts.algorithms.add(a);
  for (const s of WRAPPING_KEY_SPECS) if (new RegExp(`\\b${s}\\b`).test(text)) facts.specs.add(s);
  for (const line of text.split(/\r?\n/).slice(0, 200)) {
    if (!/expir|valid/i.test(line)) continue;
    const d = readmeTime(line);
    if (d) {
      facts.validTos.push(d);
      break;
    }
  }
}

const README_TIME =
  /(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*\(?((?:UTC|GMT)?\s?[+-]\d{1,2}(?::?\d{2})?|Z|UTC|GMT)?/;

/**
 * An ISO-like time on the line ("2026-11-25T01:00:00Z", "2026-11-25 01:00:00 UTC", "… +02:00").
 * A time without a zone is read as UTC: AWS prints UTC, and guessing the station's zone would be worse.
 */
function readmeTime(line: string): Date | null {
  const m = README_TIME.exec(line);
  if (!m) return null;
  // Huawei's console writes local times with an offset ("GMT+08:00", "UTC+8"); the offset is kept.
  const raw = m[3]?.replace(/^(UTC|GMT)\s?(?=[+-])/, '');
  const zone =
    raw === undefined || /^(Z|UTC|GMT)$/.test(raw)
      ? 'Z'
      : raw
          .replace(/^([+-])(\d)(?!\d)/, '$10$2')
          .replace(/^([+-]\d{2})$/, '$1:00')
          .replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const d = new Date(`${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(d.getTime()) ? null : d;
}

function parseKey(bytes: Buffer, name: string): WrappingPublicKey {
  try {
    return parseWrappingPublicKey(bytes);
  } catch (e) {
    if (isKeyriteError(e)) throw new KeyriteError(e.code, `${name}: ${e.message}`, e.hint);
    throw e;
  }
}

/** Import tokens are opaque; the console gives raw bytes, the CLI base64. */
function tokenBytes(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1').trim();
  if (/^[A-Za-z0-9+/=\s]+$/.test(text) && text.length >= 16) {
    try {
      return strictBase64(text);
    } catch {
      // Raw token bytes that happen to be printable: keep them as they are.
    }
  }
  return Buffer.from(bytes);
}

function addKeyId(facts: Facts, idOrArn: string): void {
  const arn = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/([A-Za-z0-9-]+)$/.exec(idOrArn);
  if (arn) {
    facts.keyArns.add(idOrArn);
    facts.keyIds.add(arn[1] as string);
    return;
  }
  if (!/^(mrk-)?[A-Za-z0-9-]{1,128}$/.test(idOrArn))
    throw invalid('the KeyId is neither a key id nor a key ARN');
  facts.keyIds.add(idOrArn);
}

function merge(facts: Facts, now: Date, names: string): ImportParameters {
  const key = facts.keys[0];
  if (!key) throw invalid(`no wrapping key found in ${names}`, 'include the wrappingKey_… file or PublicKey');
  if (facts.keys.some((k) => !k.spkiDer.equals(key.spkiDer))) {
    throw inconsistent('the files hold different wrapping keys');
  }
  const one = <T>(set: Set<T>, what: string): T | undefined => {
    if (set.size > 1) throw inconsistent(`the files disagree on the ${what}`);
    return [...set][0];
  };
  const keyId = one(facts.keyIds, 'key id');
  const keyArn = one(facts.keyArns, 'key ARN');
  const algorithm = one(facts.algorithms, 'wrapping algorithm');
  const statedSpec = one(facts.specs, 'wrapping key spec');
  if (statedSpec && statedSpec !== key.spec) {
    throw inconsistent(`the parameters say ${statedSpec} but the wrapping key is ${key.spec}`);
  }
  const keySpec = one(facts.keySpecs, 'KMS key spec');
  const region = one(facts.regions, 'region');
  const endpoint = one(facts.endpoints, 'endpoint');
  const format = one(facts.formats, 'format');
  const arnRegion = keyArn?.split(':')[3];
  if (region !== undefined && arnRegion !== undefined && region !== arnRegion)
    throw inconsistent(`the parameters say region ${region} but the key ARN is in ${arnRegion}`);
  const token = facts.tokens[0];
  if (token && facts.tokens.some((t) => !t.equals(token)))
    throw inconsistent('the files hold different import tokens');
  const validTo = facts.validTos.length
    ? new Date(Math.min(...facts.validTos.map((d) => d.getTime())))
    : undefined;
  const kinds = [...facts.kinds];
  const provider = one(facts.providers, 'cloud that issued them');
  const params: ImportParameters = {
    wrappingKeySpec: key.spec,
    wrappingKey: key,
    expired: validTo !== undefined && validTo.getTime() <= now.getTime(),
    source: `${names}${kinds.length ? ` (${kinds.join(' + ')})` : ''}`,
  };
  if (keyId !== undefined) params.keyId = keyId;
  if (keyArn !== undefined) params.keyArn = keyArn;
  if (algorithm !== undefined) params.algorithm = algorithm;
  if (keySpec !== undefined) params.keySpec = keySpec;
  if (region !== undefined) params.region = region;
  if (endpoint !== undefined) params.endpoint = endpoint;
  if (format !== undefined) params.format = format;
  if (token !== undefined) params.importToken = token;
  if (validTo !== undefined) params.validTo = validTo;
  if (provider !== undefined) params.provider = provider;
  return params;
}

function baseName(name: string): string {
  return name.split(/[\\/]/).pop() || name;
}

function invalid(message: string, hint = FETCH_HINT): KeyriteError {
  return new KeyriteError('PARAMS_INVALID', message, hint);
}

function inconsistent(message: string): KeyriteError {
  return new KeyriteError(
    'PARAMS_INCONSISTENT',
    message,
    'give files from one download of import parameters only',
  );
}

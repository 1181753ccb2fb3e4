import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { assertNotExpired, parseImportParameters, type ParamsFile } from '../../../src-shared/wrap/index.js';
import { fixture, onlyKeyriteErrors, throwsCode } from './harness/helpers.js';

const DIR = path.resolve(__dirname, '../../fixtures/huawei');
const KEY_ID = '43f1ffd7-18fb-4568-9575-602e009b7ee8';
const EXPIRES = '2026-11-25T10:00:00.000Z';
const files = (pick: (n: string) => boolean): ParamsFile[] =>
  readdirSync(DIR)
    .filter(pick)
    .map((name) => ({ name, bytes: readFileSync(path.join(DIR, name)) }));
const BEFORE = new Date('2026-11-24T12:00:00Z');
const AFTER = new Date('2026-11-25T10:00:01Z');

void test('huawei console download (wrappingKey, importToken, README): key id, algorithm, RSA-2048, expiry with its GMT+08:00 offset', () => {
  const p = parseImportParameters(
    files((n) => /_\d{14}$/.test(n)),
    BEFORE,
  );
  assert.equal(p.provider, 'huawei');
  assert.equal(p.keyId, KEY_ID);
  assert.equal(p.algorithm, 'RSAES_OAEP_SHA_256');
  assert.equal(p.wrappingKeySpec, 'RSA_2048');
  assert.equal(p.validTo?.toISOString(), EXPIRES, '18:00 at GMT+08:00 is 10:00 UTC, not 18:00 UTC');
  assert.equal(p.expired, false);
  assert.equal(
    p.importToken?.toString('base64'),
    readFileSync(path.join(DIR, `importToken_${KEY_ID}_20261124100000`), 'utf8'),
  );
  assert.equal(
    parseImportParameters(
      files((n) => /_\d{14}$/.test(n)),
      AFTER,
    ).expired,
    true,
  );
  throwsCode(() => assertNotExpired(p, AFTER), 'PARAMS_EXPIRED');
});

void test('huawei API answer (get-parameters-for-import JSON): the same facts, expiry from epoch seconds', () => {
  const p = parseImportParameters(
    files((n) => n.endsWith('.json')),
    BEFORE,
  );
  assert.equal(p.provider, 'huawei');
  assert.equal(p.keyId, KEY_ID);
  assert.equal(p.validTo?.toISOString(), EXPIRES);
  assert.equal(p.algorithm, undefined, 'the answer does not repeat the algorithm; the caller must bind it');
  const both = parseImportParameters(
    files((n) => n.endsWith('.json') || n.startsWith('README_')),
    BEFORE,
  );
  assert.equal(both.algorithm, 'RSAES_OAEP_SHA_256');
});

void test('huawei: SM2 parameters, mixed clouds and damaged answers are refused with a reason', () => {
  const readme = (text: string): ParamsFile => ({
    name: `README_${KEY_ID}_20261124100000`,
    bytes: Buffer.from(text),
  });
  const key: ParamsFile = {
    name: `wrappingKey_${KEY_ID}_20261124100000`,
    bytes: fixture('wrapping-rsa-2048.pub.pem'),
  };
  throwsCode(
    () => parseImportParameters([key, readme('CMK ID x\nWrapping algorithm: SM2_ENCRYPT\n')], BEFORE),
    'PARAMS_UNSUPPORTED',
  );
  const aws: ParamsFile = {
    name: 'params.json',
    bytes: Buffer.from(
      JSON.stringify({
        KeyId: KEY_ID,
        PublicKey: fixture('wrapping-rsa-2048.pub.pem')
          .toString('utf8')
          .replace(/-----[^-]+-----|\s/g, ''),
      }),
    ),
  };
  throwsCode(
    () => parseImportParameters([aws, ...files((n) => n.endsWith('.json'))], BEFORE),
    'PARAMS_INCONSISTENT',
  );
  const json = JSON.parse(readFileSync(path.join(DIR, 'get-parameters-for-import.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  for (const bad of [
    { ...json, expiration_time: 'soon' },
    { ...json, key_id: undefined },
    { ...json, public_key: 7 },
  ]) {
    throwsCode(
      () => parseImportParameters([{ name: 'p.json', bytes: Buffer.from(JSON.stringify(bad)) }], BEFORE),
      'PARAMS_INVALID',
    );
  }
  const good = Buffer.from(JSON.stringify(json));
  fc.assert(
    fc.property(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
      const b = Buffer.from(good);
      b[i] = (b[i] as number) ^ x;
      onlyKeyriteErrors(() => parseImportParameters([{ name: 'p.json', bytes: b }], BEFORE));
    }),
    { numRuns: 300 },
  );
});

void test('README times: offsets are honoured in every spelling, a bare time is UTC', () => {
  const key: ParamsFile = {
    name: `wrappingKey_${KEY_ID}_20261124100000`,
    bytes: fixture('wrapping-rsa-2048.pub.pem'),
  };
  const at = (line: string) =>
    parseImportParameters(
      [key, { name: `README_${KEY_ID}_20261124100000`, bytes: Buffer.from(`CMK\n${line}\n`) }],
      BEFORE,
    ).validTo?.toISOString();
  assert.equal(at('expires at 2026-11-25 18:00:00 GMT+08:00'), EXPIRES);
  assert.equal(at('expires at 2026-11-25 18:00:00 (UTC+8)'), EXPIRES);
  assert.equal(at('expires at 2026-11-25 18:00:00 +0800'), EXPIRES);
  assert.equal(at('expires at 2026-11-25 05:00:00 UTC-05:00'), EXPIRES);
  assert.equal(at('expires at 2026-11-25 10:00:00'), EXPIRES);
  assert.equal(at('expires at 2026-11-25T10:00:00Z'), EXPIRES);
});

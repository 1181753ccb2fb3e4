import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, randomBytes } from 'node:crypto';
import {
  PARAMS_FILE_FORMAT,
  parseImportParameters,
  serializeFetchedParameters,
} from '../../../src-shared/wrap/index.js';
import { fixture, throwsCode } from './harness/helpers.js';

const NOW = new Date('2026-11-24T02:00:00Z');
const ARN = 'arn:aws:kms:eu-west-1:111122223333:key/f44c4e20-f83c-48f4-adc6-a1ef38829760';
const spki = createPublicKey(fixture('wrapping-rsa-3072.pub.pem')).export({ type: 'spki', format: 'der' });
const token = randomBytes(300);

const fetched = (endpoint?: string): string =>
  serializeFetchedParameters({
    keyArn: ARN,
    keySpec: 'ECC_NIST_P384',
    algorithm: 'RSA_AES_KEY_WRAP_SHA_256',
    wrappingKeySpec: 'RSA_3072',
    publicKey: spki,
    importToken: token,
    validTo: new Date('2026-11-25T01:00:00.250Z'),
    region: 'eu-west-1',
    ...(endpoint ? { endpoint } : {}),
    fetchedAt: NOW,
  });

const parse = (text: string) =>
  parseImportParameters([{ name: 'params.json', bytes: Buffer.from(text) }], NOW);

void test('the file params fetch writes reads back with every fact, in the AWS CLI’s field names', () => {
  const text = fetched('http://127.0.0.1:4599');
  const doc = JSON.parse(text) as Record<string, unknown>;
  assert.equal(doc['Format'], PARAMS_FILE_FORMAT);
  assert.equal(doc['ParametersValidTo'], Date.parse('2026-11-25T01:00:00.250Z') / 1000, 'epoch seconds');
  const p = parse(text);
  assert.equal(p.format, PARAMS_FILE_FORMAT);
  assert.equal(p.keyArn, ARN);
  assert.equal(p.keySpec, 'ECC_NIST_P384');
  assert.equal(p.algorithm, 'RSA_AES_KEY_WRAP_SHA_256');
  assert.equal(p.wrappingKeySpec, 'RSA_3072');
  assert.deepEqual(p.importToken, token);
  assert.equal(p.region, 'eu-west-1');
  assert.equal(p.endpoint, 'http://127.0.0.1:4599');
  assert.equal(p.validTo?.toISOString(), '2026-11-25T01:00:00.250Z');
  assert.equal(parse(fetched()).endpoint, undefined);
});

void test('a file that claims the format must be complete and consistent', () => {
  const edit = (f: (d: Record<string, unknown>) => void): string => {
    const d = JSON.parse(fetched()) as Record<string, unknown>;
    f(d);
    return JSON.stringify(d);
  };
  throwsCode(() => parse(edit((d) => delete d['WrappingAlgorithm'])), 'PARAMS_INVALID');
  throwsCode(() => parse(edit((d) => delete d['KeySpec'])), 'PARAMS_INVALID');
  throwsCode(() => parse(edit((d) => (d['Format'] = 'keyrite-import-parameters/v9'))), 'PARAMS_INVALID');
  throwsCode(() => parse(edit((d) => (d['KeySpec'] = 'SYMETRIC_DEFAULT'))), 'PARAMS_INVALID');
  throwsCode(() => parse(edit((d) => (d['Region'] = 'us-east-1'))), 'PARAMS_INCONSISTENT');
  throwsCode(() => parse(edit((d) => (d['Endpoint'] = 'http://x/$(id)'))), 'PARAMS_INVALID');
  throwsCode(() => parse(edit((d) => (d['Endpoint'] = 'file:///etc/passwd'))), 'PARAMS_INVALID');
});

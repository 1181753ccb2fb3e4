import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { zipSync } from 'fflate';
import fc from 'fast-check';
import {
  type ImportParameters,
  assertNotExpired,
  parseImportParameters,
} from '../../../src-shared/wrap/index.js';
import { fixture, onlyKeyriteErrors, throwsCode } from './harness/helpers.js';

const KEY_ID = 'f44c4e20-f83c-48f4-adc6-a1ef38829760';
const ARN = `arn:aws:kms:us-west-2:111122223333:key/${KEY_ID}`;
const TS = '0809092909';
const NOW = new Date('2026-11-24T02:00:00Z');
const VALID_TO = new Date('2026-11-25T01:00:00Z');
const spki = createPublicKey(fixture('wrapping-rsa-2048.pub.pem')).export({ type: 'spki', format: 'der' });
const fp = createHash('sha256').update(spki).digest('hex');
const token = randomBytes(300);
/** `npm run test:faults` (KEYRITE_FAULTS=long) runs the fuzzing properties 20 times longer; seeded. */
const RUNS = process.env['KEYRITE_FAULTS'] === 'long' ? 20 : 1;
const SEED = 17_0214;

/** The wording of the console README is not published; this is a plausible stand-in. */
const README = [
  `Key ID: ${KEY_ID}`,
  'Wrapping algorithm: RSAES_OAEP_SHA_256',
  'Wrapping key spec: RSA_2048',
  `The wrapping key and import token expire at: ${VALID_TO.toISOString()}`,
  '',
].join('\n');

function consoleZip(readme = README, files: Record<string, Uint8Array> = {}): Uint8Array {
  return zipSync({
    [`wrappingKey_${KEY_ID}_${TS}`]: spki,
    [`importToken_${KEY_ID}_${TS}`]: token,
    [`README_${KEY_ID}_${TS}.txt`]: Buffer.from(readme),
    ...files,
  });
}

function cliJson(o: Record<string, unknown> = {}): Uint8Array {
  return Buffer.from(
    JSON.stringify(
      {
        KeyId: ARN,
        ImportToken: token.toString('base64'),
        PublicKey: spki.toString('base64'),
        ParametersValidTo: VALID_TO.getTime() / 1000,
        ...o,
      },
      null,
      4,
    ),
  );
}

void test('the console ImportParameters.zip: key id, algorithm, spec, token, expiry', () => {
  const p = parseImportParameters([{ name: '/tmp/x/ImportParameters.zip', bytes: consoleZip() }], NOW);
  assert.equal(p.keyId, KEY_ID);
  assert.equal(p.algorithm, 'RSAES_OAEP_SHA_256');
  assert.equal(p.wrappingKeySpec, 'RSA_2048');
  assert.equal(p.wrappingKey.fingerprintSha256, fp);
  assert.deepEqual(p.importToken, token);
  assert.deepEqual(p.validTo, VALID_TO);
  assert.equal(p.expired, false);
  assert.match(p.source, /ImportParameters\.zip \(console zip\)/);
});

void test('README times in other shapes are read as UTC', () => {
  for (const line of [
    'Expires: 2026-11-25 01:00:00 UTC',
    'valid until 2026-11-25T01:00:00Z',
    'Expiration: 2026-11-25 01:00',
    'Valid to 2026-11-25T03:00:00+02:00',
    'expires 2026-11-25 02:00:00 +0100',
  ]) {
    const p = parseImportParameters(
      [{ name: 'ImportParameters.zip', bytes: consoleZip(`RSAES_OAEP_SHA_1\n${line}\n`) }],
      NOW,
    );
    assert.deepEqual(p.validTo, VALID_TO, line);
    assert.equal(p.algorithm, 'RSAES_OAEP_SHA_1');
  }
});

void test('the CLI JSON of get-parameters-for-import, with epoch seconds or an ISO time', () => {
  for (const validTo of [
    VALID_TO.getTime() / 1000,
    VALID_TO.toISOString(),
    String(VALID_TO.getTime() / 1000),
  ]) {
    const p = parseImportParameters(
      [{ name: 'params.json', bytes: cliJson({ ParametersValidTo: validTo }) }],
      NOW,
    );
    assert.equal(p.keyId, KEY_ID);
    assert.equal(p.keyArn, ARN);
    assert.equal(p.algorithm, undefined, 'the CLI output does not name the algorithm');
    assert.deepEqual(p.importToken, token);
    assert.deepEqual(p.validTo, VALID_TO);
    assert.equal(p.wrappingKey.fingerprintSha256, fp);
  }
  const named = parseImportParameters(
    [{ name: 'p.json', bytes: cliJson({ WrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' }) }],
    NOW,
  );
  assert.equal(named.algorithm, 'RSA_AES_KEY_WRAP_SHA_256');
});

void test('a binary ImportToken.bin that starts with "{" or whitespace is a token, not JSON', () => {
  for (const head of ['{', ' \t{', '\n{"']) {
    const tok = Buffer.concat([Buffer.from(head, 'latin1'), randomBytes(280)]);
    const p = parseImportParameters(
      [
        { name: 'PublicKey.bin', bytes: spki },
        { name: 'ImportToken.bin', bytes: tok },
      ],
      NOW,
    );
    assert.deepEqual(p.importToken, tok);
  }
});

void test('loose files: PublicKey.bin / .b64 / PEM with ImportToken.bin or .b64', () => {
  const forms = [spki, Buffer.from(spki.toString('base64')), fixture('wrapping-rsa-2048.pub.pem')];
  for (const key of forms) {
    for (const tok of [token, Buffer.from(token.toString('base64') + '\n')]) {
      const p = parseImportParameters(
        [
          { name: 'PublicKey.bin', bytes: key },
          { name: 'ImportToken.bin', bytes: tok },
        ],
        NOW,
      );
      assert.equal(p.wrappingKey.fingerprintSha256, fp);
      assert.deepEqual(p.importToken, token);
      assert.equal(p.validTo, undefined);
      assert.equal(p.expired, false);
    }
  }
});

void test('expired parameters are flagged and refused with a hint to fetch new ones', () => {
  const later = new Date(VALID_TO.getTime() + 1000);
  const p = parseImportParameters([{ name: 'p.json', bytes: cliJson() }], later);
  assert.equal(p.expired, true);
  const e = throwsCode(() => assertNotExpired(p, later), 'PARAMS_EXPIRED');
  assert.match(e.hint, /download new import parameters/);
  assertNotExpired(parseImportParameters([{ name: 'p.json', bytes: cliJson() }], NOW), NOW);
});

void test('files that disagree are refused', () => {
  const other = createPublicKey(fixture('wrapping-rsa-3072.pub.pem')).export({ type: 'spki', format: 'der' });
  throwsCode(
    () =>
      parseImportParameters(
        [
          { name: 'p.json', bytes: cliJson() },
          { name: 'PublicKey.bin', bytes: other },
        ],
        NOW,
      ),
    'PARAMS_INCONSISTENT',
  );
  throwsCode(
    () =>
      parseImportParameters(
        [
          { name: 'ImportParameters.zip', bytes: consoleZip() },
          { name: 'p.json', bytes: cliJson({ KeyId: 'mrk-1234abcd12ab34cd56ef1234567890ab' }) },
        ],
        NOW,
      ),
    'PARAMS_INCONSISTENT',
  );
  throwsCode(
    () =>
      parseImportParameters(
        [{ name: 'ImportParameters.zip', bytes: consoleZip(README.replace('RSA_2048', 'RSA_4096')) }],
        NOW,
      ),
    'PARAMS_INCONSISTENT',
  );
});

void test('malformed parameters: coded errors with a reason', () => {
  const bad: [string, Uint8Array, string][] = [
    ['no files', Buffer.alloc(0), 'PARAMS_INVALID'],
    ['p.json', Buffer.from('{"KeyId": "x"'), 'PARAMS_INVALID'],
    ['p.json', Buffer.from('{"KeyId": "x"}'), 'PARAMS_INVALID'],
    ['p.json', cliJson({ PublicKey: 42 }), 'PARAMS_INVALID'],
    ['p.json', cliJson({ ParametersValidTo: 'tomorrow' }), 'PARAMS_INVALID'],
    ['p.json', cliJson({ WrappingAlgorithm: 'RSA_OAEP' }), 'PARAMS_INVALID'],
    ['p.json', cliJson({ KeyId: 'alias/my key' }), 'PARAMS_INVALID'],
    ['p.json', cliJson({ PublicKey: 'AAAA' }), 'WRAPPING_KEY_INVALID'],
    ['p.json', cliJson({ ImportToken: 'not base64!' }), 'PARAMS_INVALID'],
    ['ImportParameters.zip', Buffer.from('PK\x03\x04garbage'), 'PARAMS_INVALID'],
    ['ImportParameters.zip', zipSync({ [`importToken_${KEY_ID}_${TS}`]: token }), 'PARAMS_INVALID'],
    ['ImportParameters.zip', zipSync({ 'inner.zip': consoleZip() }), 'PARAMS_INVALID'],
    ['ImportParameters.zip', zipSync({ big: new Uint8Array(300 * 1024) }), 'PARAMS_INVALID'],
  ];
  for (const [name, bytes, code] of bad) {
    throwsCode(() => parseImportParameters(name === 'no files' ? [] : [{ name, bytes }], NOW), code);
  }
});

void test('property: random bytes, random JSON, truncated and bit-flipped zips and JSON only give coded errors', () => {
  const zip = Buffer.from(consoleZip());
  const json = Buffer.from(cliJson());
  const run = (name: string, bytes: Uint8Array): ImportParameters | undefined => {
    let p: ImportParameters | undefined;
    onlyKeyriteErrors(() => {
      p = parseImportParameters([{ name, bytes }], NOW);
    });
    return p;
  };
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 500 }),
      fc.constantFrom('a.zip', 'a.json', 'PublicKey.bin', 'ImportToken.bin'),
      (b, n) => {
        run(n, b);
      },
    ),
    { numRuns: 300 * RUNS, seed: SEED },
  );
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      run('a.json', Buffer.from(JSON.stringify(v)));
    }),
    { numRuns: 300 * RUNS, seed: SEED },
  );
  for (const [name, good] of [
    ['ImportParameters.zip', zip],
    ['params.json', json],
  ] as const) {
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.nat(good.length * 8 - 1), (cut, bit) => {
        run(name, good.subarray(0, cut));
        const flipped = Buffer.from(good);
        flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
        run(name, flipped);
      }),
      { numRuns: 200 * RUNS, seed: SEED },
    );
  }
});

void test('property: console ZIPs of any shape give parameters or coded errors, in bounded memory', () => {
  const good = consoleZip();
  const run = (bytes: Uint8Array): void =>
    onlyKeyriteErrors(() => parseImportParameters([{ name: 'ImportParameters.zip', bytes }], NOW));
  const rssBefore = process.memoryUsage().rss;
  // Entries of any name (traversal, directories, unicode, the real names), count and content, stored
  // or deflated, beside or instead of the real ones.
  const realNames = [
    `wrappingKey_${KEY_ID}_${TS}`,
    `importToken_${KEY_ID}_${TS}`,
    `README_${KEY_ID}_${TS}.txt`,
  ];
  const name = fc.oneof(
    fc.constantFrom(...realNames, '../../etc/passwd', 'dir/', '/abs', 'README.txt', ''),
    fc.string({ maxLength: 40 }),
  );
  const content = fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.constant(spki), fc.constant(token));
  fc.assert(
    fc.property(
      fc.array(fc.tuple(name, content), { maxLength: 40 }),
      fc.constantFrom(0, 9),
      fc.boolean(),
      (entries, level, withReal) => {
        const files: Record<string, Uint8Array> = {};
        for (const [n, c] of entries) files[n] = c;
        let zip: Uint8Array;
        try {
          zip = withReal ? consoleZip(README, files) : zipSync(files, { level });
        } catch {
          return; // a name fflate itself cannot write
        }
        run(zip);
      },
    ),
    { numRuns: 150 * RUNS, seed: SEED + 1 },
  );
  // A bomb: 16 MiB of zeros deflates to ~16 KiB; it must be refused without being inflated in full.
  const bomb = consoleZip(README, { [`importToken_${KEY_ID}_${TS}`]: new Uint8Array(16 * 2 ** 20) });
  assert.ok(bomb.length < 2 ** 20);
  throwsCode(() => parseImportParameters([{ name: 'ImportParameters.zip', bytes: bomb }], NOW));
  run(good);
  const grown = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  assert.ok(grown < 200, `memory grew by ${grown.toFixed(0)} MiB`);
});

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { main } from '../../../src-main/cli/main.js';
import type { CliIO } from '../../../src-main/cli/io.js';
import { wrappingPair } from '../wrap/harness/helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-cli-params-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const pair = wrappingPair('RSA_3072');
const spki = pair.publicKey.spkiDer;
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

function put(name: string, bytes: Uint8Array | string): string {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const validTo = new Date(Date.now() + 5 * 3600e3);
const zip = put(
  'ImportParameters.zip',
  zipSync({
    [`wrappingKey_${KEY_ID}_0809092909`]: spki,
    [`importToken_${KEY_ID}_0809092909`]: new Uint8Array(100).fill(7),
    [`README_${KEY_ID}_0809092909.txt`]: Buffer.from(
      `Wrapping algorithm: RSAES_OAEP_SHA_256\nExpires: ${validTo.toISOString()}\n`,
    ),
  }),
);

void test('params inspect: a console zip shows key id, algorithm, spec, fingerprint, token, valid-to', async () => {
  const r = await run(['params', 'inspect', zip]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`key id +${KEY_ID}`));
  assert.match(r.out, /algorithm +RSAES_OAEP_SHA_256/);
  assert.match(r.out, new RegExp(`wrapping key +RSA_3072 +SHA-256 ${pair.publicKey.fingerprintSha256}`));
  assert.match(r.out, /import token +100 bytes/);
  assert.match(r.out, new RegExp(`valid to +${validTo.toISOString()} \\(in 5h 0m\\)`));
  assert.match(r.out, /status +valid/);
});

void test('params inspect --json and several loose files read as one set', async () => {
  const key = put('PublicKey.b64', spki.toString('base64'));
  const token = put('ImportToken.bin', new Uint8Array(50).fill(3));
  const r = await run(['params', 'inspect', '--json', key, token]);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as Record<string, unknown>;
  assert.equal(j.wrappingKeySpec, 'RSA_3072');
  assert.equal(j.wrappingKeySha256, pair.publicKey.fingerprintSha256);
  assert.equal(j.importTokenBytes, 50);
  assert.equal(j.expired, false);
});

void test('params inspect exits 1 on expired parameters and says to fetch new ones', async () => {
  const json = put(
    'expired.json',
    JSON.stringify({
      KeyId: KEY_ID,
      PublicKey: spki.toString('base64'),
      ImportToken: 'AAAA',
      ParametersValidTo: Date.now() / 1000 - 7200,
    }),
  );
  const r = await run(['params', 'inspect', json]);
  assert.equal(r.code, 1);
  assert.match(r.out, /status +EXPIRED/);
  assert.match(r.err, /expired at .*\n {2}hint: download new import parameters/);
});

void test('params refuses bad use and bad files with a reason and a hint', async () => {
  const cases: [string[], RegExp][] = [
    [['params'], /missing subcommand/],
    [['params', 'show', zip], /unknown params subcommand/],
    [['params', 'inspect'], /at least one/],
    [['params', 'inspect', path.join(dir, 'missing')], /not found/],
    [['params', 'inspect', dir], /not a regular file/],
    [['params', 'inspect', put('junk.bin', 'hello')], /not valid base64|not a valid RSA/],
    [['params', 'inspect', put('bad.json', '{"PublicKey": 1}')], /PublicKey must be a string/],
  ];
  for (const [args, reason] of cases) {
    const r = await run(args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.err, reason);
    assert.match(r.err, /\n {2}hint: \S/);
  }
});

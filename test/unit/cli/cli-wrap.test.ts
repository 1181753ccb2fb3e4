import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { main } from '../../../src-main/cli/main.js';
import type { CliIO } from '../../../src-main/cli/io.js';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { unwrapKeyMaterial } from '../../../src-shared/wrap/index.js';
import { FIXTURES, fixture, materialBytes, wrappingPair } from '../wrap/harness/helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-cli-wrap-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const pair = wrappingPair('RSA_2048');
const pubPem = path.join(FIXTURES, 'wrapping-rsa-2048.pub.pem');
let n = 0;
const fresh = (name: string): string => path.join(dir, `${n++}-${name}`);

function put(name: string, bytes: Uint8Array | string): string {
  const p = fresh(name);
  writeFileSync(p, bytes);
  return p;
}

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(args, io);
  return { code, out, err };
}

const sym = put('sym.bin', materialBytes('SYMMETRIC_DEFAULT'));
/** RSA_AES_KEY_WRAP_* carries only RSA and ECC private keys, so those tests wrap an ECC key. */
const ecc = path.join(FIXTURES, 'material-ec-p256.p8.der');

void test('wrap: prints fingerprint, KCV and size; writes a 0600 file that unwraps to the material', async () => {
  const out = fresh('out.bin');
  const r = await run([
    'wrap',
    '--wrapping-key',
    pubPem,
    '--unchecked-algorithm',
    '--algorithm',
    'RSAES_OAEP_SHA_256',
    '--material',
    sym,
    '--out',
    out,
  ]);
  assert.equal(r.code, 0, r.err.join('\n'));
  const text = r.out.join('\n');
  assert.match(text, new RegExp(pair.publicKey.fingerprintSha256));
  assert.match(text, /AES_CMAC 3A145D/);
  assert.match(text, /\(256 bytes\)/);
  assert.equal(statSync(out).mode & 0o777, 0o600);
  const back = unwrapKeyMaterial({
    wrapped: readFileSync(out),
    algorithm: 'RSAES_OAEP_SHA_256',
    privateKey: pair.privateKey,
  });
  assert.deepEqual(
    back.use((b) => Buffer.from(b)),
    materialBytes('SYMMETRIC_DEFAULT'),
  );
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temp file left behind',
  );
});

void test('wrap: --legacy-kcv adds the ECB KCV; PKCS#1 v1.5 warns; 32 bytes note the SYMMETRIC_DEFAULT guess', async () => {
  const r = await run([
    'wrap',
    '--wrapping-key',
    pubPem,
    '--unchecked-algorithm',
    '--algorithm',
    'RSAES_PKCS1_V1_5',
    '--material',
    sym,
    '--out',
    fresh('o'),
    '--legacy-kcv',
  ]);
  assert.equal(r.code, 0);
  assert.match(r.out.join('\n'), /legacy KCV +AES_ECB [0-9A-F]{6}/);
  assert.match(r.err.join('\n'), /October 2023/);
  assert.match(r.err.join('\n'), /HMAC_256/);
});

void test('wrap: asymmetric material shows its public key fingerprint', async () => {
  const m = path.join(FIXTURES, 'material-ec-secp256k1.p8.der');
  const r = await run([
    'wrap',
    '--wrapping-key',
    pubPem,
    '--unchecked-algorithm',
    '--algorithm',
    'RSA_AES_KEY_WRAP_SHA_256',
    '--material',
    m,
    '--out',
    fresh('o'),
  ]);
  assert.equal(r.code, 0, r.err.join('\n'));
  assert.match(r.out.join('\n'), /ECC_SECG_P256K1, 135 bytes/);
  assert.match(
    r.out.join('\n'),
    /PUBLIC_KEY_SHA256 9038c942adc0afea9a53759715dfc6e005e1a6a0d0b944562eaf06898ae11036/,
  );
});

const spki = pair.publicKey.spkiDer;
const paramsJson = (validTo: number, extra: Record<string, unknown> = {}): string =>
  put(
    'params.json',
    JSON.stringify({
      KeyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      ImportToken: 'AAAAAAAAAAAAAAAAAAAAAA==',
      PublicKey: spki.toString('base64'),
      ParametersValidTo: validTo,
      ...extra,
    }),
  );

void test('wrap: the wrapping key may be import parameters; their algorithm is used and enforced', async () => {
  const zip = put(
    'ImportParameters.zip',
    zipSync({
      'wrappingKey_1234abcd-12ab-34cd-56ef-1234567890ab_0809092909': spki,
      'importToken_1234abcd-12ab-34cd-56ef-1234567890ab_0809092909': new Uint8Array(64),
      'README_1234abcd-12ab-34cd-56ef-1234567890ab_0809092909.txt': Buffer.from(
        `Wrapping algorithm: RSA_AES_KEY_WRAP_SHA_1\nExpires: ${new Date(Date.now() + 3600e3).toISOString()}\n`,
      ),
    }),
  );
  const out = fresh('o');
  const token = fresh('token.bin');
  const ok = await run([
    'wrap',
    '--wrapping-key',
    zip,
    '--material',
    ecc,
    '--out',
    out,
    '--token-out',
    token,
  ]);
  assert.equal(ok.code, 0, ok.err.join('\n'));
  assert.match(ok.out.join('\n'), /algorithm +RSA_AES_KEY_WRAP_SHA_1 \(named by the import parameters\)/);
  assert.deepEqual(
    readFileSync(token),
    Buffer.alloc(64),
    'the token is written as the raw bytes of the zip entry',
  );
  const again = await run([
    'wrap',
    '--wrapping-key',
    zip,
    '--material',
    ecc,
    '--out',
    fresh('o'),
    '--token-out',
    token,
  ]);
  assert.equal(again.code, 1);
  assert.match(again.err.join('\n'), /\(the import token\) already exists\n {2}hint: pass --token-out/);
  const back = unwrapKeyMaterial({
    wrapped: readFileSync(out),
    algorithm: 'RSA_AES_KEY_WRAP_SHA_1',
    privateKey: pair.privateKey,
  });
  assert.deepEqual(
    back.use((b) => Buffer.from(b)),
    materialBytes('ECC_NIST_P256'),
  );
  back.dispose();

  const mismatch = await run([
    'wrap',
    '--wrapping-key',
    zip,
    '--algorithm',
    'RSAES_OAEP_SHA_256',
    '--material',
    ecc,
    '--out',
    fresh('o'),
  ]);
  assert.equal(mismatch.code, 1);
  assert.match(mismatch.err[0] ?? '', /fetched for RSA_AES_KEY_WRAP_SHA_1/);

  const json = paramsJson(Date.now() / 1000 + 3600);
  assert.equal(
    (await run(['wrap', '--wrapping-key', json, '--material', sym, '--out', fresh('o')])).code,
    1,
    'JSON names no algorithm',
  );
  assert.equal(
    (
      await run([
        'wrap',
        '--wrapping-key',
        json,
        '--algorithm',
        'RSAES_OAEP_SHA_1',
        '--material',
        sym,
        '--out',
        fresh('o'),
      ])
    ).code,
    1,
    'JSON names no algorithm, so the stated one must be acknowledged as unchecked',
  );
  const acknowledged = await run([
    'wrap',
    '--wrapping-key',
    json,
    '--algorithm',
    'RSAES_OAEP_SHA_1',
    '--unchecked-algorithm',
    '--material',
    sym,
    '--out',
    fresh('o'),
    '--token-out',
    fresh('token'),
  ]);
  assert.equal(acknowledged.code, 0, acknowledged.err.join('\n'));
  assert.match(
    acknowledged.out.join('\n'),
    /RSAES_OAEP_SHA_1 \(as you stated; the parameters cannot confirm it\)/,
  );
});

/** Every bad input: non-zero exit, exactly one line of reason and one line of hint, no output file. */
const BAD: [string, () => string[], RegExp][] = [
  [
    'unknown algorithm',
    () => [
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSA_OAEP_256',
      '--material',
      sym,
    ],
    /`RSA_OAEP_256` is not a wrapping algorithm; did you mean `RSAES_OAEP_SHA_256`\?/,
  ],
  [
    'unknown key spec',
    () => [
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      sym,
      '--key-spec',
      'AES_256',
    ],
    /`AES_256` is not a key spec/,
  ],
  [
    'missing --material',
    () => ['--wrapping-key', pubPem, '--unchecked-algorithm', '--algorithm', 'RSAES_OAEP_SHA_256'],
    /--material is required/,
  ],
  [
    'unknown flag',
    () => [
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      sym,
      '--force',
    ],
    /Unknown option/,
  ],
  [
    'bare key without --algorithm',
    () => ['--wrapping-key', pubPem, '--material', sym],
    /do not say which wrapping algorithm/,
  ],
  [
    'bare key with --algorithm but without --unchecked-algorithm',
    () => ['--wrapping-key', pubPem, '--algorithm', 'RSAES_OAEP_SHA_1', '--material', sym],
    /cannot check RSAES_OAEP_SHA_1 against them/,
  ],
  [
    'material file missing',
    () => [
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      path.join(dir, 'nope'),
    ],
    /not found/,
  ],
  [
    'wrapping key missing',
    () => ['--wrapping-key', path.join(dir, 'nope'), '--algorithm', 'RSAES_OAEP_SHA_256', '--material', sym],
    /not found/,
  ],
  [
    'material a FIFO (would block on open)',
    () => {
      const fifo = fresh('fifo');
      execFileSync('mkfifo', [fifo]);
      return [
        '--wrapping-key',
        pubPem,
        '--unchecked-algorithm',
        '--algorithm',
        'RSAES_OAEP_SHA_256',
        '--material',
        fifo,
      ];
    },
    /not a regular file/,
  ],
  [
    'material a directory',
    () => [
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      dir,
    ],
    /not a regular file/,
  ],
  [
    'wrong material size',
    () => [
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      put('m', Buffer.alloc(31, 1)),
      '--key-spec',
      'SYMMETRIC_DEFAULT',
    ],
    /exactly 32 bytes/,
  ],
  [
    'unrecognisable material',
    () => [
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      put('m', Buffer.alloc(31, 1)),
    ],
    /cannot tell the key spec/,
  ],

  [
    'hex material',
    () => [
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      put('m', 'ab'.repeat(32)),
      '--key-spec',
      'SYMMETRIC_DEFAULT',
    ],
    /64 bytes/,
  ],
  [
    'PEM material',
    () => [
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSA_AES_KEY_WRAP_SHA_256',
      '--material',
      path.join(FIXTURES, 'wrapping-rsa-2048.key.pem'),
      '--key-spec',
      'RSA_2048',
    ],
    /PEM text/,
  ],
  [
    'corrupt wrapping key',
    () => [
      '--wrapping-key',
      put('k.bin', spki.subarray(0, 100)),
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      sym,
    ],
    /not a valid RSA public key/,
  ],
  [
    'EC wrapping key',
    () => [
      '--wrapping-key',
      path.join(FIXTURES, 'wrapping-ec-p256.pub.pem'),
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      sym,
    ],
    /not an RSA key/,
  ],
  [
    'private key as wrapping key',
    () => [
      '--wrapping-key',
      pair.privatePemPath,
      '--unchecked-algorithm',
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      sym,
    ],
    /private key/,
  ],
  [
    'RSA material with OAEP',
    () => [
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      path.join(FIXTURES, 'material-rsa-2048.p8.der'),
    ],
    /RSA_2048 material/,
  ],
  [
    'symmetric material with RSA_AES_KEY_WRAP (AWS takes it for RSA and ECC keys only)',
    () => [
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSA_AES_KEY_WRAP_SHA_256',
      '--material',
      sym,
      '--key-spec',
      'SYMMETRIC_DEFAULT',
    ],
    /SYMMETRIC_DEFAULT material cannot be wrapped with RSA_AES_KEY_WRAP_SHA_256/,
  ],
  [
    'HMAC material with RSA_AES_KEY_WRAP',
    () => [
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSA_AES_KEY_WRAP_SHA_1',
      '--material',
      put('m', materialBytes('HMAC_512')),
      '--key-spec',
      'HMAC_512',
    ],
    /only for RSA and ECC private keys/,
  ],
  [
    'P-521 too long for RSA_2048 OAEP',
    () => [
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSAES_OAEP_SHA_1',
      '--material',
      path.join(FIXTURES, 'material-ec-p521.p8.der'),
    ],
    /at most 214 bytes/,
  ],
  [
    'spec mismatch',
    () => [
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      path.join(FIXTURES, 'material-ec-p256.p8.der'),
      '--key-spec',
      'ECC_SECG_P256K1',
    ],
    /ECC_NIST_P256/,
  ],
  [
    'expired parameters',
    () => [
      '--wrapping-key',
      paramsJson(Date.now() / 1000 - 60),
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      sym,
    ],
    /expired/,
  ],
  [
    'output directory missing',
    () => [
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      sym,
      '--out',
      path.join(dir, 'no', 'such', 'o.bin'),
    ],
    /cannot write/,
  ],
];

for (const [what, args, reason] of BAD) {
  void test(`wrap refuses: ${what}`, async () => {
    const a = args();
    const out = a.includes('--out') ? undefined : fresh('never.bin');
    const r = await run(['wrap', ...a, ...(out ? ['--out', out] : [])]);
    assert.notEqual(r.code, 0);
    assert.equal(r.code < 70, true, `an internal error: ${r.err.join(' | ')}`);
    assert.equal(r.err.length, 2, r.err.join('\n'));
    assert.match(r.err[0] ?? '', /^keyrite: /);
    assert.match(r.err[0] ?? '', reason);
    assert.match(r.err[1] ?? '', /^ {2}hint: \S/);
    if (out) assert.throws(() => statSync(out), /ENOENT/);
  });
}

void test('HMAC material whose length fits two specs: wrap names both and asks for --key-spec', async () => {
  const r = await run([
    'wrap',
    '--wrapping-key',
    pubPem,
    '--unchecked-algorithm',
    '--algorithm',
    'RSAES_OAEP_SHA_256',
    '--material',
    put('m', Buffer.alloc(40, 1)),
    '--out',
    fresh('never.bin'),
  ]);
  assert.equal(r.code, 1);
  assert.deepEqual(r.err, [
    'keyrite: cannot tell the key spec of 40 bytes of material',
    '  hint: 40 raw bytes fit HMAC_224 or HMAC_256: pass --key-spec with the spec of the KMS key',
  ]);
});

void test('wrap never overwrites: an existing --out is refused and left untouched', async () => {
  const out = put('existing.bin', 'keep me');
  const r = await run([
    'wrap',
    '--wrapping-key',
    pubPem,
    '--unchecked-algorithm',
    '--algorithm',
    'RSAES_OAEP_SHA_256',
    '--material',
    sym,
    '--out',
    out,
  ]);
  assert.equal(r.code, 1);
  assert.match(r.err[0] ?? '', /already exists/);
  assert.equal(readFileSync(out, 'utf8'), 'keep me');
});

void test('the material buffer the CLI reads is zeroed after success and after failure', async () => {
  const original = SecretBuffer.alloc.bind(SecretBuffer);
  const seen: Buffer[] = [];
  SecretBuffer.alloc = (length: number): SecretBuffer => {
    const s = original(length);
    s.use((b) => seen.push(b));
    return s;
  };
  try {
    const ok = await run([
      'wrap',
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      sym,
      '--out',
      fresh('o'),
    ]);
    assert.equal(ok.code, 0);
    const fail = await run([
      'wrap',
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      sym,
      '--key-spec',
      'HMAC_384',
      '--out',
      fresh('o'),
    ]);
    assert.equal(fail.code, 1);
    const ecc = await run([
      'wrap',
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'RSAES_OAEP_SHA_256',
      '--material',
      path.join(FIXTURES, 'material-ec-p384.p8.der'),
      '--out',
      fresh('o'),
    ]);
    assert.equal(ecc.code, 0);
  } finally {
    SecretBuffer.alloc = original;
  }
  assert.ok(
    seen.some((b) => b.length === 32) &&
      seen.some((b) => b.length === fixture('material-ec-p384.p8.der').length),
  );
  for (const b of seen)
    assert.ok(
      b.every((x) => x === 0),
      `a ${b.length}-byte material buffer was not zeroed`,
    );
});

void test('the real process: exit status and stderr through node', () => {
  const script = `require('./src-main/cli/main.ts').main(process.argv.slice(1)).then((c) => { process.exitCode = c; })`;
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      script,
      'wrap',
      '--wrapping-key',
      pubPem,
      '--unchecked-algorithm',
      '--algorithm',
      'NOPE',
      '--material',
      sym,
      '--out',
      fresh('o'),
    ],
    {
      cwd: path.resolve(__dirname, '../../..'),
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    /^keyrite: `NOPE` is not a wrapping algorithm\n {2}hint: use one of RSAES_OAEP_SHA_256, /,
  );
  assert.equal(r.stdout, '');
});

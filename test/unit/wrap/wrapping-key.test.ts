import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import { parseWrappingPublicKey } from '../../../src-shared/wrap/index.js';
import { fixture, onlyKeyriteErrors, throwsCode } from './harness/helpers.js';

const pem = fixture('wrapping-rsa-2048.pub.pem');
const key = createPublicKey(pem);
const spki = key.export({ type: 'spki', format: 'der' });
const pkcs1 = key.export({ type: 'pkcs1', format: 'der' });
const pkcs1Pem = Buffer.from(key.export({ type: 'pkcs1', format: 'pem' }));
const fp = createHash('sha256').update(spki).digest('hex');

void test('every accepted form gives the same SPKI, size and fingerprint', () => {
  const forms: [string, Buffer][] = [
    ['DER SPKI (.bin)', spki],
    ['PEM PUBLIC KEY', pem],
    ['PEM RSA PUBLIC KEY', pkcs1Pem],
    ['DER PKCS#1', pkcs1],
    ['base64 (.b64, as the CLI prints it)', Buffer.from(spki.toString('base64'))],
    [
      'base64 wrapped at 64 columns with CRLF',
      Buffer.from(spki.toString('base64').replace(/(.{64})/g, '$1\r\n') + '\r\n'),
    ],
  ];
  for (const [what, bytes] of forms) {
    const k = parseWrappingPublicKey(bytes);
    assert.deepEqual(k.spkiDer, spki, what);
    assert.equal(k.bits, 2048, what);
    assert.equal(k.spec, 'RSA_2048', what);
    assert.equal(k.fingerprintSha256, fp, what);
  }
});

void test('3072 and 4096-bit wrapping keys are recognised', () => {
  assert.equal(parseWrappingPublicKey(fixture('wrapping-rsa-3072.pub.pem')).spec, 'RSA_3072');
  assert.equal(parseWrappingPublicKey(fixture('wrapping-rsa-4096.pub.pem')).spec, 'RSA_4096');
});

void test('refusals: other sizes, non-RSA keys, private keys, certificates, junk', () => {
  assert.match(
    throwsCode(() => parseWrappingPublicKey(fixture('wrapping-rsa-1024.pub.pem')), 'WRAPPING_KEY_INVALID')
      .message,
    /RSA-1024/,
  );
  assert.match(
    throwsCode(() => parseWrappingPublicKey(fixture('wrapping-ec-p256.pub.pem')), 'WRAPPING_KEY_INVALID')
      .message,
    /not an RSA/,
  );
  assert.match(
    throwsCode(() => parseWrappingPublicKey(fixture('wrapping-rsa-2048.key.pem')), 'WRAPPING_KEY_INVALID')
      .message,
    /private key/,
  );
  throwsCode(
    () =>
      parseWrappingPublicKey(Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')),
    'WRAPPING_KEY_INVALID',
  );
  throwsCode(() => parseWrappingPublicKey(Buffer.alloc(0)), 'WRAPPING_KEY_INVALID');
  throwsCode(() => parseWrappingPublicKey(Buffer.from('not base64 at all!')), 'WRAPPING_KEY_INVALID');
  throwsCode(() => parseWrappingPublicKey(Buffer.concat([spki, Buffer.from([0])])), 'WRAPPING_KEY_INVALID');
  throwsCode(
    () => parseWrappingPublicKey(Buffer.from(pem.toString().replace('-----END PUBLIC KEY-----', ''))),
    'WRAPPING_KEY_INVALID',
  );
});

void test('property: random bytes and random text are refused with a coded error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (b) => onlyKeyriteErrors(() => parseWrappingPublicKey(b))),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), (s) =>
      onlyKeyriteErrors(() => parseWrappingPublicKey(Buffer.from(s))),
    ),
    { numRuns: 300 },
  );
});

void test('property: truncated and bit-flipped DER, PEM and base64 fail with a coded error or still parse to RSA', () => {
  for (const form of [spki, pem, Buffer.from(spki.toString('base64'))]) {
    fc.assert(
      fc.property(fc.nat(form.length - 1), fc.nat(form.length * 8 - 1), (cut, bit) => {
        onlyKeyriteErrors(() => parseWrappingPublicKey(form.subarray(0, cut)));
        const flipped = Buffer.from(form);
        flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
        onlyKeyriteErrors(() => {
          const k = parseWrappingPublicKey(flipped);
          // A flip inside the modulus can still be a valid key; then it must still be reported honestly.
          assert.equal(k.fingerprintSha256, createHash('sha256').update(k.spkiDer).digest('hex'));
        });
      }),
      { numRuns: 150 },
    );
  }
});

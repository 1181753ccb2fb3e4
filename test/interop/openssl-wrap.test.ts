import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import {
  WRAPPING_ALGORITHMS,
  WRAPPING_KEY_SPECS,
  type KeyMaterialSpec,
  type WrappingAlgorithm,
  algorithmParts,
  unwrapKeyMaterial,
  wrapKeyMaterial,
} from '../../src-shared/wrap/index.js';
import { FIXTURES, materialBytes, wrappingPair } from '../unit/wrap/harness/helpers.js';
import { Scratchpad, openssl, requireOpenssl } from '../unit/wrap/harness/openssl-oracle.js';

requireOpenssl();
const pad = new Scratchpad();
after(() => pad.remove());

/** pkeyutl options for the RSA part; MGF1 is set explicitly to the OAEP hash, as AWS requires. */
function rsaOpts(algorithm: WrappingAlgorithm): string[] {
  const p = algorithmParts(algorithm);
  if (p.rsa === 'pkcs1') return ['-pkeyopt', 'rsa_padding_mode:pkcs1'];
  return [
    '-pkeyopt',
    'rsa_padding_mode:oaep',
    '-pkeyopt',
    `rsa_oaep_md:${p.hash}`,
    '-pkeyopt',
    `rsa_mgf1_md:${p.hash}`,
  ];
}

/** What KMS does on import, done by openssl: RSA-decrypt, then (for RSA_AES_KEY_WRAP) RFC 5649 unwrap. */
function opensslUnwrap(wrapped: Buffer, algorithm: WrappingAlgorithm, keyPem: string, bits: number): Buffer {
  const k = bits / 8;
  if (!algorithmParts(algorithm).aesKeyWrap) {
    return openssl([
      'pkeyutl',
      '-decrypt',
      '-inkey',
      keyPem,
      '-in',
      pad.file(wrapped),
      ...rsaOpts(algorithm),
    ]);
  }
  const aesKey = openssl([
    'pkeyutl',
    '-decrypt',
    '-inkey',
    keyPem,
    '-in',
    pad.file(wrapped.subarray(0, k)),
    ...rsaOpts(algorithm),
  ]);
  assert.equal(aesKey.length, 32);
  return openssl([
    'enc',
    '-d',
    '-id-aes256-wrap-pad',
    '-K',
    aesKey.toString('hex'),
    '-iv',
    'A65959A6',
    '-in',
    pad.file(wrapped.subarray(k)),
  ]);
}

/**
 * Material per algorithm, as AWS allows it: symmetric for the direct RSA algorithms, plus
 * asymmetric; RSA_AES_KEY_WRAP_* carries RSA and ECC private keys only.
 */
function materialsFor(algorithm: WrappingAlgorithm, bits: number): KeyMaterialSpec[] {
  if (algorithm === 'RSAES_PKCS1_V1_5') return ['SYMMETRIC_DEFAULT', 'HMAC_224'];
  if (algorithmParts(algorithm).aesKeyWrap)
    return ['ECC_NIST_P256', 'RSA_4096', 'ECC_NIST_P521', 'ECC_SECG_P256K1'];
  return bits === 2048
    ? ['SYMMETRIC_DEFAULT', 'HMAC_512', 'ECC_NIST_P384']
    : ['SYMMETRIC_DEFAULT', 'ECC_NIST_P521'];
}

for (const wkSpec of WRAPPING_KEY_SPECS) {
  const pair = wrappingPair(wkSpec);
  for (const algorithm of WRAPPING_ALGORITHMS) {
    void test(`${algorithm} × ${wkSpec}: openssl unwraps what Keyrite wrapped to the same bytes`, () => {
      for (const spec of materialsFor(algorithm, pair.publicKey.bits)) {
        const bytes = spec === 'SYMMETRIC_DEFAULT' ? randomBytes(32) : materialBytes(spec);
        const material = SecretBuffer.adopt(Buffer.from(bytes));
        const { wrapped } = wrapKeyMaterial({ material, spec, algorithm, wrappingKey: pair.publicKey });
        material.dispose();
        assert.deepEqual(
          opensslUnwrap(wrapped, algorithm, pair.privatePemPath, pair.publicKey.bits),
          bytes,
          spec,
        );
      }
    });
  }
}

void test('MGF1 follows the OAEP hash: openssl with a SHA-1 MGF1 cannot decrypt RSAES_OAEP_SHA_256 output', () => {
  const pair = wrappingPair('RSA_2048');
  const material = SecretBuffer.adopt(randomBytes(32));
  const { wrapped } = wrapKeyMaterial({
    material,
    spec: 'SYMMETRIC_DEFAULT',
    algorithm: 'RSAES_OAEP_SHA_256',
    wrappingKey: pair.publicKey,
  });
  const mixed = [
    '-pkeyopt',
    'rsa_padding_mode:oaep',
    '-pkeyopt',
    'rsa_oaep_md:sha256',
    '-pkeyopt',
    'rsa_mgf1_md:sha1',
  ];
  assert.throws(
    () => openssl(['pkeyutl', '-decrypt', '-inkey', pair.privatePemPath, '-in', pad.file(wrapped), ...mixed]),
    /failed/,
  );
});

void test('the reverse: Keyrite unwraps what the manual openssl commands produce, for every algorithm', () => {
  for (const wkSpec of WRAPPING_KEY_SPECS) {
    const pair = wrappingPair(wkSpec);
    const pub = path.join(FIXTURES, `wrapping-rsa-${pair.publicKey.bits}.pub.pem`);
    for (const algorithm of WRAPPING_ALGORITHMS) {
      const material = algorithmParts(algorithm).aesKeyWrap
        ? materialBytes('ECC_NIST_P256')
        : randomBytes(32);
      let wrapped: Buffer;
      if (!algorithmParts(algorithm).aesKeyWrap) {
        wrapped = openssl([
          'pkeyutl',
          '-encrypt',
          '-pubin',
          '-inkey',
          pub,
          '-in',
          pad.file(material),
          ...rsaOpts(algorithm),
        ]);
      } else {
        // The AWS-documented recipe: wrap with an ephemeral AES key, OAEP-encrypt the key, RSA part first.
        const aesKey = randomBytes(32);
        const aesPart = openssl([
          'enc',
          '-id-aes256-wrap-pad',
          '-K',
          aesKey.toString('hex'),
          '-iv',
          'A65959A6',
          '-in',
          pad.file(material),
        ]);
        const rsaPart = openssl([
          'pkeyutl',
          '-encrypt',
          '-pubin',
          '-inkey',
          pub,
          '-in',
          pad.file(aesKey),
          ...rsaOpts(algorithm),
        ]);
        wrapped = Buffer.concat([rsaPart, aesPart]);
      }
      const back = unwrapKeyMaterial({ wrapped, algorithm, privateKey: pair.privateKey });
      assert.deepEqual(
        back.use((b) => Buffer.from(b)),
        material,
        `${algorithm} ${wkSpec}`,
      );
      back.dispose();
    }
  }
});

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { aesCmac, checkValue } from '../../src-shared/wrap/index.js';
import { Scratchpad, openssl, requireOpenssl } from '../unit/wrap/harness/openssl-oracle.js';

requireOpenssl();
const pad = new Scratchpad();
after(() => pad.remove());

function opensslCmac(key: Buffer, message: Buffer): string {
  const cipher = `AES-${key.length * 8}-CBC`;
  return openssl([
    'mac',
    '-cipher',
    cipher,
    '-macopt',
    `hexkey:${key.toString('hex')}`,
    '-in',
    pad.file(message),
    'CMAC',
  ])
    .toString('utf8')
    .trim()
    .toLowerCase();
}

void test('AES-CMAC equals `openssl mac … CMAC` for AES-128/192/256 and messages of 0..70 bytes', () => {
  for (const keyLen of [32, 24, 16]) {
    for (const n of [0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 64, 70]) {
      const key = randomBytes(keyLen);
      const msg = randomBytes(n);
      assert.equal(aesCmac(key, msg).toString('hex'), opensslCmac(key, msg), `key ${keyLen}, message ${n}`);
    }
  }
});

void test('the KCV is the first 3 bytes of openssl’s CMAC of a zero block; the legacy KCV of AES-ECB', () => {
  for (let i = 0; i < 5; i++) {
    const key = randomBytes(32);
    const kcv = checkValue(SecretBuffer.adopt(Buffer.from(key)), 'SYMMETRIC_DEFAULT');
    assert.equal(kcv.value, opensslCmac(key, Buffer.alloc(16)).slice(0, 6).toUpperCase());
    const ecb = openssl([
      'enc',
      '-aes-256-ecb',
      '-nopad',
      '-K',
      key.toString('hex'),
      '-in',
      pad.file(Buffer.alloc(16)),
    ]);
    const legacy = checkValue(SecretBuffer.adopt(Buffer.from(key)), 'SYMMETRIC_DEFAULT', { legacyEcb: true });
    assert.equal(legacy.value, ecb.subarray(0, 3).toString('hex').toUpperCase());
  }
});

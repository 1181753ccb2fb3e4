import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { aesCmac } from '../../../src-shared/wrap/index.js';
import { hex, throwsCode } from './harness/helpers.js';

const M = hex(
  '6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710',
);

void test('RFC 4493 section 4 vectors (AES-128)', () => {
  const k = hex('2b7e151628aed2a6abf7158809cf4f3c');
  assert.deepEqual(aesCmac(k, M.subarray(0, 0)), hex('bb1d6929e95937287fa37d129b756746'));
  assert.deepEqual(aesCmac(k, M.subarray(0, 16)), hex('070a16b46b4d4144f79bdd9dd04a287c'));
  assert.deepEqual(aesCmac(k, M.subarray(0, 40)), hex('dfa66747de9ae63030ca32611497c827'));
  assert.deepEqual(aesCmac(k, M.subarray(0, 64)), hex('51f0bebf7e3b9d92fc49741779363cfe'));
});

void test('NIST SP 800-38B appendix D.3 vectors (AES-256, the size KMS keys have)', () => {
  const k = hex('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4');
  assert.deepEqual(aesCmac(k, M.subarray(0, 0)), hex('028962f61b7bf89efc6b551f4667d983'));
  assert.deepEqual(aesCmac(k, M.subarray(0, 16)), hex('28a7023f452e8f82bd4bf28d8c37c35c'));
  assert.deepEqual(aesCmac(k, M.subarray(0, 40)), hex('aaf3d8f1de5640c232f5b169b9c911e6'));
  assert.deepEqual(aesCmac(k, M.subarray(0, 64)), hex('e1992190549f6ed5696a2c056c315410'));
});

void test('a key of the wrong size is a coded error', () => {
  throwsCode(() => aesCmac(randomBytes(31), Buffer.alloc(16)), 'AES_KEY_SIZE');
});

void test('property: any message gives a 16-byte tag, and any change of message changes it', () => {
  const k = randomBytes(32);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(), (m, pos) => {
      const msg = Buffer.from(m);
      const tag = aesCmac(k, msg);
      assert.equal(tag.length, 16);
      const other = Buffer.concat([msg, Buffer.from([pos & 0xff])]);
      assert.notDeepEqual(aesCmac(k, other), tag);
    }),
    { numRuns: 200 },
  );
});

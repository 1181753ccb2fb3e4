import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { aesKeyUnwrapPad, aesKeyWrapPad } from '../../src-shared/wrap/index.js';
import { Scratchpad, openssl, requireOpenssl } from '../unit/wrap/harness/openssl-oracle.js';

requireOpenssl();
const pad = new Scratchpad();
after(() => pad.remove());

const LENGTHS = [1, 2, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 48, 64, 65, 121, 138, 241, 1216, 2373];

for (const bits of [256, 192, 128]) {
  void test(`RFC 5649 with a ${bits}-bit kek: byte-for-byte equal to openssl id-aes${bits}-wrap-pad, both directions`, () => {
    for (const n of LENGTHS) {
      const kek = randomBytes(bits / 8);
      const plain = randomBytes(n);
      const theirs = openssl([
        'enc',
        `-id-aes${bits}-wrap-pad`,
        '-K',
        kek.toString('hex'),
        '-iv',
        'A65959A6',
        '-in',
        pad.file(plain),
      ]);
      const ours = aesKeyWrapPad(kek, plain);
      assert.deepEqual(ours, theirs, `length ${n}`);
      assert.deepEqual(aesKeyUnwrapPad(kek, theirs), plain, `unwrap of openssl output, length ${n}`);
      const back = openssl([
        'enc',
        '-d',
        `-id-aes${bits}-wrap-pad`,
        '-K',
        kek.toString('hex'),
        '-iv',
        'A65959A6',
        '-in',
        pad.file(ours),
      ]);
      assert.deepEqual(back, plain, `openssl unwrap of ours, length ${n}`);
    }
  });
}

import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { test } from 'node:test';
import { publicKeyToBase64, verifyEd25519 } from '../../../src-shared/audit/keys.js';

const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { pub: publicKeyToBase64(publicKey), privateKey };
};

void test('a kept verdict never answers for another key, message or signature', () => {
  const a = pair();
  const b = pair();
  const msg = randomBytes(32);
  const sig = sign(null, msg, a.privateKey).toString('base64');
  const other = Buffer.from(msg);
  other[0]! ^= 1;
  const sigB = sign(null, msg, b.privateKey).toString('base64');
  // Twice each, in both orders: the second answer comes from what was kept.
  for (let round = 0; round < 2; round++) {
    assert.equal(verifyEd25519(a.pub, msg, sig), true);
    assert.equal(verifyEd25519(b.pub, msg, sig), false, 'another key');
    assert.equal(verifyEd25519(a.pub, other, sig), false, 'another message');
    assert.equal(verifyEd25519(a.pub, msg, sigB), false, 'another signature');
    assert.equal(verifyEd25519(b.pub, msg, sigB), true);
    const flipped = Buffer.from(sig, 'base64');
    flipped[10]! ^= 0x40;
    assert.equal(verifyEd25519(a.pub, msg, flipped.toString('base64')), false, 'a flipped bit');
  }
});

void test('malformed keys and signatures answer false, never throw, and long messages are checked each time', () => {
  const a = pair();
  const long = randomBytes(4096);
  const sig = sign(null, long, a.privateKey).toString('base64');
  assert.equal(verifyEd25519(a.pub, long, sig), true);
  const changed = Buffer.from(long);
  changed[4000]! ^= 1;
  assert.equal(verifyEd25519(a.pub, changed, sig), false);
  assert.equal(verifyEd25519('not a key', long, sig), false);
  assert.equal(verifyEd25519(a.pub, long, 'AAAA'), false);
  // More verdicts than are kept: still right after the store is emptied.
  const msg = randomBytes(32);
  const good = sign(null, msg, a.privateKey).toString('base64');
  for (let i = 0; i < 1100; i++) assert.equal(verifyEd25519(a.pub, randomBytes(32), good), false);
  assert.equal(verifyEd25519(a.pub, msg, good), true);
});

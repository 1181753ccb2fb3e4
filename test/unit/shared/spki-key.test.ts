import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { publicKeyFromSpkiBase64 } from '../../../src-shared/spki-key.js';

const spki = (k: ReturnType<typeof generateKeyPairSync>['publicKey']) =>
  k.export({ format: 'der', type: 'spki' }).toString('base64');

void test('Ed25519 and X25519 keys parse to the same key the DER decoder gives', () => {
  for (const type of ['ed25519', 'x25519'] as const) {
    for (let i = 0; i < 20; i++) {
      const b64 = spki(generateKeyPairSync(type as 'ed25519').publicKey);
      const fast = publicKeyFromSpkiBase64(b64);
      const slow = createPublicKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'spki' });
      assert.equal(fast.asymmetricKeyType, type);
      assert.ok(fast.equals(slow), `${type} key ${i} differs`);
      assert.equal(spki(fast), b64);
    }
  }
});

void test('a key parsed once is the same object the next time (no re-parse per signature)', () => {
  const b64 = spki(generateKeyPairSync('ed25519').publicKey);
  assert.equal(publicKeyFromSpkiBase64(b64), publicKeyFromSpkiBase64(b64));
});

void test('other key types take the decoder and keep their type', () => {
  const rsa = spki(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey);
  assert.equal(publicKeyFromSpkiBase64(rsa).asymmetricKeyType, 'rsa');
  const ec = spki(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
  assert.equal(publicKeyFromSpkiBase64(ec).asymmetricKeyType, 'ec');
});

void test('malformed keys are refused exactly when the DER decoder refuses them, and never cached as good', () => {
  const ed = Buffer.from(spki(generateKeyPairSync('ed25519').publicKey), 'base64');
  const inputs = [
    '',
    'not base64 at all!',
    ed.subarray(0, 43).toString('base64'), // one byte short
    Buffer.concat([ed, Buffer.from([0])]).toString('base64'), // one byte long (the decoder ignores it)
    Buffer.concat([Buffer.from('302a300506032b6571032100', 'hex'), randomBytes(32)]).toString('base64'), // Ed448's OID
    Buffer.concat([Buffer.from('302a300506032b6570032200', 'hex'), randomBytes(32)]).toString('base64'), // wrong length byte
    randomBytes(44).toString('base64'),
  ];
  let refused = 0;
  for (const b64 of inputs) {
    let decoder: ReturnType<typeof createPublicKey> | undefined;
    try {
      decoder = createPublicKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'spki' });
    } catch {
      decoder = undefined;
    }
    for (const time of ['first', 'second']) {
      if (decoder)
        assert.ok(publicKeyFromSpkiBase64(b64).equals(decoder), `${b64}: a different key (${time})`);
      else
        assert.throws(() => publicKeyFromSpkiBase64(b64), Error, `accepted ${JSON.stringify(b64)} (${time})`);
    }
    if (!decoder) refused++;
  }
  assert.ok(refused >= 5, `only ${refused} of the malformed keys were refused`);
});

void test('the same bytes under a different spelling of base64 are not mistaken for a cached key', () => {
  const b64 = spki(generateKeyPairSync('ed25519').publicKey);
  const key = publicKeyFromSpkiBase64(b64);
  // Buffer.from skips characters outside the alphabet; the parse is of the bytes, never of a cache hit.
  const spaced = `${b64.slice(0, 10)} ${b64.slice(10)}`;
  assert.ok(publicKeyFromSpkiBase64(spaced).equals(key));
});

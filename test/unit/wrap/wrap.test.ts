import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import {
  KEY_MATERIAL_SPECS,
  PKCS1_WARNING,
  WRAPPING_ALGORITHMS,
  WRAPPING_KEY_SPECS,
  type KeyMaterialSpec,
  type WrappingAlgorithm,
  assertCompatible,
  unwrapKeyMaterial,
  wrapKeyMaterial,
} from '../../../src-shared/wrap/index.js';
import { observeScratch } from '../../../src-shared/wrap/scratch.js';
import { KeyriteError } from '../../../src-shared/errors.js';
import {
  type WrappingPair,
  material,
  materialBytes,
  onlyKeyriteErrors,
  throwsCode,
  wrappingPair,
} from './harness/helpers.js';

const pairs: WrappingPair[] = WRAPPING_KEY_SPECS.map(wrappingPair);

function compatible(alg: WrappingAlgorithm, spec: KeyMaterialSpec, pair: WrappingPair): boolean {
  try {
    assertCompatible(alg, spec, pair.spec);
    return true;
  } catch (e) {
    if (e instanceof KeyriteError) return false;
    throw e;
  }
}

/** Material every algorithm accepts: RSA_AES_KEY_WRAP_* only carries RSA and ECC private keys. */
function specFor(algorithm: WrappingAlgorithm, direct: KeyMaterialSpec): KeyMaterialSpec {
  return algorithm.startsWith('RSA_AES') ? 'ECC_NIST_P256' : direct;
}

void test('every compatible algorithm × material × wrapping key round-trips through unwrap', () => {
  let n = 0;
  for (const pair of pairs) {
    const k = pair.publicKey.bits / 8;
    for (const algorithm of WRAPPING_ALGORITHMS) {
      for (const spec of KEY_MATERIAL_SPECS) {
        if (!compatible(algorithm, spec, pair)) continue;
        const m = material(spec);
        const { wrapped } = wrapKeyMaterial({ material: m, spec, algorithm, wrappingKey: pair.publicKey });
        if (algorithm.startsWith('RSA_AES')) {
          assert.equal(wrapped.length, k + 8 + Math.ceil(m.length / 8) * 8, `${algorithm} ${spec}`);
        } else {
          assert.equal(wrapped.length, k);
        }
        const back = unwrapKeyMaterial({ wrapped, algorithm, privateKey: pair.privateKey });
        assert.deepEqual(
          back.use((b) => Buffer.from(b)),
          materialBytes(spec),
          `${algorithm} ${spec} ${pair.spec}`,
        );
        assert.equal(m.disposed, false, 'wrap must not dispose the caller’s material');
        back.dispose();
        m.dispose();
        n++;
      }
    }
  }
  assert.ok(n > 100, `only ${n} combinations ran`);
});

void test('wrapping is randomised: the same material wraps differently each time', () => {
  const pair = pairs[0] as WrappingPair;
  for (const algorithm of WRAPPING_ALGORITHMS) {
    const spec = specFor(algorithm, 'SYMMETRIC_DEFAULT');
    const m = material(spec);
    const a = wrapKeyMaterial({ material: m, spec, algorithm, wrappingKey: pair.publicKey });
    const b = wrapKeyMaterial({ material: m, spec, algorithm, wrappingKey: pair.publicKey });
    assert.notDeepEqual(a.wrapped, b.wrapped, algorithm);
  }
});

void test('warnings: PKCS#1 v1.5 says AWS stopped accepting it; SHA-1 prefers SHA-256; SHA-256 has none', () => {
  const pair = pairs[0] as WrappingPair;
  const w = (algorithm: WrappingAlgorithm): string[] => {
    const spec = specFor(algorithm, 'HMAC_256');
    return wrapKeyMaterial({ material: material(spec), spec, algorithm, wrappingKey: pair.publicKey })
      .warnings;
  };
  assert.deepEqual(w('RSAES_PKCS1_V1_5'), [PKCS1_WARNING]);
  assert.match(PKCS1_WARNING, /October 2023/);
  assert.equal(w('RSAES_OAEP_SHA_1').length, 1);
  assert.deepEqual(w('RSAES_OAEP_SHA_256'), []);
  assert.deepEqual(w('RSA_AES_KEY_WRAP_SHA_256'), []);
  assert.equal(w('RSA_AES_KEY_WRAP_SHA_1').length, 1);
});

void test('wrap validates before encrypting: wrong size, wrong spec, incompatible algorithm', () => {
  const wk = (pairs[0] as WrappingPair).publicKey;
  throwsCode(
    () =>
      wrapKeyMaterial({
        material: SecretBuffer.alloc(31),
        spec: 'SYMMETRIC_DEFAULT',
        algorithm: 'RSAES_OAEP_SHA_256',
        wrappingKey: wk,
      }),
    'MATERIAL_SIZE',
  );
  throwsCode(
    () =>
      wrapKeyMaterial({
        material: material('ECC_NIST_P256'),
        spec: 'ECC_NIST_P384',
        algorithm: 'RSAES_OAEP_SHA_256',
        wrappingKey: wk,
      }),
    'MATERIAL_SPEC_MISMATCH',
  );
  throwsCode(
    () =>
      wrapKeyMaterial({
        material: material('RSA_2048'),
        spec: 'RSA_2048',
        algorithm: 'RSAES_OAEP_SHA_256',
        wrappingKey: wk,
      }),
    'WRAP_INCOMPATIBLE',
  );
  for (const spec of ['SYMMETRIC_DEFAULT', 'HMAC_384'] as const) {
    const m = material(spec);
    throwsCode(
      () => wrapKeyMaterial({ material: m, spec, algorithm: 'RSA_AES_KEY_WRAP_SHA_256', wrappingKey: wk }),
      'WRAP_INCOMPATIBLE',
    );
    assert.equal(m.disposed, false, 'a refused wrap leaves the caller’s material alone');
    m.dispose();
  }
});

void test('every temporary wrap allocates (AES key, padded copy, blocks) is zero afterwards', () => {
  const seen: Buffer[] = [];
  const stop = observeScratch((b) => seen.push(b));
  try {
    const m = material('ECC_NIST_P256');
    const { wrapped } = wrapKeyMaterial({
      material: m,
      spec: 'ECC_NIST_P256',
      algorithm: 'RSA_AES_KEY_WRAP_SHA_256',
      wrappingKey: (pairs[0] as WrappingPair).publicKey,
    });
    assert.ok(wrapped.length > 256);
    m.dispose();
  } finally {
    stop();
  }
  // The ephemeral AES key (32), the padded material copy (144), the AIV register and the AES block.
  assert.ok(seen.some((b) => b.length === 32));
  assert.ok(seen.some((b) => b.length === 144));
  assert.ok(seen.length >= 4, `saw ${seen.length} scratch buffers`);
  for (const b of seen)
    assert.ok(
      b.every((x) => x === 0),
      `a ${b.length}-byte temporary was left holding data`,
    );
});

void test('temporaries of a failed unwrap are zeroed too', () => {
  const pair = pairs[0] as WrappingPair;
  const { wrapped } = wrapKeyMaterial({
    material: material('ECC_NIST_P256'),
    spec: 'ECC_NIST_P256',
    algorithm: 'RSA_AES_KEY_WRAP_SHA_256',
    wrappingKey: pair.publicKey,
  });
  const tampered = Buffer.from(wrapped);
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
  const seen: Buffer[] = [];
  const stop = observeScratch((b) => seen.push(b));
  try {
    throwsCode(
      () =>
        unwrapKeyMaterial({
          wrapped: tampered,
          algorithm: 'RSA_AES_KEY_WRAP_SHA_256',
          privateKey: pair.privateKey,
        }),
      'UNWRAP_FAILED',
    );
  } finally {
    stop();
  }
  assert.ok(
    seen.some((b) => b.length === 32),
    'the decrypted AES key passed through scratch',
  );
  for (const b of seen) assert.ok(b.every((x) => x === 0));
});

void test('unwrap failures all look the same: wrong algorithm, wrong key, tampering, wrong length', () => {
  const pair = pairs[0] as WrappingPair;
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const m = material('SYMMETRIC_DEFAULT');
  const oaep = wrapKeyMaterial({
    material: m,
    spec: 'SYMMETRIC_DEFAULT',
    algorithm: 'RSAES_OAEP_SHA_256',
    wrappingKey: pair.publicKey,
  }).wrapped;
  const pkcs1 = wrapKeyMaterial({
    material: m,
    spec: 'SYMMETRIC_DEFAULT',
    algorithm: 'RSAES_PKCS1_V1_5',
    wrappingKey: pair.publicKey,
  }).wrapped;
  const cases: [Buffer, WrappingAlgorithm, typeof other][] = [
    [oaep, 'RSAES_OAEP_SHA_1', pair.privateKey],
    [oaep, 'RSAES_PKCS1_V1_5', pair.privateKey],
    [pkcs1, 'RSAES_OAEP_SHA_256', pair.privateKey],
    [oaep, 'RSAES_OAEP_SHA_256', other],
    [oaep.subarray(1), 'RSAES_OAEP_SHA_256', pair.privateKey],
    [oaep, 'RSA_AES_KEY_WRAP_SHA_256', pair.privateKey],
    [randomBytes(256), 'RSAES_PKCS1_V1_5', pair.privateKey],
  ];
  const messages = new Set<string>();
  for (const [wrapped, algorithm, privateKey] of cases) {
    messages.add(
      throwsCode(() => unwrapKeyMaterial({ wrapped, algorithm, privateKey }), 'UNWRAP_FAILED').message,
    );
  }
  assert.equal(messages.size, 1);
});

void test('property: unwrap of random and bit-flipped blobs only ever fails with UNWRAP_FAILED', () => {
  const pair = pairs[0] as WrappingPair;
  const good = wrapKeyMaterial({
    material: material('ECC_NIST_P384'),
    spec: 'ECC_NIST_P384',
    algorithm: 'RSA_AES_KEY_WRAP_SHA_1',
    wrappingKey: pair.publicKey,
  }).wrapped;
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 400 }),
      fc.constantFrom(...WRAPPING_ALGORITHMS),
      (b, algorithm) => {
        onlyKeyriteErrors(() =>
          unwrapKeyMaterial({ wrapped: b, algorithm, privateKey: pair.privateKey }).dispose(),
        );
      },
    ),
    { numRuns: 100 },
  );
  fc.assert(
    fc.property(fc.nat(good.length * 8 - 1), (bit) => {
      const flipped = Buffer.from(good);
      flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
      throwsCode(
        () =>
          unwrapKeyMaterial({
            wrapped: flipped,
            algorithm: 'RSA_AES_KEY_WRAP_SHA_1',
            privateKey: pair.privateKey,
          }),
        'UNWRAP_FAILED',
      );
    }),
    { numRuns: 100 },
  );
});

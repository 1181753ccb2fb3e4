// The wrap module against the emulator: every wrapping algorithm × wrapping key size × material kind
// AWS allows, each followed by an operation that proves the imported material is the one wrapped.
import assert from 'node:assert/strict';
import { constants, createHmac, createPrivateKey, createPublicKey, publicEncrypt, verify } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  CreateKeyCommand,
  EncryptCommand,
  GenerateMacCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  type KeyUsageType,
  SignCommand,
} from '@aws-sdk/client-kms';
import { openSymmetric, parseSymmetric } from '../../../src-main/emulator/ciphertext.js';
import { wrappingRefusal } from '../../../src-main/emulator/key-specs.js';
import {
  KEY_MATERIAL_SPECS,
  type KeyMaterialSpec,
  WRAPPING_KEY_SPECS,
  assertCompatible,
  materialKind,
} from '../../../src-shared/wrap/index.js';
import {
  fixtureMaterial,
  type Harness,
  importWithWrapModule,
  MATERIAL_FILES,
  randomMaterial,
  rejectsWith,
  startHarness,
} from './harness/emulator.js';

/** PKCS#1 v1.5 is left out on purpose: AWS no longer accepts it for imports (checked below). */
const ALGORITHMS = [
  'RSAES_OAEP_SHA_256',
  'RSAES_OAEP_SHA_1',
  'RSA_AES_KEY_WRAP_SHA_256',
  'RSA_AES_KEY_WRAP_SHA_1',
] as const;
const HMAC_BYTES: Record<string, number> = { HMAC_224: 28, HMAC_256: 32, HMAC_384: 48, HMAC_512: 64 };

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

function usageFor(spec: KeyMaterialSpec): KeyUsageType {
  const kind = materialKind(spec);
  if (kind === 'symmetric') return 'ENCRYPT_DECRYPT';
  if (kind === 'hmac') return 'GENERATE_VERIFY_MAC';
  return 'SIGN_VERIFY';
}

function materialFor(spec: KeyMaterialSpec): Buffer {
  const kind = materialKind(spec);
  if (kind === 'symmetric') return randomMaterial(32);
  if (kind === 'hmac') return randomMaterial(HMAC_BYTES[spec] ?? 32);
  return fixtureMaterial(MATERIAL_FILES[spec] ?? '');
}

type Alg = (typeof ALGORITHMS)[number];
type Wks = (typeof WRAPPING_KEY_SPECS)[number];

/** AWS's table (as the emulator enforces it from the service model). */
function awsAllows(alg: Alg, spec: KeyMaterialSpec, wks: Wks): boolean {
  return wrappingRefusal(spec, alg, wks) === undefined;
}

function wrapModuleAllows(alg: Alg, spec: KeyMaterialSpec, wks: Wks): boolean {
  try {
    assertCompatible(alg, spec, wks);
    return true;
  } catch {
    return false;
  }
}

/** Proves the key holds exactly `material` by checking a KMS result against a local computation. */
async function proveMaterial(keyId: string, spec: KeyMaterialSpec, material: Buffer): Promise<void> {
  const kind = materialKind(spec);
  const msg = Buffer.from(`proof for ${spec}`);
  if (kind === 'symmetric') {
    const e = await h.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: msg }));
    const parsed = parseSymmetric(Buffer.from(e.CiphertextBlob ?? []));
    assert.ok(parsed, 'emulator ciphertext parses');
    assert.deepEqual(
      openSymmetric(parsed, material, undefined),
      msg,
      'ciphertext opens with the wrapped material',
    );
    return;
  }
  if (kind === 'hmac') {
    const alg = `HMAC_SHA_${spec.slice(5)}` as 'HMAC_SHA_256';
    const g = await h.kms.send(new GenerateMacCommand({ KeyId: keyId, Message: msg, MacAlgorithm: alg }));
    assert.deepEqual(
      Buffer.from(g.Mac ?? []),
      createHmac(`sha${spec.slice(5)}`, material)
        .update(msg)
        .digest(),
    );
    return;
  }
  const alg =
    kind === 'rsa'
      ? 'RSASSA_PKCS1_V1_5_SHA_256'
      : spec === 'ECC_NIST_P384'
        ? 'ECDSA_SHA_384'
        : spec === 'ECC_NIST_P521'
          ? 'ECDSA_SHA_512'
          : 'ECDSA_SHA_256';
  const hash = alg.endsWith('384') ? 'sha384' : alg.endsWith('512') ? 'sha512' : 'sha256';
  const s = await h.kms.send(new SignCommand({ KeyId: keyId, Message: msg, SigningAlgorithm: alg }));
  const pub = createPublicKey(createPrivateKey({ key: material, format: 'der', type: 'pkcs8' }));
  assert.ok(
    verify(hash, msg, pub, Buffer.from(s.Signature ?? [])),
    'signature verifies with the public key of the wrapped private key',
  );
}

void describe('wrap module ⇄ emulator', () => {
  for (const wks of WRAPPING_KEY_SPECS) {
    void test(`every algorithm × material kind under ${wks}`, async () => {
      let imported = 0;
      for (const spec of KEY_MATERIAL_SPECS) {
        for (const alg of ALGORITHMS) {
          const { KeyMetadata: md } = await h.kms.send(
            new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec: spec, KeyUsage: usageFor(spec) }),
          );
          const keyId = md?.KeyId ?? '';
          if (!awsAllows(alg, spec, wks)) {
            // Where AWS refuses, the emulator refuses the parameters with ValidationException.
            await rejectsWith(
              h.kms.send(
                new GetParametersForImportCommand({
                  KeyId: keyId,
                  WrappingAlgorithm: alg,
                  WrappingKeySpec: wks,
                }),
              ),
              'ValidationException',
            );
            continue;
          }
          // Everything AWS accepts, the wrap module must be able to produce.
          assert.ok(wrapModuleAllows(alg, spec, wks), `wrap module refuses ${alg} for ${spec} under ${wks}`);
          const material = materialFor(spec);
          await importWithWrapModule(h.kms, keyId, spec, material, alg, wks);
          await proveMaterial(keyId, spec, material);
          imported++;
        }
      }
      // OAEP × (symmetric + 4 HMAC + 4 ECC) + AES key wrap × (3 RSA + 4 ECC) = 18 + 14 = 32,
      // less P-521 under OAEP with an RSA_2048 wrapping key (2).
      assert.equal(imported, wks === 'RSA_2048' ? 30 : 32);
    });
  }

  void test('RSAES_PKCS1_V1_5 is refused for imports, as AWS does since October 2023', async () => {
    const { KeyMetadata: md } = await h.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    await rejectsWith(
      h.kms.send(
        new GetParametersForImportCommand({
          KeyId: md?.KeyId,
          WrappingAlgorithm: 'RSAES_PKCS1_V1_5',
          WrappingKeySpec: 'RSA_2048',
        }),
      ),
      'ValidationException',
      /no longer supported/,
    );
  });

  void test('HMAC material of every length AWS accepts imports (and MACs as node does); one byte out of range is refused', async () => {
    const ranges = {
      HMAC_224: [28, 64],
      HMAC_256: [32, 64],
      HMAC_384: [48, 128],
      HMAC_512: [64, 128],
    } as const;
    for (const [spec, [min, max]] of Object.entries(ranges) as [
      keyof typeof ranges,
      readonly [number, number],
    ][]) {
      for (const length of [min, min + 1, max]) {
        const { KeyMetadata: md } = await h.kms.send(
          new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec: spec, KeyUsage: 'GENERATE_VERIFY_MAC' }),
        );
        const material = randomMaterial(length);
        await importWithWrapModule(h.kms, md?.KeyId ?? '', spec, material, 'RSAES_OAEP_SHA_256');
        await proveMaterial(md?.KeyId ?? '', spec, material);
      }
      // Past either end: wrapped by node itself (the wrap module refuses such material before KMS sees it).
      for (const length of [min - 1, max + 1]) {
        const { KeyMetadata: md } = await h.kms.send(
          new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec: spec, KeyUsage: 'GENERATE_VERIFY_MAC' }),
        );
        const p = await h.kms.send(
          new GetParametersForImportCommand({
            KeyId: md?.KeyId,
            WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
            WrappingKeySpec: 'RSA_2048',
          }),
        );
        const wrapped = publicEncrypt(
          {
            key: createPublicKey({ key: Buffer.from(p.PublicKey ?? []), format: 'der', type: 'spki' }),
            padding: constants.RSA_PKCS1_OAEP_PADDING,
            oaepHash: 'sha256',
          },
          randomMaterial(length),
        );
        await rejectsWith(
          h.kms.send(
            new ImportKeyMaterialCommand({
              KeyId: md?.KeyId,
              ImportToken: p.ImportToken,
              EncryptedKeyMaterial: wrapped,
              ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
            }),
          ),
          'IncorrectKeyMaterialException',
          `The key material is not valid for a ${spec} KMS key: expected ${min} to ${max} bytes, got ${length}.`,
        );
      }
    }
  });
});

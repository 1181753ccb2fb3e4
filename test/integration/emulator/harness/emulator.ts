// Shared set-up for tests that talk to the emulator with the real AWS SDK over HTTP.
import assert from 'node:assert/strict';
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateKeyCommand,
  type CreateKeyCommandInput,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  type ImportKeyMaterialCommandInput,
  KMSClient,
} from '@aws-sdk/client-kms';
import { SecretBuffer } from '../../../../src-shared/secret-buffer.js';
import {
  type KeyMaterialSpec,
  type WrappingAlgorithm,
  parseWrappingPublicKey,
  wrapKeyMaterial,
} from '../../../../src-shared/wrap/index.js';
import {
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '../../../../src-main/emulator/index.js';

export const FIXTURES = path.join(__dirname, '..', '..', '..', 'fixtures', 'wrap');

/** Test-only private keys (PKCS#8 DER) so tests spend no time generating RSA material. */
export function fixtureMaterial(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

export const MATERIAL_FILES: Record<string, string> = {
  RSA_2048: 'material-rsa-2048.p8.der',
  RSA_3072: 'material-rsa-3072.p8.der',
  RSA_4096: 'material-rsa-4096.p8.der',
  ECC_NIST_P256: 'material-ec-p256.p8.der',
  ECC_NIST_P384: 'material-ec-p384.p8.der',
  ECC_NIST_P521: 'material-ec-p521.p8.der',
  ECC_SECG_P256K1: 'material-ec-secp256k1.p8.der',
};

export interface Harness {
  emulator: RunningEmulator;
  /** A client signing for us-east-1. */
  kms: KMSClient;
  /** A client signing for `region` (closed with the harness). */
  clientFor(region: string): KMSClient;
  /** CreateKey in us-east-1; the new key's id and ARN. */
  createKey(input?: CreateKeyCommandInput): Promise<{ id: string; arn: string }>;
  /** Moves the injected clock. */
  advance(ms: number): void;
  now(): Date;
  close(): Promise<void>;
}

export async function startHarness(opts: EmulatorOptions = {}): Promise<Harness> {
  let offset = 0;
  const clock = (): Date => new Date(Date.now() + offset);
  const emulator = await startEmulator({ clock, ...opts });
  const clients = new Map<string, KMSClient>();
  const clientFor = (region: string): KMSClient => {
    let c = clients.get(region);
    if (!c) {
      c = new KMSClient({
        region,
        endpoint: emulator.url,
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
        maxAttempts: 1,
      });
      clients.set(region, c);
    }
    return c;
  };
  const kms = clientFor('us-east-1');
  return {
    emulator,
    kms,
    clientFor,
    async createKey(input = {}) {
      const md = (await kms.send(new CreateKeyCommand(input))).KeyMetadata;
      return { id: md?.KeyId ?? '', arn: md?.Arn ?? '' };
    },
    advance: (ms) => {
      offset += ms;
    },
    now: clock,
    async close() {
      for (const c of clients.values()) c.destroy();
      await emulator.close();
    },
  };
}

/** OAEP-wraps `material` under a DER SubjectPublicKeyInfo, independently of the wrap module. */
export function oaepWrap(publicKeyDer: Uint8Array, material: Buffer, hash: 'sha1' | 'sha256'): Buffer {
  const key = createPublicKey({ key: Buffer.from(publicKeyDer), format: 'der', type: 'spki' });
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, material);
}

export function randomMaterial(bytes = 32): Buffer {
  return randomBytes(bytes);
}

/** Asserts that `p` rejects with the AWS exception `name`, HTTP 400 and (optionally) a message. */
export async function rejectsWith(
  p: Promise<unknown>,
  name: string,
  message?: string | RegExp,
): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
    assert.equal(err.$metadata?.httpStatusCode, 400);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message ?? '', message);
    return true;
  });
}

/** Fetches parameters and imports `material` through the wrap module, as the product does. */
export async function importWithWrapModule(
  kms: KMSClient,
  keyId: string,
  spec: KeyMaterialSpec,
  material: Buffer,
  algorithm: WrappingAlgorithm,
  wrappingKeySpec: 'RSA_2048' | 'RSA_3072' | 'RSA_4096' = 'RSA_2048',
): Promise<string> {
  const p = await kms.send(
    new GetParametersForImportCommand({
      KeyId: keyId,
      WrappingAlgorithm: algorithm,
      WrappingKeySpec: wrappingKeySpec,
    }),
  );
  const secret = SecretBuffer.adopt(Buffer.from(material));
  try {
    const { wrapped } = wrapKeyMaterial({
      material: secret,
      spec,
      algorithm,
      wrappingKey: parseWrappingPublicKey(p.PublicKey ?? new Uint8Array()),
    });
    const r = await kms.send(
      new ImportKeyMaterialCommand({
        KeyId: keyId,
        ImportToken: p.ImportToken,
        EncryptedKeyMaterial: wrapped,
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      }),
    );
    return r.KeyMaterialId ?? '';
  } finally {
    secret.dispose();
  }
}

/** Imports raw `material` (RSAES_OAEP_SHA_256 under RSA_2048, wrapped here); `extra` sets the 2025 members. */
export async function importInto(
  kms: KMSClient,
  keyId: string,
  material: Buffer,
  extra: Partial<ImportKeyMaterialCommandInput> = {},
): Promise<string> {
  const p = await kms.send(
    new GetParametersForImportCommand({
      KeyId: keyId,
      WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
      WrappingKeySpec: 'RSA_2048',
    }),
  );
  const r = await kms.send(
    new ImportKeyMaterialCommand({
      KeyId: keyId,
      ImportToken: p.ImportToken,
      EncryptedKeyMaterial: oaepWrap(p.PublicKey ?? new Uint8Array(), material, 'sha256'),
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      ...extra,
    }),
  );
  return r.KeyMaterialId ?? '';
}

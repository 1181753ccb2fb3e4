// Emulator benchmark: what a rehearsal waits for. First GetParametersForImport per wrapping key size
// (RSA key generation, once per process) next to the steady-state create + parameters + import cycle.
// KEYRITE_BENCH_IMPORTS sets the number of cycles (default 50).
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import {
  CreateKeyCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import { startEmulator } from '../../src-main/emulator/index.js';
import type { Figure } from './run.js';

const IMPORTS = Number(process.env['KEYRITE_BENCH_IMPORTS'] ?? 50);
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const emulator = await startEmulator();
  const kms = new KMSClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    for (const spec of ['RSA_2048', 'RSA_3072', 'RSA_4096'] as const) {
      const key = await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
      const t = process.hrtime.bigint();
      await kms.send(
        new GetParametersForImportCommand({
          KeyId: key.KeyMetadata?.KeyId,
          WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
          WrappingKeySpec: spec,
        }),
      );
      figures.push({
        name: `first GetParametersForImport ${spec}`,
        value: ms(t),
        unit: 'ms',
        note: 'includes RSA key generation',
      });
    }
    const t = process.hrtime.bigint();
    for (let i = 0; i < IMPORTS; i++) {
      const key = await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
      const keyId = key.KeyMetadata?.KeyId;
      const p = await kms.send(
        new GetParametersForImportCommand({
          KeyId: keyId,
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
        randomBytes(32),
      );
      await kms.send(
        new ImportKeyMaterialCommand({
          KeyId: keyId,
          ImportToken: p.ImportToken,
          EncryptedKeyMaterial: wrapped,
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      );
    }
    figures.push({
      name: 'CreateKey + GetParametersForImport + ImportKeyMaterial',
      value: ms(t) / IMPORTS,
      unit: 'ms/key',
      note: `${IMPORTS} keys, RSA_2048, SDK over HTTP`,
    });
  } finally {
    kms.destroy();
    await emulator.close();
  }
  return figures;
}

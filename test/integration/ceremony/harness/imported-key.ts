import assert from 'node:assert/strict';
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import type { KmsGateway } from '../../../../src-main/kms/kms-gateway.js';

/**
 * What a rotation starts from: an EXTERNAL symmetric key with material imported and current. Made
 * straight through KMS (a fresh 32-byte material, RSAES_OAEP_SHA_256), not by an import ceremony: the
 * rotation is under test, and a whole ceremony per key costs seconds.
 */
export async function keyWithImportedMaterial(
  g: KmsGateway,
  description: string,
): Promise<{ keyArn: string; priorId: string }> {
  const created = await g.createKey({
    Origin: 'EXTERNAL',
    KeyUsage: 'ENCRYPT_DECRYPT',
    Description: description,
  });
  const keyArn = created.KeyMetadata?.Arn;
  assert.ok(keyArn);
  const p = await g.getParametersForImport({
    KeyId: keyArn,
    WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
    WrappingKeySpec: 'RSA_2048',
  });
  assert.ok(p.PublicKey && p.ImportToken);
  const wrapped = publicEncrypt(
    {
      key: createPublicKey({ key: Buffer.from(p.PublicKey), format: 'der', type: 'spki' }),
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
    },
    randomBytes(32),
  );
  await g.importKeyMaterial({
    KeyId: keyArn,
    ImportToken: p.ImportToken,
    EncryptedKeyMaterial: wrapped,
    ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
  });
  const priorId = (await g.describeKey(keyArn)).KeyMetadata?.CurrentKeyMaterialId;
  assert.ok(priorId);
  return { keyArn, priorId };
}

// An emulator told which wrapping key its client will ask for (a rehearsal knows its plan's spec)
// starts generating it when it starts listening, so GetParametersForImport does not wait for the prime
// search; the key it then hands out is that size, and other sizes are generated only when asked for.
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { test } from 'node:test';
import { GetParametersForImportCommand } from '@aws-sdk/client-kms';
import { wrappingKeyPairStarted } from '../../../src-main/emulator/wrapping-keys.js';
import { startHarness } from './harness/emulator.js';

void test('the wrapping key a client will ask for is generated from the start, and only that one', async () => {
  assert.equal(wrappingKeyPairStarted('RSA_3072'), false, 'nothing generated before the emulator starts');
  const h = await startHarness({ prepareWrappingKeys: ['RSA_3072'] });
  try {
    assert.equal(wrappingKeyPairStarted('RSA_3072'), true, 'generation began when the emulator started');
    assert.equal(wrappingKeyPairStarted('RSA_4096'), false, 'a size nobody named is not generated');
    const { id } = await h.createKey({ Origin: 'EXTERNAL' });
    const params = await h.kms.send(
      new GetParametersForImportCommand({
        KeyId: id,
        WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
        WrappingKeySpec: 'RSA_3072',
      }),
    );
    const key = createPublicKey({ key: Buffer.from(params.PublicKey!), format: 'der', type: 'spki' });
    assert.equal(key.asymmetricKeyDetails?.modulusLength, 3072);
    assert.equal(wrappingKeyPairStarted('RSA_4096'), false);
  } finally {
    await h.close();
  }
});

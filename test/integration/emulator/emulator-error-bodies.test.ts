// Error bodies exactly as AWS sends them (localstack tests/aws/services/kms/test_kms.snapshot.json,
// recorded against AWS): no message at all for a failed decryption, MAC or signature check; enum
// sets listed in AWS's own order; AWS's wording where a recording shows it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateMacCommand,
  SignCommand,
  VerifyCommand,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import { type Harness, rejectsWith, startHarness } from './harness/emulator.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

async function raw(target: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const r = await fetch(h.emulator.url + '/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
}

const b64 = (b: Uint8Array | Buffer): string => Buffer.from(b).toString('base64');

void describe('error bodies', () => {
  void test('InvalidCiphertextException, KMSInvalidMacException and KMSInvalidSignatureException carry no message member', async () => {
    const sym = (await h.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
    const ct = Buffer.from(
      (await h.kms.send(new EncryptCommand({ KeyId: sym, Plaintext: Buffer.from('x') }))).CiphertextBlob ??
        [],
    );
    ct[ct.length - 1] = (ct[ct.length - 1] as number) ^ 1;
    assert.deepEqual(await raw('Decrypt', { CiphertextBlob: b64(ct) }), {
      status: 400,
      json: { __type: 'InvalidCiphertextException' },
    });

    const mac = (
      await h.kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))
    ).KeyMetadata?.KeyId;
    const good = await h.kms.send(
      new GenerateMacCommand({ KeyId: mac, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' }),
    );
    assert.deepEqual(
      await raw('VerifyMac', {
        KeyId: mac,
        Message: b64(Buffer.from('other')),
        Mac: b64(good.Mac ?? new Uint8Array()),
        MacAlgorithm: 'HMAC_SHA_256',
      }),
      { status: 400, json: { __type: 'KMSInvalidMacException' } },
    );

    const ec = (await h.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' })))
      .KeyMetadata?.KeyId;
    assert.deepEqual(
      await raw('Verify', {
        KeyId: ec,
        Message: b64(Buffer.from('m')),
        Signature: b64(Buffer.alloc(70, 1)),
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
      { status: 400, json: { __type: 'KMSInvalidSignatureException' } },
    );
  });

  void test('enum sets are listed in the order AWS recorded, not the model order', async () => {
    await rejectsWith(
      h.kms.send(
        // The SDK types KeySpec as an enum; a user's script can still send any string.
        new CreateKeyCommand({ KeySpec: 'HMAC_random' as 'HMAC_256' }),
      ),
      'ValidationException',
      "1 validation error detected: Value 'HMAC_random' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [RSA_2048, ECC_NIST_P384, ECC_NIST_P256, ECC_NIST_P521, HMAC_384, RSA_3072, ECC_SECG_P256K1, RSA_4096, SYMMETRIC_DEFAULT, HMAC_256, HMAC_224, HMAC_512]",
    );
    await rejectsWith(
      h.kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'RANDOM' as 'GENERATE_VERIFY_MAC' })),
      'ValidationException',
      "1 validation error detected: Value 'RANDOM' at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set: [ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC]",
    );
    const mac = (
      await h.kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))
    ).KeyMetadata?.KeyId;
    await rejectsWith(
      h.kms.send(
        new GenerateMacCommand({
          KeyId: mac,
          Message: Buffer.from('m'),
          MacAlgorithm: 'INVALID' as 'HMAC_SHA_256',
        }),
      ),
      'ValidationException',
      "1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]",
    );
  });

  void test("a usage a spec does not allow is refused in AWS's words (no full stop)", async () => {
    await rejectsWith(
      h.kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'KEY_AGREEMENT' })),
      'ValidationException',
      'KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048',
    );
  });
});

void describe('DryRun', () => {
  const DRY = 'The request would have succeeded, but the DryRun option is set.';

  void test('every cryptographic operation that takes DryRun answers DryRunOperationException and does nothing', async () => {
    const sym = (await h.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const ct = await h.kms.send(new EncryptCommand({ KeyId: sym, Plaintext: Buffer.from('x') }));
    await rejectsWith(
      h.kms.send(new EncryptCommand({ KeyId: sym, Plaintext: Buffer.from('x'), DryRun: true })),
      'DryRunOperationException',
      DRY,
    );
    await rejectsWith(
      h.kms.send(new DecryptCommand({ CiphertextBlob: ct.CiphertextBlob, DryRun: true })),
      'DryRunOperationException',
      DRY,
    );
    const mac = (
      await h.kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))
    ).KeyMetadata?.KeyId;
    const m = await h.kms.send(
      new GenerateMacCommand({ KeyId: mac, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' }),
    );
    await rejectsWith(
      h.kms.send(
        new GenerateMacCommand({
          KeyId: mac,
          Message: Buffer.from('m'),
          MacAlgorithm: 'HMAC_SHA_256',
          DryRun: true,
        }),
      ),
      'DryRunOperationException',
      DRY,
    );
    await rejectsWith(
      h.kms.send(
        new VerifyMacCommand({
          KeyId: mac,
          Message: Buffer.from('m'),
          Mac: m.Mac,
          MacAlgorithm: 'HMAC_SHA_256',
          DryRun: true,
        }),
      ),
      'DryRunOperationException',
      DRY,
    );
    const ec = (await h.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' })))
      .KeyMetadata?.KeyId;
    const sig = await h.kms.send(
      new SignCommand({ KeyId: ec, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    await rejectsWith(
      h.kms.send(
        new SignCommand({
          KeyId: ec,
          Message: Buffer.from('m'),
          SigningAlgorithm: 'ECDSA_SHA_256',
          DryRun: true,
        }),
      ),
      'DryRunOperationException',
      DRY,
    );
    await rejectsWith(
      h.kms.send(
        new VerifyCommand({
          KeyId: ec,
          Message: Buffer.from('m'),
          Signature: sig.Signature,
          SigningAlgorithm: 'ECDSA_SHA_256',
          DryRun: true,
        }),
      ),
      'DryRunOperationException',
      DRY,
    );
    // A request that would fail fails as it would without DryRun.
    await rejectsWith(
      h.kms.send(
        new VerifyCommand({
          KeyId: ec,
          Message: Buffer.from('other'),
          Signature: sig.Signature,
          SigningAlgorithm: 'ECDSA_SHA_256',
          DryRun: true,
        }),
      ),
      'KMSInvalidSignatureException',
    );
  });
});

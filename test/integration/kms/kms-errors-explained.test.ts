// Every error the emulator can answer, as the real SDK raises it, becomes a KeyriteError that says
// what happened and what to do — including the errors that AWS sends without any message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateRandomCommand,
  ReEncryptCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
  TagResourceCommand,
} from '@aws-sdk/client-kms';
import { toKeyriteError } from '../../../src-main/kms/kms-errors.js';
import { createKmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { KeyriteError } from '../../../src-shared/errors.js';
import { type Harness, startHarness } from '../emulator/harness/emulator.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

/** Runs an SDK call that must fail and returns the KeyriteError the gateway would make of it. */
async function explained(operation: string, p: Promise<unknown>): Promise<KeyriteError> {
  try {
    await p;
  } catch (e) {
    const k = toKeyriteError(e, operation, h.emulator.url);
    assert.ok(k.message.length > 0 && k.hint.length > 0);
    assert.doesNotMatch(k.message, /UnknownError/);
    return k;
  }
  assert.fail(`${operation} succeeded but was expected to fail`);
}

void describe('KMS errors explained', () => {
  void test('a key ARN of another region: not found, with the region named', async () => {
    const arn = (await h.clientFor('eu-west-2').send(new CreateKeyCommand({}))).KeyMetadata?.Arn;
    const k = await explained('DescribeKey', h.kms.send(new DescribeKeyCommand({ KeyId: arn })));
    assert.equal(k.code, 'KMS_NOT_FOUND');
    assert.match(k.message, /Invalid arn eu-west-2/);
    assert.match(k.hint, /region/);
  });

  void test('a request signed for a region that does not exist says so, not "check the credentials"', async () => {
    const gw = createKmsGateway({ region: 'moon-base-1', endpoint: h.emulator.url, maxAttempts: 1 });
    try {
      await assert.rejects(gw.describeKey('alias/x'), (e: unknown) => {
        assert.ok(e instanceof KeyriteError);
        assert.equal(e.code, 'KMS_INVALID_SIGNATURE');
        assert.match(e.message, /region/);
        assert.match(e.hint, /eu-west-1/);
        return true;
      });
    } finally {
      gw.close();
    }
  });

  void test('errors AWS sends without a message are explained without inventing one', async () => {
    const id = (await h.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const ct = Buffer.from(
      (await h.kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('x') }))).CiphertextBlob ?? [],
    );
    ct[ct.length - 1] = (ct[ct.length - 1] as number) ^ 1;
    const k = await explained('Decrypt', h.kms.send(new DecryptCommand({ CiphertextBlob: ct })));
    assert.equal(k.code, 'KMS_INVALID_CIPHERTEXT');
    assert.doesNotMatch(k.message, /KMS said/);
  });

  void test('TagException: which tags rule was broken, and the rules', async () => {
    const id = (await h.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const k = await explained(
      'TagResource',
      h.kms.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: 'aws:x', TagValue: 'y' }] })),
    );
    assert.equal(k.code, 'KMS_TAG');
    assert.match(k.message, /Tags beginning with aws: are reserved/);
    assert.match(k.hint, /at most 50 tags/);
  });

  void test('automatic rotation of an imported key: why not, and what to do instead', async () => {
    const id = (await h.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata?.KeyId;
    const k = await explained('EnableKeyRotation', h.kms.send(new EnableKeyRotationCommand({ KeyId: id })));
    assert.equal(k.code, 'KMS_UNSUPPORTED_OPERATION');
    assert.match(k.message, /origin is EXTERNAL/);
    assert.match(k.hint, /importing new material and rotating on demand/);
  });

  void test('grant errors and DryRun say what happened and what to do', async () => {
    const id = (await h.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const bad = await explained('RetireGrant', h.kms.send(new RetireGrantCommand({ GrantToken: 'AAAA' })));
    assert.equal(bad.code, 'KMS_INVALID_GRANT_TOKEN');
    assert.match(bad.hint, /ListGrants/);
    const malformed = await explained(
      'RevokeGrant',
      h.kms.send(new RevokeGrantCommand({ KeyId: id, GrantId: 'not-a-grant' })),
    );
    assert.equal(malformed.code, 'KMS_INVALID_GRANT_ID');
    const dry = await explained(
      'CreateGrant',
      h.kms.send(
        new CreateGrantCommand({
          KeyId: id,
          GranteePrincipal: 'arn:aws:iam::444455556666:role/saas',
          Operations: ['Decrypt'],
          DryRun: true,
        }),
      ),
    );
    assert.equal(dry.code, 'KMS_DRY_RUN_OPERATION');
    assert.match(dry.message, /CreateGrant would have succeeded/);
  });

  void test('a ciphertext presented with the wrong key, and an unknown custom key store', async () => {
    const a = (await h.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const b = (await h.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const ct = await h.kms.send(new EncryptCommand({ KeyId: a, Plaintext: Buffer.from('x') }));
    const wrong = await explained(
      'ReEncrypt',
      h.kms.send(
        new ReEncryptCommand({ CiphertextBlob: ct.CiphertextBlob, SourceKeyId: b, DestinationKeyId: b }),
      ),
    );
    assert.equal(wrong.code, 'KMS_INCORRECT_KEY');
    assert.match(wrong.hint, /name the key that encrypted it/);
    const store = await explained(
      'GenerateRandom',
      h.kms.send(new GenerateRandomCommand({ NumberOfBytes: 8, CustomKeyStoreId: 'cks-1234567890abcdef0' })),
    );
    assert.equal(store.code, 'KMS_CUSTOM_KEY_STORE_NOT_FOUND');
  });
});

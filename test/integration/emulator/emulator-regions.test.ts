// One emulator, every region: a request is served in the region its SigV4 credential scope names,
// a key lives in the region it was created in, and another region does not find it — with the
// messages AWS recorded (localstack test_kms.snapshot.json, test_get_key_in_different_region).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  ListAliasesCommand,
  ListKeysCommand,
} from '@aws-sdk/client-kms';
import {
  type Harness,
  importWithWrapModule,
  oaepWrap,
  randomMaterial,
  rejectsWith,
  startHarness,
} from './harness/emulator.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

async function rawCall(target: string, body: unknown, authorization?: string): Promise<Response> {
  return fetch(h.emulator.url + '/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `TrentService.${target}`,
      ...(authorization === undefined ? {} : { Authorization: authorization }),
    },
    body: JSON.stringify(body),
  });
}

void describe('regions from the SigV4 credential scope', () => {
  void test('a key belongs to the region it was created in; its ARN names that region', async () => {
    const eu = h.clientFor('eu-west-1');
    const { KeyMetadata: md } = await eu.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    assert.match(md?.Arn ?? '', /^arn:aws:kms:eu-west-1:111122223333:key\/[0-9a-f-]{36}$/);
    const same = await eu.send(new DescribeKeyCommand({ KeyId: md?.KeyId }));
    assert.equal(same.KeyMetadata?.Arn, md?.Arn);
    const byArn = await eu.send(new DescribeKeyCommand({ KeyId: md?.Arn }));
    assert.equal(byArn.KeyMetadata?.KeyId, md?.KeyId);
  });

  void test('another region does not find it: by id "Key … does not exist" in the asking region, by ARN "Invalid arn <region>"', async () => {
    const { KeyMetadata: md } = await h.clientFor('eu-west-1').send(new CreateKeyCommand({}));
    const id = md?.KeyId ?? '';
    await rejectsWith(
      h.kms.send(new DescribeKeyCommand({ KeyId: id })),
      'NotFoundException',
      `Key 'arn:aws:kms:us-east-1:111122223333:key/${id}' does not exist`,
    );
    await rejectsWith(
      h.kms.send(new DescribeKeyCommand({ KeyId: md?.Arn })),
      'NotFoundException',
      'Invalid arn eu-west-1',
    );
    await rejectsWith(
      h.kms.send(new EncryptCommand({ KeyId: md?.Arn, Plaintext: Buffer.from('x') })),
      'NotFoundException',
      'Invalid arn eu-west-1',
    );
  });

  void test('ListKeys and ListAliases list one region; an alias name is unique per region only', async () => {
    const ap = h.clientFor('ap-southeast-2');
    const ca = h.clientFor('ca-central-1');
    const a = (await ap.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
    const c = (await ca.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
    const apKeys = (await ap.send(new ListKeysCommand({}))).Keys?.map((k) => k.KeyId);
    const caKeys = (await ca.send(new ListKeysCommand({}))).Keys?.map((k) => k.KeyId);
    assert.deepEqual(apKeys, [a]);
    assert.deepEqual(caKeys, [c]);
    await ap.send(new CreateAliasCommand({ AliasName: 'alias/same-name', TargetKeyId: a }));
    await ca.send(new CreateAliasCommand({ AliasName: 'alias/same-name', TargetKeyId: c }));
    const apAlias = (await ap.send(new ListAliasesCommand({}))).Aliases ?? [];
    assert.deepEqual(
      apAlias.map((x) => [x.AliasName, x.TargetKeyId, x.AliasArn]),
      [['alias/same-name', a, 'arn:aws:kms:ap-southeast-2:111122223333:alias/same-name']],
    );
    const viaAlias = await ca.send(new DescribeKeyCommand({ KeyId: 'alias/same-name' }));
    assert.equal(viaAlias.KeyMetadata?.KeyId, c);
    await rejectsWith(
      ap.send(new CreateAliasCommand({ AliasName: 'alias/only-here', TargetKeyId: c })),
      'NotFoundException',
      `Key 'arn:aws:kms:ap-southeast-2:111122223333:key/${c}' does not exist`,
    );
  });

  void test('an import token is only good in the region that issued it', async () => {
    const eu = h.clientFor('eu-central-1');
    const { KeyMetadata: md } = await eu.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    const p = await eu.send(
      new GetParametersForImportCommand({
        KeyId: md?.KeyId,
        WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
        WrappingKeySpec: 'RSA_2048',
      }),
    );
    const wrapped = oaepWrap(p.PublicKey ?? new Uint8Array(), randomMaterial(), 'sha256');
    await rejectsWith(
      h.kms.send(
        new ImportKeyMaterialCommand({
          KeyId: md?.Arn,
          ImportToken: p.ImportToken,
          EncryptedKeyMaterial: wrapped,
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      ),
      'NotFoundException',
      'Invalid arn eu-central-1',
    );
    await importWithWrapModule(
      eu,
      md?.KeyId ?? '',
      'SYMMETRIC_DEFAULT',
      randomMaterial(),
      'RSAES_OAEP_SHA_256',
    );
    const d = await eu.send(new DescribeKeyCommand({ KeyId: md?.KeyId }));
    assert.equal(d.KeyMetadata?.KeyState, 'Enabled');
  });

  void test('China and GovCloud regions get their partition in the ARN', async () => {
    const cn = (await h.clientFor('cn-north-1').send(new CreateKeyCommand({}))).KeyMetadata?.Arn;
    assert.match(cn ?? '', /^arn:aws-cn:kms:cn-north-1:111122223333:key\//);
    const gov = (await h.clientFor('us-gov-west-1').send(new CreateKeyCommand({}))).KeyMetadata?.Arn;
    assert.match(gov ?? '', /^arn:aws-us-gov:kms:us-gov-west-1:111122223333:key\//);
  });

  void test('an unsigned request goes to the default region; a malformed scope is refused, not guessed', async () => {
    const unsigned = await rawCall('CreateKey', {});
    assert.equal(unsigned.status, 200);
    const body = (await unsigned.json()) as { KeyMetadata: { Arn: string } };
    assert.match(body.KeyMetadata.Arn, /^arn:aws:kms:us-east-1:/);

    const noScope = await rawCall('ListKeys', {}, 'AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00');
    assert.equal(noScope.status, 400);
    assert.equal(noScope.headers.get('x-amzn-errortype'), 'IncompleteSignatureException');
    const badRegion = await rawCall(
      'ListKeys',
      {},
      'AWS4-HMAC-SHA256 Credential=AKID/20260101/moon-base/kms/aws4_request, SignedHeaders=host, Signature=00',
    );
    assert.equal(badRegion.status, 400);
    assert.deepEqual(await badRegion.json(), {
      __type: 'InvalidSignatureException',
      message: "Credential should be scoped to a valid region, not 'moon-base'.",
    });
    const scoped = await rawCall(
      'CreateKey',
      {},
      'AWS4-HMAC-SHA256 Credential=AKID/20260101/sa-east-1/kms/aws4_request, SignedHeaders=host, Signature=00',
    );
    assert.match(((await scoped.json()) as { KeyMetadata: { Arn: string } }).KeyMetadata.Arn, /:sa-east-1:/);
  });
});

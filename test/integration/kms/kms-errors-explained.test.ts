// Every error the emulator can answer, as the real SDK raises it, becomes a KeyriteError that says
// what happened and what to do — including the errors that AWS sends without any message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateKeyCommand, DescribeKeyCommand } from '@aws-sdk/client-kms';
import { toKeyriteError } from '../../../src-main/kms/kms-errors.js';
import { createKmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { KeyriteError } from '../../../src-shared/errors.js';
import { type Harness, startHarness } from '../emulator/emulator-harness.js';

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
});

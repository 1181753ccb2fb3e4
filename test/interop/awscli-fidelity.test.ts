// Fidelity cases run with AWS CLI v2 as a user types them: the region a command is signed for, tag
// validation, and the HMAC material lengths AWS accepts. Expected answers are AWS's own (see
// docs/EMULATOR-FIDELITY.md for where each comes from).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CliHarness, startCliHarness } from './awscli-harness.js';

let cli: CliHarness;
before(async () => {
  cli = await startCliHarness();
});
after(async () => {
  await cli?.close();
});

void describe('AWS CLI v2: regions', () => {
  void test('--region decides where a key lives; another region does not find it', async () => {
    const arn = await cli.ok(
      'aws --region eu-west-3 kms create-key --description paris --query KeyMetadata.Arn --output text',
    );
    assert.match(arn, /^arn:aws:kms:eu-west-3:111122223333:key\/[0-9a-f-]{36}$/);
    const id = arn.split('/')[1] ?? '';
    assert.equal(
      await cli.ok(
        `aws --region eu-west-3 kms describe-key --key-id ${id} --query KeyMetadata.Description --output text`,
      ),
      'paris',
    );
    const byId = await cli.sh(`aws --region us-east-1 kms describe-key --key-id ${id}`);
    assert.equal(byId.code, 254);
    assert.match(
      byId.stderr,
      new RegExp(
        `An error occurred \\(NotFoundException\\) when calling the DescribeKey operation: Key 'arn:aws:kms:us-east-1:111122223333:key/${id}' does not exist`,
      ),
    );
    const byArn = await cli.sh(`aws --region us-east-1 kms describe-key --key-id ${arn}`);
    assert.equal(byArn.code, 254);
    assert.match(
      byArn.stderr,
      /\(NotFoundException\) when calling the DescribeKey operation: Invalid arn eu-west-3/,
    );
    const listed = await cli.ok('aws --region eu-west-3 kms list-keys --query "Keys[].KeyId" --output text');
    assert.equal(listed, id);
  });
});

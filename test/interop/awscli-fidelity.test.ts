// Fidelity cases run with AWS CLI v2 as a user types them: the region a command is signed for, tag
// validation, and the HMAC material lengths AWS accepts. Expected answers are AWS's own (see
// docs/EMULATOR-FIDELITY.md for where each comes from).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CliHarness, startCliHarness } from './harness/awscli.js';

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

void describe('AWS CLI v2: tags', () => {
  void test("tag-resource, untag-resource and list-resource-tags, with AWS's refusals", async () => {
    const id = await cli.ok(
      'aws kms create-key --tags TagKey=team,TagValue=crypto TagKey=env,TagValue=rehearsal --query KeyMetadata.KeyId --output text',
    );
    const dup = await cli.sh(
      `aws kms tag-resource --key-id ${id} --tags TagKey=a,TagValue=1 TagKey=a,TagValue=2`,
    );
    assert.equal(dup.code, 254);
    assert.match(dup.stderr, /\(TagException\) when calling the TagResource operation: Duplicate tag keys/);
    const reserved = await cli.sh(`aws kms tag-resource --key-id ${id} --tags TagKey=AWS:owner,TagValue=me`);
    assert.equal(reserved.code, 254);
    assert.match(
      reserved.stderr,
      /\(TagException\) when calling the TagResource operation: Tags beginning with aws: are reserved/,
    );
    const long = 'k'.repeat(129);
    const tooLong = await cli.sh(`aws kms create-key --tags TagKey=${long},TagValue=v`);
    assert.equal(tooLong.code, 254);
    assert.match(
      tooLong.stderr,
      new RegExp(
        `\\(ValidationException\\) when calling the CreateKey operation: 1 validation error detected: Value '${long}' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128`,
      ),
    );
    const many = Array.from({ length: 51 }, (_, i) => `TagKey=k${i},TagValue=v`).join(' ');
    const tooMany = await cli.sh(`aws kms create-key --tags ${many}`);
    assert.equal(tooMany.code, 254);
    assert.match(tooMany.stderr, /\(TagException\) when calling the CreateKey operation: Too many tags/);
    await cli.ok(
      `aws kms tag-resource --key-id ${id} --tags TagKey=env,TagValue=production TagKey=owner,TagValue=pki`,
    );
    await cli.ok(`aws kms untag-resource --key-id ${id} --tag-keys team`);
    const listedTags = await cli.ok(
      `aws kms list-resource-tags --key-id ${id} --query "Tags[].[TagKey,TagValue]" --output text`,
    );
    assert.equal(listedTags.replace(/\s+/g, ' '), 'env production owner pki');
  });
});

// Tags on CreateKey, TagResource and UntagResource, answered as AWS answered the same requests in
// recordings (localstack tests/aws/services/kms/test_kms.snapshot.json, January 2025).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateKeyCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  type Tag,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-kms';
import { type Harness, rejectsWith, startHarness } from './harness/emulator.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const tags = (o: Record<string, string>): Tag[] =>
  Object.entries(o).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));

async function newKey(t?: Tag[]): Promise<string> {
  return (await h.kms.send(new CreateKeyCommand({ ...(t ? { Tags: t } : {}) }))).KeyMetadata?.KeyId ?? '';
}

async function listed(keyId: string): Promise<Tag[]> {
  return (await h.kms.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags ?? [];
}

void describe('tag validation', () => {
  void test('duplicate tag keys are a TagException on TagResource and CreateKey', async () => {
    const id = await newKey();
    const dup = [
      { TagKey: 'tag1', TagValue: 'value1' },
      { TagKey: 'tag1', TagValue: 'another-value1' },
    ];
    await rejectsWith(
      h.kms.send(new TagResourceCommand({ KeyId: id, Tags: dup })),
      'TagException',
      'Duplicate tag keys',
    );
    await rejectsWith(h.kms.send(new CreateKeyCommand({ Tags: dup })), 'TagException', 'Duplicate tag keys');
    assert.deepEqual(await listed(id), []);
  });

  void test('more than 50 tags is "Too many tags", in one request or in total', async () => {
    const fiftyOne = tags(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`key${i}`, `value${i}`])));
    await rejectsWith(h.kms.send(new CreateKeyCommand({ Tags: fiftyOne })), 'TagException', 'Too many tags');
    const id = await newKey(fiftyOne.slice(0, 50));
    await rejectsWith(
      h.kms.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: 'one-more', TagValue: 'x' }] })),
      'TagException',
      'Too many tags',
    );
    assert.equal((await listed(id)).length, 50, 'nothing half-applied');
    // Replacing the value of an existing tag is not one more tag.
    await h.kms.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: 'key7', TagValue: 'new' }] }));
    assert.equal((await listed(id)).find((t) => t.TagKey === 'key7')?.TagValue, 'new');
  });

  void test('keys beginning with aws: are reserved in any letter case', async () => {
    const id = await newKey();
    for (const key of ['aws:key1', 'AWS:key1', 'Aws:key1']) {
      await rejectsWith(
        h.kms.send(new CreateKeyCommand({ Tags: [{ TagKey: key, TagValue: 'value1' }] })),
        'TagException',
        'Tags beginning with aws: are reserved',
      );
      await rejectsWith(
        h.kms.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: key, TagValue: 'value1' }] })),
        'TagException',
        'Tags beginning with aws: are reserved',
      );
    }
    // "aws" without the colon, or not at the start, is an ordinary key.
    await h.kms.send(new TagResourceCommand({ KeyId: id, Tags: tags({ awsome: '1', 'my-aws:x': '2' }) }));
    assert.deepEqual(
      (await listed(id)).map((t) => t.TagKey),
      ['awsome', 'my-aws:x'],
    );
  });

  void test('an over-long key or value is a ValidationException naming the tag it is in', async () => {
    const longKey = 'a'.repeat(129);
    await rejectsWith(
      h.kms.send(new CreateKeyCommand({ Tags: [{ TagKey: longKey, TagValue: 'value1' }] })),
      'ValidationException',
      `1 validation error detected: Value '${longKey}' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
    const longValue = 'v'.repeat(257);
    await rejectsWith(
      h.kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'tag1', TagValue: longValue }] })),
      'ValidationException',
      `1 validation error detected: Value '${longValue}' at 'tags.1.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256`,
    );
    const id = await newKey();
    await rejectsWith(
      h.kms.send(
        new TagResourceCommand({
          KeyId: id,
          Tags: [...tags({ ok: 'x' }), { TagKey: longKey, TagValue: '' }],
        }),
      ),
      'ValidationException',
      /at 'tags\.2\.member\.tagKey' failed to satisfy constraint/,
    );
    await rejectsWith(
      h.kms.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: '', TagValue: 'x' }] })),
      'ValidationException',
      "1 validation error detected: Value '' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    // The limits are inclusive, an empty value is allowed, and length counts characters.
    await h.kms.send(
      new TagResourceCommand({
        KeyId: id,
        Tags: [
          { TagKey: 'k'.repeat(128), TagValue: 'w'.repeat(256) },
          { TagKey: 'empty', TagValue: '' },
          { TagKey: '🔑'.repeat(128), TagValue: 'é'.repeat(256) },
        ],
      }),
    );
    assert.equal((await listed(id)).length, 3);
  });
});

void describe('TagResource and UntagResource', () => {
  void test('an update replaces a value in place and new keys follow, as AWS lists them', async () => {
    const id = await newKey(tags({ tag1: 'value1', tag2: 'value2', tag3: 'value3' }));
    await h.kms.send(
      new TagResourceCommand({
        KeyId: id,
        Tags: tags({ tag4: 'value4', tag2: 'updated_value2', tag5: 'value5' }),
      }),
    );
    assert.deepEqual(
      await listed(id),
      tags({ tag1: 'value1', tag2: 'updated_value2', tag3: 'value3', tag4: 'value4', tag5: 'value5' }),
    );
  });

  void test('UntagResource removes the named keys, ignores keys that are not there, and keeps the order', async () => {
    const id = await newKey(tags({ tag1: 'value1', tag2: 'value2', tag3: 'value3' }));
    await h.kms.send(new UntagResourceCommand({ KeyId: id, TagKeys: ['tag2', 'no-such-tag'] }));
    assert.deepEqual(await listed(id), tags({ tag1: 'value1', tag3: 'value3' }));
    await h.kms.send(new UntagResourceCommand({ KeyId: id, TagKeys: ['tag1', 'tag3'] }));
    assert.deepEqual(await listed(id), []);
    await rejectsWith(
      h.kms.send(new UntagResourceCommand({ KeyId: id, TagKeys: ['x'.repeat(129)] })),
      'ValidationException',
      /at 'tagKeys\.1\.member' failed to satisfy constraint: Member must have length less than or equal to 128/,
    );
    await rejectsWith(
      h.kms.send(new UntagResourceCommand({ KeyId: id, TagKeys: ['aws:created'] })),
      'TagException',
      'Tags beginning with aws: are reserved',
    );
    await rejectsWith(
      h.kms.send(new UntagResourceCommand({ KeyId: 'alias/nope', TagKeys: ['a'] })),
      'NotFoundException',
    );
  });

  void test('a key pending deletion cannot be tagged or untagged', async () => {
    const id = await newKey(tags({ keep: 'me' }));
    await h.kms.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 7 }));
    await rejectsWith(
      h.kms.send(new TagResourceCommand({ KeyId: id, Tags: tags({ a: 'b' }) })),
      'KMSInvalidStateException',
      /is pending deletion\.$/,
    );
    await rejectsWith(
      h.kms.send(new UntagResourceCommand({ KeyId: id, TagKeys: ['keep'] })),
      'KMSInvalidStateException',
      /is pending deletion\.$/,
    );
    assert.deepEqual(await listed(id), tags({ keep: 'me' }));
  });
});

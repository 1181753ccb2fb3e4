import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROVIDERS } from '../../../src-shared/ceremony/providers.js';
import { cloudName, keyNameLabel, ownerWord } from '../../../src-renderer/components/cloud-terms.js';

void test('the renderer names each cloud, its key name and its owner as the provider facts do', () => {
  for (const provider of Object.keys(PROVIDERS) as (keyof typeof PROVIDERS)[]) {
    const facts = PROVIDERS[provider];
    assert.equal(cloudName(provider), facts.cloud);
    assert.equal(keyNameLabel(provider).toLowerCase(), facts.keyName.toLowerCase());
  }
  assert.equal(ownerWord('aws'), 'account');
  assert.equal(ownerWord('huawei'), 'project');
  // Before a plan is loaded the station speaks AWS, as kms.identity does.
  assert.equal(keyNameLabel(undefined), 'Key ARN');
});

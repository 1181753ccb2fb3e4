// The app's rehearsal emulators serve Huawei Cloud KMS too: one dialect per project and region, signed
// with the emulator-only key they hand out, and (with a state directory) a Huawei key outlives the app.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { Emulators, type HuaweiEmulatorEndpoint } from '../../../src-main/ipc/services/emulators.js';
import { createHuaweiKms } from '../../../src-main/kms/huawei/huawei-kms.js';

const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-emulators-huawei-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const PROJECT = '00112233445566778899aabbccddeeff';

function kms(e: HuaweiEmulatorEndpoint, projectId = PROJECT) {
  return createHuaweiKms({
    region: 'ap-southeast-1',
    projectId,
    endpoint: e.url,
    maxAttempts: 1,
    credentials: {
      accessKey: e.accessKey,
      secretKey: SecretBuffer.adopt(Buffer.from(e.secretKey)),
      source: 'test',
    },
  });
}

void test('Emulators.huaweiFor: one dialect per project, its key kept in the state directory across a restart', async () => {
  const first = new Emulators(dir);
  const a = await first.huaweiFor('ap-southeast-1', PROJECT);
  assert.equal((await first.huaweiFor('ap-southeast-1', PROJECT)).url, a.url, 'started once');
  const k = kms(a);
  const key = await k.createKey({ alias: 'app-key', description: '', tags: { team: 'pay' } });
  k.close();
  // Another project is another dialect: the first project's key is not there.
  const other = await first.huaweiFor('ap-southeast-1', 'ffeeddccbbaa99887766554433221100');
  assert.notEqual(other.url, a.url);
  await assert.rejects(kms(other, 'ffeeddccbbaa99887766554433221100').describeKey(key.keyId), {
    code: 'HUAWEI_KEY_NOT_FOUND',
  });
  await first.close();
  assert.ok(readdirSync(dir).includes(`kms-emulator-huawei-ap-southeast-1-${PROJECT}.sqlite`));

  const second = new Emulators(dir);
  const b = await second.huaweiFor('ap-southeast-1', PROJECT);
  const back = await kms(b).describeKey(key.keyId);
  assert.equal(back.keyAlias, 'app-key');
  assert.equal(back.keyState, 'PendingImport');
  await second.close();
});

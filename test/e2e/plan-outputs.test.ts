import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { loadLog } from '../../src-main/audit/load-log.js';
import { startHarness, type Harness } from './harness/harness.js';
import { lookAt } from './harness/look.js';
import { FAST_ENGINE, driveByMouse, enrollAsShown, loadPlanByClicking, roomPlan } from './harness/room.js';

/**
 * Issue 16 in the app: a plan's outputs for Google Cloud KMS and Azure Key Vault are shown for the
 * hand-over — each file, its SHA-256, where it goes and its upload command word for word — exactly as
 * the log's wrap.output records hold them. The import job and the key exchange key are our test keys
 * in the formats `gcloud kms import-jobs describe` and `az keyvault key show` print.
 */
const WRAP_FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'wrap');
let h: Harness;

before(async () => {
  h = await startHarness({ engine: FAST_ENGINE, viewport: { width: 1024, height: 700 } });
  const now = Date.now();
  writeFileSync(
    path.join(h.dataDirectory, 'gcp-import-job.yaml'),
    stringify({
      createTime: new Date(now - 3_600_000).toISOString(),
      expireTime: new Date(now + 71 * 3_600_000).toISOString(),
      importMethod: 'RSA_OAEP_3072_SHA256_AES_256',
      name: 'projects/contoso-payments/locations/europe-west1/keyRings/payments/importJobs/keyrite-job',
      protectionLevel: 'HSM',
      publicKey: { pem: readFileSync(path.join(WRAP_FIXTURES, 'wrapping-rsa-3072.pub.pem'), 'utf8') },
      state: 'ACTIVE',
    }),
  );
  const jwk = createPublicKey(readFileSync(path.join(WRAP_FIXTURES, 'wrapping-rsa-4096.pub.pem'))).export({
    format: 'jwk',
  });
  writeFileSync(
    path.join(h.dataDirectory, 'azure-kek.json'),
    JSON.stringify({
      attributes: { enabled: true },
      key: {
        kid: 'https://contoso-hsm.managedhsm.azure.net/keys/keyrite-kek/0123456789abcdef0123456789abcdef',
        kty: 'RSA-HSM',
        keyOps: ['import'],
        n: jwk.n,
        e: jwk.e,
      },
    }),
  );
});

after(async () => {
  await h?.close();
});

void test("the hand-over shows the plan's outputs for other clouds: file, SHA-256, destination and the upload command, as logged", async () => {
  const plan = roomPlan({
    // Writing material for another cloud is as irreversible as importing it: the wrap step is guarded.
    guardedSteps: ['generate-material', 'backup-shares', 'wrap', 'import'],
    outputs: [
      {
        cloud: 'gcp',
        importJob: 'gcp-import-job.yaml',
        algorithm: 'google-symmetric-encryption',
        key: 'payments',
      },
      { cloud: 'azure', kek: 'azure-kek.json', name: 'payments-key' },
    ],
  });
  const page = await loadPlanByClicking(h, plan).catch(async (e: unknown) => {
    const alert = h.page.getByRole('alert');
    if ((await alert.count()) > 0) assert.fail(`the plan did not load: ${await alert.first().innerText()}`);
    throw e;
  });
  await enrollAsShown(h);
  const done = await driveByMouse(h);
  assert.equal(done.status, 'completed');

  const ceremonies = path.join(h.dataDirectory, 'ceremonies');
  const [dir] = readdirSync(ceremonies);
  assert.ok(dir);
  const logged = loadLog(path.join(ceremonies, dir, 'audit.db')).records.filter(
    (r) => r.type === 'wrap.output',
  );
  assert.equal(logged.length, 2, 'the log holds both outputs');
  const card = page.getByTestId('plan-outputs');
  await card.waitFor();
  for (const r of logged) {
    const p = r.payload as Record<string, string | number>;
    const item = card.getByRole('listitem', { name: new RegExp(String(p['file']).replace(/[.]/g, '\\.')) });
    const text = (await item.innerText()).replace(/\s+/g, ' ');
    const hex = String(p['outputDigest']);
    assert.ok(text.replace(/ /g, '').includes(hex), `${String(p['file'])}: its SHA-256 as logged`);
    assert.ok(text.includes(String(p['destination'])), `${String(p['file'])}: where it goes`);
    // The command is shown word for word, in one block a person can select and copy.
    assert.equal(await item.locator('pre.command').innerText(), String(p['command']));
    const onStation: Buffer = readFileSync(path.join(ceremonies, dir, String(p['file'])));
    assert.equal(onStation.length, p['bytes'], 'the file on the station is the one logged');
  }
  assert.match(await card.innerText(), /Google Cloud KMS[\s\S]*Azure Key Vault/i);
  await lookAt(page, 'ceremony-plan-outputs');
});

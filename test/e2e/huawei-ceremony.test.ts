import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHarness, type Harness } from './harness/harness.js';
import { lookAt } from './harness/look.js';
import {
  FAST_ENGINE,
  driveByMouse,
  enrollAsShown,
  loadPlanByClicking,
  roomPlan,
  until,
} from './harness/room.js';

/**
 * A Huawei Cloud KMS ceremony through the app, as the room runs it: the plan names a Huawei project,
 * the station (rehearsal mode) starts the emulator's Huawei dialect for it, and every step is driven with
 * the mouse by role and label against the real engine, audit log and IPC handlers in main.
 */
const PROJECT = 'fedcba9876543210fedcba9876543210';
const REGION = 'ap-southeast-1';
/** How the screen shows a 32-hex project id: in groups of four, the way people read it aloud. */
const PROJECT_SHOWN = PROJECT.match(/.{4}/g)?.join(' ') ?? PROJECT;

const huaweiPlan = (): Record<string, unknown> =>
  roomPlan({
    name: 'Huawei Cloud: AES_256 BYOK key, rehearsed at the station',
    target: {
      provider: 'huawei',
      region: REGION,
      projectId: PROJECT,
      key: {
        create: {
          alias: 'keyrite-e2e-key',
          description: 'Huawei key imported in a witnessed ceremony',
          tags: { purpose: 'e2e' },
          keySpec: 'AES_256',
        },
      },
    },
    wrapping: { algorithm: 'RSAES_OAEP_SHA_256', keySpec: 'RSA_2048' },
  });

let h: Harness;
before(async () => {
  h = await startHarness({ viewport: { width: 1024, height: 700 }, engine: FAST_ENGINE });
});
after(async () => {
  await h.close();
});

void test('a Huawei rehearsal through the UI: the station checks the plan’s project, and the screens name the key URN, project and region', async () => {
  const page = await loadPlanByClicking(h, huaweiPlan());
  await enrollAsShown(h);
  const shownUrns: string[] = [];

  await driveByMouse(h, {
    onStep: async (step) => {
      if (step.id === 'create-key') {
        const review = await page.getByTestId('key-review').innerText();
        for (const shown of [
          'keyrite-e2e-key',
          'Huawei key imported in a witnessed ceremony',
          'AES_256',
          `Project\n${PROJECT_SHOWN}`,
          `Region\n${REGION}`,
          'purpose = e2e',
          'keyrite-ceremony = cer-',
          'Huawei Cloud KMS keys have no key policy',
        ])
          assert.ok(review.includes(shown), `the review shows ${JSON.stringify(shown)}:\n${review}`);
        assert.ok(!/\bAccount\b/.test(review), 'a Huawei key is not said to belong to an account');
        // The station asked the plan's cloud (the Huawei dialect, signed), not AWS.
        const check = page.getByTestId('account-check');
        await check.waitFor();
        assert.match(
          await check.innerText(),
          new RegExp(
            `^The station acts as project ${PROJECT} \\(access key KEYR…TOR0 \\(the embedded emulator\\); Huawei KMS has no caller-identity call: a signed list-keys was accepted in project ${PROJECT}\\): the plan's project\\.$`,
          ),
        );
        assert.equal(await page.getByRole('alert').count(), 0, 'no mismatch alert');
        assert.equal(
          await page.getByTestId('irreversible').innerText(),
          `Cannot be undone. Create-key makes a KMS key in project ${PROJECT} that stays until it is scheduled for deletion (7 to 1,096 days).`,
        );
        const box = page.getByRole('checkbox', { name: /compared this identity/ });
        assert.equal(await box.isDisabled(), false, 'the review can be ticked once the project matches');
        assert.equal(await page.getByRole('button', { name: 'Run this step' }).isDisabled(), true);
        await lookAt(page, 'huawei-step-create-key', ['light', 'dark'], { fullPage: false });
      }
      if (step.id === 'import') {
        // The created key, named as Huawei names it, with the region, before the custodians confirm.
        const urn = page.getByTestId('fact-key-arn');
        await urn.waitFor();
        const text = await urn.innerText();
        assert.match(text, new RegExp(`^Key URN\\nkms:${REGION}:[0-9a-f]+:KeyId:[0-9a-f-]{36}$`));
        shownUrns.push(text.split('\n')[1] ?? '');
        assert.match(await page.getByTestId('step-card').innerText(), new RegExp(`Region\\n${REGION}`));
        await lookAt(page, 'huawei-step-import', ['light', 'dark'], { fullPage: false });
      }
    },
  });

  const done = await until(h, 'completion', (v) => v.status === 'completed');
  const facts = Object.assign({}, ...done.steps.map((s) => s.facts)) as (typeof done.steps)[number]['facts'];
  assert.match(facts.keyArn ?? '', new RegExp(`^kms:${REGION}:[0-9a-f]+:KeyId:${facts.keyId}$`));
  assert.deepEqual(shownUrns, [facts.keyArn], 'the import step showed the key the engine imported into');
  assert.match(facts.kcv ?? '', /^[0-9a-f]{6}$/);
  // Import and verify ran against the Huawei dialect: the functional check is an encrypt/decrypt round trip.
  for (const id of ['create-key', 'import-parameters', 'wrap', 'import', 'verify'])
    assert.equal(done.steps.find((s) => s.id === id)?.status, 'done', `${id} done`);
  await lookAt(page, 'huawei-completed');

  await h.open('#/witness');
  await page.getByRole('heading', { name: 'Ceremony complete' }).waitFor();
  const witness = await page.getByTestId('witness-display').innerText();
  assert.match(witness, /Key URN/);
  assert.ok(witness.includes(facts.keyArn ?? '?'), 'the witness display shows the key URN');
  await lookAt(page, 'huawei-witness-completed');

  // The station overview names the loaded plan's cloud and project.
  await h.open('#/');
  const overview = page.getByTestId('kms-identity');
  await overview.waitFor();
  await page.getByRole('heading', { name: 'Huawei Cloud identity' }).waitFor();
  const shown = await overview.innerText();
  assert.ok(shown.includes(`Project\n${PROJECT_SHOWN}`), shown);
  assert.ok(shown.includes(`Region\n${REGION}`), shown);
  await lookAt(page, 'huawei-station');

  assert.deepEqual(h.droppedEvents, [], 'every event matched the contract');
  assert.deepEqual(h.pageErrors, []);
});

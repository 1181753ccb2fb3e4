import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../src-main/emulator/index.js';
import type { Browser } from 'playwright-core';
import { launchSharedBrowser, startHarness, type Harness } from './harness/harness.js';
import { lookAt } from './harness/look.js';
import {
  FAST_ENGINE,
  ROOM,
  driveByMouse,
  enrollAsShown,
  loadPlanByClicking,
  roomPlan,
  stepOf,
  until,
} from './harness/room.js';

/**
 * The room's way of using the screen: each custodian types their passphrase into the form as it is
 * shown — nobody re-selects a name the list already shows — and the engine must record exactly the
 * custodian the screen showed (driveByMouse and enrollAsShown assert it at every enrollment and
 * confirmation). A step that cannot succeed yet is not offered; a failed step offers a retry beside
 * its cause.
 */
let h: Harness | undefined;
let browser: Browser;
// One Chromium for the file; each test opens its own fresh context (profile) in it.
before(async () => {
  browser = await launchSharedBrowser();
});
after(async () => {
  await browser.close();
});
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await h?.close();
  await emulator?.close();
  h = undefined;
  emulator = undefined;
});

void test('each custodian uses the forms exactly as shown; the engine records the custodian on screen', async () => {
  h = await startHarness({ browser, engine: FAST_ENGINE });
  const page = await loadPlanByClicking(h, roomPlan());
  await enrollAsShown(h);
  const run = page.getByRole('button', { name: 'Run this step' });
  const done = await driveByMouse(h, {
    onStep: async (step) => {
      if (step.id === 'close') assert.equal(await run.isDisabled(), true, 'close waits for the witness');
    },
  });
  assert.equal(done.status, 'completed');
  // The screen named each confirmation as the engine recorded it, with the time.
  const imported = stepOf(done, 'import');
  assert.deepEqual(
    imported?.confirmations?.map((c) => c.name),
    ROOM.custodians.slice(0, 2).map((c) => c.name),
  );
  assert.deepEqual(h.pageErrors, []);
});

void test('Run is offered only when it can succeed; a step that failed shows its cause and a Retry that works once the cause is gone', async () => {
  // The rehearsal's KMS is an emulator this test can take away, as a network outage would.
  emulator = await startEmulator();
  const port = emulator.port;
  h = await startHarness({ browser, engine: FAST_ENGINE, ports: { kmsEndpoint: emulator.url } });
  const harness = h;
  const page = await loadPlanByClicking(h, roomPlan());
  // Before anyone enrolls, running the enrollment step cannot succeed: it is not offered, and the screen says why.
  const run = page.getByRole('button', { name: 'Run this step' });
  assert.equal(await run.isDisabled(), true, 'Run is disabled while custodians are missing');
  assert.match(await page.getByTestId('step-blocked').innerText(), /3 custodian\(s\) have not enrolled/);
  await lookAt(page, 'ceremony-enroll-blocked');

  await enrollAsShown(harness);
  assert.equal(
    await page.getByTestId('step-blocked').count(),
    0,
    'nothing blocks the step once all enrolled',
  );
  await page.getByRole('button', { name: 'Run this step' }).click();
  await until(harness, 'enrollment closed', (v) => v.currentStepId === 'preflight');

  await emulator.close();
  await page.getByRole('button', { name: 'Run this step' }).click();
  await until(harness, 'pre-flight to fail', (v) => stepOf(v, 'preflight')?.status === 'failed', {
    failOnAlert: false,
  });
  const card = page.getByTestId('step-card');
  await card.getByRole('alert').waitFor();
  const retry = page.getByRole('button', { name: 'Retry this step' });
  assert.equal(await retry.isEnabled(), true, 'a failed step offers a retry');
  await lookAt(page, 'ceremony-step-failed-retry');

  emulator = await startEmulator({ port });
  await retry.click();
  const v = await until(harness, 'pre-flight to pass', (x) => stepOf(x, 'preflight')?.status === 'done', {
    failOnAlert: false,
  });
  assert.equal(v.currentStepId, 'create-key');
  // CreateKey cannot be undone: Run waits for the room's review of the key's identity.
  const createRun = page.getByRole('button', { name: 'Run this step' });
  assert.equal(await createRun.isDisabled(), true, 'CreateKey waits for the review');
  await page.getByRole('checkbox', { name: /compared this identity/ }).check();
  assert.equal(await createRun.isEnabled(), true);
});

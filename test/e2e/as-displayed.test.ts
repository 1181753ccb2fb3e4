import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import type { Page } from 'playwright-core';
import { defaultRehearsalPlan } from '../../src-main/ceremony/default-plan.js';
import { startEmulator, type RunningEmulator } from '../../src-main/emulator/index.js';
import type { CeremonyView } from '../../src-shared/ipc/index.js';
import { artifactsDir, startHarness, type Harness } from './harness/harness.js';

/**
 * The room's way of using the screen: each custodian types their passphrase into the form as it is
 * shown — nobody re-selects a name the list already shows — and the engine must record exactly the
 * custodian the screen showed. A step that cannot succeed yet is not offered; a failed step offers a
 * retry beside its cause.
 */
const passphrases: Record<string, string> = {
  'custodian-1': 'purple elephant dances at dawn 1',
  'custodian-2': 'quiet river under the old bridge 2',
  'custodian-3': 'seven lanterns in the northern hall 3',
};
const engine = { scryptCost: { N: 2 ** 14, r: 8, p: 1 } };

let h: Harness | undefined;
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await h?.close();
  await emulator?.close();
  h = undefined;
  emulator = undefined;
});

async function state(page: Page): Promise<CeremonyView> {
  const r = await page.evaluate(() =>
    (
      window as unknown as {
        keyrite: { ceremony: { state(x: object): Promise<{ ok: boolean; value: unknown }> } };
      }
    ).keyrite.ceremony.state({}),
  );
  assert.ok(r.ok);
  return r.value as CeremonyView;
}

/** Waits for the engine to reach a state; an error shown on screen ends the wait at once, with its text. */
async function until(page: Page, what: string, ok: (v: CeremonyView) => boolean): Promise<CeremonyView> {
  for (let i = 0; i < 600; i++) {
    const v = await state(page);
    if (ok(v)) return v;
    const alert = page.getByRole('alert');
    if ((await alert.count()) > 0 && !what.includes('fail'))
      assert.fail(`waiting for ${what}, the screen shows: ${await alert.first().innerText()}`);
    await page.waitForTimeout(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The custodian the form's list shows right now, as a person reads it: "Name (id)". */
async function shownCustodian(page: Page): Promise<string> {
  const text = await page.getByLabel('Custodian', { exact: true }).locator('option:checked').innerText();
  const id = /\(([^)]+)\)$/.exec(text)?.[1];
  assert.ok(id, `the list shows a custodian: ${text}`);
  return id;
}

async function loadPlan(harness: Harness, plan: Record<string, unknown>): Promise<Page> {
  const planFile = path.join(harness.dataDirectory, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan, null, 2));
  const page = await harness.open('#/ceremony');
  harness.chooseNext('ceremony-plan', [planFile]);
  await page.getByRole('button', { name: 'Choose plan…' }).click();
  await page.getByTestId('plan-digest').waitFor();
  return page;
}

/** Every custodian enrolls with the form as shown: whoever the list shows types their passphrase. */
async function enrollAsShown(page: Page): Promise<void> {
  for (let n = 1; n <= 3; n++) {
    const shown = await shownCustodian(page);
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrases[shown] ?? '');
    await page.getByRole('button', { name: 'Enroll', exact: true }).click();
    const v = await until(
      page,
      `${shown} enrolled`,
      (x) => x.participants.filter((p) => p.enrolled).length === n,
    );
    assert.ok(
      v.participants.find((p) => p.id === shown)?.enrolled,
      `the engine enrolled ${shown}, the custodian the screen showed`,
    );
    assert.equal(await page.getByRole('alert').count(), 0, 'no error after enrolling as shown');
  }
}

void test('each custodian uses the forms exactly as shown; the engine records the custodian on screen', async () => {
  mkdirSync(artifactsDir, { recursive: true });
  h = await startHarness({ engine });
  const page = await loadPlan(h, defaultRehearsalPlan());

  const run = page.getByRole('button', { name: 'Run this step' });
  await enrollAsShown(page);

  for (let guard = 0; guard < 60; guard++) {
    const v = await state(page);
    if (v.status === 'completed') break;
    const step = v.steps.find((s) => s.id === v.currentStepId);
    assert.ok(step, 'a current step');
    assert.notEqual(step.status, 'failed', `${step.id} failed: ${step.error?.code} ${step.error?.message}`);
    const need = v.quorum?.m ?? 1;
    if (step.guarded && step.confirmedBy.length < need) {
      const shown = await shownCustodian(page);
      await page.getByLabel('Passphrase', { exact: true }).fill(passphrases[shown] ?? '');
      await page.getByRole('button', { name: 'Confirm this step' }).click();
      const after = await until(
        page,
        `confirmation on ${step.id}`,
        (x) => (x.steps.find((s) => s.id === step.id)?.confirmedBy.length ?? 0) > step.confirmedBy.length,
      );
      assert.ok(
        after.steps.find((s) => s.id === step.id)?.confirmedBy.includes(shown),
        `${step.id}: the confirmation names ${shown}, the custodian the screen showed`,
      );
      assert.equal(await page.getByRole('alert').count(), 0, `no error confirming ${step.id} as shown`);
      continue;
    }
    if (step.id === 'verify-shares') {
      for (let n = 0; n < 3; n++) {
        const shown = await shownCustodian(page);
        await page.getByLabel('Passphrase', { exact: true }).fill(passphrases[shown] ?? '');
        await page.getByRole('button', { name: 'Open and check my share' }).click();
        await page.getByText(`${shown}'s share opened and matches its commitment.`).waitFor();
      }
    }
    if (step.id === 'close') {
      assert.equal(await run.isDisabled(), true, 'close waits for the witness');
      await page.getByRole('button', { name: 'Sign off as Rehearsal Witness' }).click();
      await page.getByText('Rehearsal Witness signed off.').waitFor();
    }
    await run.click();
    await until(page, `${step.id} to finish`, (x) => {
      const s = x.steps.find((y) => y.id === step.id)?.status;
      return s === 'done' || s === 'failed';
    });
  }
  const done = await state(page);
  assert.equal(done.status, 'completed');
  assert.deepEqual(h.pageErrors, []);
});

void test('Run is offered only when it can succeed; a step that failed shows its cause and a Retry that works once the cause is gone', async () => {
  // The rehearsal's KMS is an emulator this test can take away, as a network outage would.
  emulator = await startEmulator();
  const port = emulator.port;
  h = await startHarness({ engine, ports: { kmsEndpoint: emulator.url } });
  const page = await loadPlan(h, defaultRehearsalPlan());
  // Before anyone enrolls, running the enrollment step cannot succeed: it is not offered, and the screen says why.
  const run = page.getByRole('button', { name: 'Run this step' });
  assert.equal(await run.isDisabled(), true, 'Run is disabled while custodians are missing');
  assert.match(await page.getByTestId('step-blocked').innerText(), /3 custodian\(s\) have not enrolled/);
  await page.screenshot({ path: path.join(artifactsDir, 'ceremony-enroll-blocked.png'), fullPage: true });

  await enrollAsShown(page);
  assert.equal(
    await page.getByTestId('step-blocked').count(),
    0,
    'nothing blocks the step once all enrolled',
  );
  await page.getByRole('button', { name: 'Run this step' }).click();
  await until(page, 'enrollment closed', (v) => v.currentStepId === 'preflight');

  await emulator.close();
  await page.getByRole('button', { name: 'Run this step' }).click();
  await until(
    page,
    'pre-flight to fail',
    (v) => v.steps.find((s) => s.id === 'preflight')?.status === 'failed',
  );
  const card = page.getByTestId('step-card');
  await card.getByRole('alert').waitFor();
  const retry = page.getByRole('button', { name: 'Retry this step' });
  assert.equal(await retry.isEnabled(), true, 'a failed step offers a retry');
  await page.screenshot({ path: path.join(artifactsDir, 'ceremony-step-failed-retry.png'), fullPage: true });

  emulator = await startEmulator({ port });
  await retry.click();
  const v = await until(
    page,
    'pre-flight to pass',
    (x) => x.steps.find((s) => s.id === 'preflight')?.status === 'done',
  );
  assert.equal(v.currentStepId, 'create-key');
  assert.equal(await page.getByRole('button', { name: 'Run this step' }).isEnabled(), true);
});

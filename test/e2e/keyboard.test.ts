import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from './harness/harness.js';
import {
  FAST_ENGINE,
  PASSPHRASES,
  ROOM,
  currentStep,
  nameOf,
  shownCustodian,
  stepOf,
  until,
  writePlan,
  roomPlan,
} from './harness/room.js';

/**
 * One whole ceremony with the keyboard only: Tab, Shift+Tab, Enter, Space and the arrow keys, and
 * typing. The test never clicks; it reads where the focus is (as a person sees the focus ring) and
 * proves that after each action the focus is already on the next one.
 */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** What has the focus, described as a person would name it: its label or text. */
async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    if (!e || e === document.body) return '(nothing)';
    const input = e as HTMLInputElement;
    const label = input.labels?.[0]?.textContent ?? e.getAttribute('aria-label') ?? e.textContent ?? '';
    return label.replace(/\s+/g, ' ').trim();
  });
}

/** Waits until the focus is on the named thing by itself (focus management), without any key press. */
async function focusArrives(page: Page, name: RegExp, why: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (name.test(await focused(page))) return;
    await page.waitForTimeout(50);
  }
  assert.fail(`${why}: focus is on "${await focused(page)}", expected ${name}`);
}

/**
 * Waits until the named button can be used, as a person waits for it before pressing Enter: Enter in a
 * form whose button is still disabled does nothing (Enroll waits for the engine's verdict on the
 * passphrase, and the first verdict also loads the strength estimator; CI once pressed Enter before it).
 */
async function offered(page: Page, name: string): Promise<void> {
  const button = page.getByRole('button', { name, exact: true });
  for (let i = 0; i < 600; i++) {
    if (await button.isEnabled()) return;
    await page.waitForTimeout(50);
  }
  assert.fail(`the ${name} button was never offered`);
}

/** Presses Tab (or Shift+Tab) until the focus reaches the named thing. */
async function tabTo(page: Page, name: RegExp, back = false): Promise<number> {
  for (let presses = 1; presses <= 60; presses++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (name.test(await focused(page))) return presses;
  }
  return assert.fail(`Tab never reached ${name}; focus on "${await focused(page)}"`);
}

void test('a whole ceremony done with the keyboard only; the focus moves to the next action after each one', async () => {
  h = await startHarness({ engine: FAST_ENGINE });
  const harness = h;
  const page = await h.open('#/ceremony');
  h.chooseNext('ceremony-plan', [writePlan(h, roomPlan())]);

  // A person sees the first step on the screen, then presses Tab: the first Tab reaches the skip link,
  // which takes the focus to the step card. (Pressed before the step is drawn, the link takes the focus
  // to the main content instead, as it should; CI once pressed it that early.)
  await page.getByRole('heading', { name: 'Load the reviewed plan' }).waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'Skip to the current step');
  await page.keyboard.press('Enter');
  await focusArrives(page, /^Load the reviewed plan$/, 'the skip link lands on the step');
  await tabTo(page, /^Choose plan…$/);
  await page.keyboard.press('Enter');

  for (const [i, c] of ROOM.custodians.entries()) {
    await focusArrives(page, /^Passphrase$/, `enrollment ${i + 1} starts in the passphrase field`);
    const shown = await shownCustodian(page);
    assert.equal(shown, c.id, 'the list shows the next custodian in order');
    await page.keyboard.type(PASSPHRASES[shown] ?? '');
    // Show, then hide again, with Space on the toggle beside the field.
    await page.keyboard.press('Tab');
    assert.match(await focused(page), /^Show/);
    await page.keyboard.press('Space');
    assert.equal(await page.getByLabel('Passphrase', { exact: true }).getAttribute('type'), 'text');
    await page.keyboard.press('Space');
    assert.equal(await page.getByLabel('Passphrase', { exact: true }).getAttribute('type'), 'password');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'Passphrase again');
    await page.keyboard.type(PASSPHRASES[shown] ?? '');
    await offered(page, 'Enroll');
    await page.keyboard.press('Enter');
    await until(
      harness,
      `${shown} enrolled`,
      (v) => v.participants.filter((p) => p.enrolled).length === i + 1,
    );
  }

  // Then the witness enrolls the key that signs their sign-off and exceptions.
  await focusArrives(page, /^Passphrase$/, 'the witness enrolls next, in the passphrase field');
  assert.equal(await shownCustodian(page, 'Witness'), ROOM.witness.id);
  await page.keyboard.type(PASSPHRASES[ROOM.witness.id] ?? '');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'Passphrase again');
  await page.keyboard.type(PASSPHRASES[ROOM.witness.id] ?? '');
  await page.keyboard.press('Enter');
  await until(harness, 'the witness enrolled', (v) =>
    v.participants.some((p) => p.id === ROOM.witness.id && p.enrolled),
  );

  let usedArrows = false;
  for (let guard = 0; guard < 60; guard++) {
    const v = await harness.engineView();
    if (v.status === 'completed') break;
    const step = currentStep(v);
    assert.ok(step, 'a current step');
    assert.notEqual(step.status, 'failed', `${step.id} failed: ${step.error?.message}`);
    const need = v.quorum?.m ?? 1;
    if (step.guarded && step.confirmedBy.length < need) {
      await focusArrives(page, /^Passphrase$/, `${step.id}: the confirmation starts in the passphrase field`);
      if (!usedArrows && step.confirmedBy.length === 0) {
        // Another custodian steps up: Shift+Tab to the list, the arrow key to their name, Tab back.
        usedArrows = true;
        await page.keyboard.press('Shift+Tab');
        assert.equal(await focused(page), 'Custodian');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Tab');
        assert.equal(await focused(page), 'Passphrase');
      }
      // Read the list only once the screen has caught up with the log: until then it may still show a
      // custodian who already confirmed, and the list changes under the typing (a person is slower).
      const custodianList = page.getByLabel('Custodian', { exact: true }).locator('option');
      for (let i = 0; i < 500; i++) {
        const listed = await custodianList.allInnerTexts();
        if (!step.confirmedBy.some((id) => listed.some((t) => t.endsWith(`(${id})`)))) break;
        await page.waitForTimeout(20);
      }
      const shown = await shownCustodian(page);
      await page.keyboard.type(PASSPHRASES[shown] ?? '');
      await page.keyboard.press('Enter');
      const after = await until(
        harness,
        `confirmation on ${step.id}`,
        (x) => (stepOf(x, step.id)?.confirmedBy.length ?? 0) > step.confirmedBy.length,
      );
      assert.ok(
        stepOf(after, step.id)?.confirmedBy.includes(shown),
        `${step.id}: recorded as ${shown}, shown`,
      );
      await page.getByText(`${nameOf(shown)} (${shown}) confirmed`).waitFor();
      continue;
    }
    if (step.id === 'create-key') {
      await focusArrives(page, /compared this identity/, 'the review is the next action');
      await page.keyboard.press('Space');
    }
    if (step.id === 'verify-shares') {
      for (let n = 0; n < ROOM.custodians.length; n++) {
        await focusArrives(page, /^Passphrase$/, 'each share check starts in the passphrase field');
        const shown = await shownCustodian(page);
        await page.keyboard.type(PASSPHRASES[shown] ?? '');
        await page.keyboard.press('Enter');
        await page.getByText(`${shown}'s share opened and matches its commitment.`).waitFor();
      }
    }
    if (step.id === 'close') {
      await focusArrives(page, /^Passphrase$/, 'the witness signs off first, with their passphrase');
      await page.keyboard.type(PASSPHRASES[ROOM.witness.id] ?? '');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      assert.equal(await focused(page), `Sign off as ${ROOM.witness.name}`);
      await page.keyboard.press('Enter');
      await page.getByText(`${ROOM.witness.name} signed off.`).waitFor();
    }
    if (step.id === 'create-key') {
      await page.keyboard.press('Tab');
    } else {
      await focusArrives(page, /^(Run|Retry) this step$/, `${step.id}: Run is the next action`);
    }
    assert.equal(await focused(page), 'Run this step', `${step.id}: the focus is on Run`);
    await page.keyboard.press(guard % 2 === 0 ? 'Enter' : 'Space');
    await until(harness, `${step.id} to finish`, (x) => {
      const s = stepOf(x, step.id)?.status;
      return s === 'done' || s === 'failed' || s === 'skipped';
    });
  }
  const done = await harness.engineView();
  assert.equal(done.status, 'completed');
  assert.ok(usedArrows, 'the arrow keys chose a custodian');
  // The report is one Tab away from the completed step and saved with Enter.
  await tabTo(page, /^Save the ceremony report…$/);
  await page.keyboard.press('Enter');
  await page.getByText(/Report saved as/).waitFor();
  assert.deepEqual(harness.pageErrors, []);
});

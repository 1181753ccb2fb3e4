import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { startHarness, type Harness } from './harness/harness.js';
import { lookAt } from './harness/look.js';
import {
  FAST_ENGINE,
  PASSPHRASES,
  ROOM,
  driveByMouse,
  enrollAsShown,
  loadPlanByClicking,
  roomPlan,
  shownCustodian,
  stepOf,
  until,
} from './harness/room.js';

/**
 * Wrong passphrases at the station, as the room meets them (issue 12, item 5): the form says how many
 * tries the plan leaves the custodian at this step, a wrong passphrase says how many remain and how
 * long to wait, and a custodian with none left cannot send another; another custodian confirms.
 */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

void test('the confirm form shows the tries left; a wrong passphrase counts down to none, then another custodian confirms', async () => {
  h = await startHarness({ engine: FAST_ENGINE });
  const page = await loadPlanByClicking(h, roomPlan({ passphraseAttempts: 2 }));
  await enrollAsShown(h);
  await driveByMouse(h, { stopWhen: (v) => v.currentStepId === 'generate-material' });
  const [dana, kenji] = [ROOM.custodians[0]!, ROOM.custodians[1]!];
  assert.equal(await shownCustodian(page), dana.id);
  await page.getByText(`${dana.name}: 2 passphrase attempts left at this step.`).waitFor();

  const field = page.getByLabel('Passphrase', { exact: true });
  const confirm = page.getByRole('button', { name: 'Confirm this step' });
  await field.fill('not the passphrase Dana chose 9');
  await confirm.click();
  await page
    .getByRole('alert')
    .getByText(/1 attempt left at this step; next try in 1 s/)
    .waitFor();
  await page.getByText(`${dana.name}: 1 passphrase attempt left at this step (1 wrong so far).`).waitFor();
  assert.equal(await field.inputValue(), '', 'the field is cleared once sent');
  await lookAt(page, 'ceremony-confirm-wrong-passphrase');

  // After the wait (doubling from 1 s), the second wrong one uses the last try.
  await page.waitForTimeout(1200);
  await field.fill('still not the passphrase Dana chose 9');
  await confirm.click();
  await page
    .getByRole('alert')
    .getByText(/no attempts left at this step/)
    .waitFor();
  await page
    .getByText(`${dana.name} has no passphrase attempts left at this step (2 wrong so far).`)
    .waitFor();
  await field.fill(PASSPHRASES[dana.id]!);
  assert.equal(await confirm.isDisabled(), true, 'no further try can be sent for Dana');
  const v = await h.engineView();
  assert.deepEqual(
    (({ wrong, remaining }) => ({ wrong, remaining }))(
      v.participants.find((p) => p.id === dana.id)?.passphraseAttempts ?? { wrong: -1 },
    ),
    { wrong: 2, remaining: 0 },
  );

  await page.getByLabel('Custodian', { exact: true }).selectOption(kenji.id);
  await page.getByText(`${kenji.name}: 2 passphrase attempts left at this step.`).waitFor();
  await field.fill(PASSPHRASES[kenji.id]!);
  await confirm.click();
  const after = await until(
    h,
    'Kenji confirmed',
    (x) => stepOf(x, 'generate-material')?.confirmedBy.includes(kenji.id) === true,
    { failOnAlert: false },
  );
  assert.deepEqual(stepOf(after, 'generate-material')?.confirmedBy, [kenji.id]);
});

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
 * Enrollment's easy path and its guard rails, as a custodian meets them: the engine's rule is on screen
 * before typing, a generated passphrase is shown to the custodian it was made for and must be typed
 * again, and a passphrase typed for one custodian is never sent for another.
 */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

void test('a custodian takes a generated passphrase, types it again, and it is the one that opens their key later', async () => {
  h = await startHarness({ engine: FAST_ENGINE });
  const page = await loadPlanByClicking(h, roomPlan());
  const first = ROOM.custodians[0]!;
  assert.equal(await shownCustodian(page), first.id);

  await page.getByRole('button', { name: 'Generate a passphrase' }).click();
  const field = page.getByLabel('Passphrase', { exact: true });
  await page.getByText(`Generated for ${first.name}: 6 random words (77 bits).`, { exact: false }).waitFor();
  // Shown to the custodian in full, in large type, so they can write it down; the field itself stays
  // hidden and the focus waits in the second field.
  const words = await page.getByTestId('generated-words').innerText();
  assert.match(words, /^[a-z]+(?:[ -][a-z]+){5}$/, 'six words');
  assert.equal(await field.getAttribute('type'), 'password');
  assert.equal(await field.inputValue(), words, 'the first field holds exactly the words shown');
  assert.equal(
    await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.id),
    await page.getByLabel('Passphrase again', { exact: true }).getAttribute('id'),
    'focus moves to "Passphrase again"',
  );
  await page.getByText(/meets the rule/).waitFor();
  const enroll = page.getByRole('button', { name: 'Enroll', exact: true });
  assert.equal(await enroll.isDisabled(), true, 'not before it is typed again');
  await lookAt(page, 'ceremony-enroll-generated');

  // Typed again from what they wrote down.
  await page.keyboard.type(words);
  await page.getByText('Both entries match.').waitFor();
  await enroll.click();
  await until(h, 'enrolled', (v) => v.participants.find((p) => p.id === first.id)?.enrolled === true);
  await page.getByText(`${first.name} (${first.id}) enrolled`).waitFor();
  assert.equal(await field.inputValue(), '', 'the fields are cleared once sent');
  assert.equal(await page.getByTestId('generated-words').count(), 0, 'the words are gone once sent');
  await enrollAsShown(h);

  // The generated words are what seals the custodian's key: their confirmation at the first guarded step opens it.
  const passphrases = { ...PASSPHRASES, [first.id]: words };
  const v = await driveByMouse(h, {
    passphrases,
    stopWhen: (x) => x.steps.some((s) => s.guarded && s.confirmedBy.includes(first.id)),
  });
  const confirmed = v.steps.find((s) => s.guarded && s.confirmedBy.includes(first.id));
  assert.ok(confirmed && stepOf(v, confirmed.id), `${first.id} confirmed with the generated passphrase`);
  assert.deepEqual(h.pageErrors, []);
});

void test('changing the custodian clears what was typed, so a passphrase is only sent for the custodian it was typed for', async () => {
  h = await startHarness({ engine: FAST_ENGINE });
  const page = await loadPlanByClicking(h, roomPlan());
  const [c1, c2] = ROOM.custodians;
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASES[c1!.id]!);
  await page.getByLabel('Passphrase again', { exact: true }).fill(PASSPHRASES[c1!.id]!);
  await page.getByRole('button', { name: 'Enroll', exact: true }).waitFor();
  await page.getByLabel('Custodian', { exact: true }).selectOption(c2!.id);
  assert.equal(await page.getByLabel('Passphrase', { exact: true }).inputValue(), '');
  assert.equal(await page.getByLabel('Passphrase again', { exact: true }).inputValue(), '');
  assert.equal(await page.getByRole('button', { name: 'Enroll', exact: true }).isDisabled(), true);
  const v = await h.engineView();
  assert.equal(v.participants.filter((p) => p.enrolled).length, 0, 'nothing was sent');
});

import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchSharedBrowser, startHarness, type Harness } from './harness/harness.js';
import { lookAt } from './harness/look.js';
import {
  FAST_ENGINE,
  PASSPHRASES,
  ROOM,
  driveByMouse,
  enrollAsShown,
  loadPlanByClicking,
  currentStep,
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
let browser: Browser;
// One Chromium for the file; each test opens its own fresh context (profile) in it.
before(async () => {
  browser = await launchSharedBrowser();
});
after(async () => {
  await browser.close();
});
/** The small station screen the new states are looked at on. */
const SMALL = { width: 1024, height: 700 };

/**
 * Caps Lock, as a keyboard reports it: Chromium under DevTools input never sets the CapsLock modifier
 * (getModifierState is always false there, checked), but a keyboard with Caps Lock on sends "A" for the
 * A key without Shift, and "c" for Shift+C — the key events pressed here. The warning must follow them,
 * and the Caps Lock key itself.
 */
async function capsLockIsWarned(page: Page): Promise<void> {
  const field = page.getByLabel('Passphrase', { exact: true });
  const warning = page.getByRole('status').filter({ hasText: 'Caps Lock is on.' });
  await field.focus();
  await page.keyboard.press('a');
  assert.equal(await warning.count(), 0, 'no warning for a lower-case letter');
  await page.keyboard.press('A');
  await warning.waitFor();
  await lookAt(page, 'ceremony-enroll-caps-lock', ['light', 'dark'], { fullPage: false });
  const id = await warning.getAttribute('id');
  assert.ok(
    id && ((await field.getAttribute('aria-describedby')) ?? '').split(' ').includes(id),
    'the field is described by the warning',
  );
  await page.keyboard.press('b');
  await warning.waitFor({ state: 'detached' });
  await page.keyboard.press('CapsLock');
  await warning.waitFor();
  await page.keyboard.press('Shift+c');
  assert.equal(await warning.count(), 1, 'Shift+C typing "c" means Caps Lock is still on');
  await page.keyboard.press('CapsLock');
  await warning.waitFor({ state: 'detached' });
  await field.fill('');
}
afterEach(async () => {
  await h?.close();
  h = undefined;
});

void test('a custodian takes a generated passphrase, types it again, and it is the one that opens their key later', async () => {
  h = await startHarness({ browser, engine: FAST_ENGINE });
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
  h = await startHarness({ browser, engine: FAST_ENGINE, viewport: SMALL });
  const page = await loadPlanByClicking(h, roomPlan());
  const [c1, c2] = ROOM.custodians;
  await capsLockIsWarned(page);
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

void test('the list changing under a typing custodian: the form keeps whom it shows, clears what was typed for someone who acted elsewhere, and says so', async () => {
  h = await startHarness({ browser, engine: FAST_ENGINE, viewport: SMALL });
  const page = await loadPlanByClicking(h, roomPlan());
  // A second app window on the same ceremony: another screen in the room, through the same IPC.
  const other = await h.openWindow('#/ceremony');
  const [c1, c2, c3] = ROOM.custodians as [Custodian, Custodian, Custodian];
  const field = (p: Page, label = 'Passphrase') => p.getByLabel(label, { exact: true });
  const notice = page.getByTestId('list-changed');

  // Dana types her passphrase twice here; before she presses Enroll, she is enrolled at the other window.
  assert.equal(await shownCustodian(page), c1.id);
  await field(page).fill(PASSPHRASES[c1.id]!);
  await field(page, 'Passphrase again').fill(PASSPHRASES[c1.id]!);
  await page.getByText('Both entries match.').waitFor();
  await enrollAt(other, c1);
  await notice.waitFor();
  assert.equal(
    await notice.innerText(),
    `${c1.name} enrolled elsewhere: what was typed here was cleared and not sent. This form is now for ${c2.name} (${c2.id}).`,
  );
  assert.equal(await shownCustodian(page), c2.id);
  assert.equal(await field(page).inputValue(), '', 'what Dana typed is gone');
  assert.equal(await field(page, 'Passphrase again').inputValue(), '');
  assert.equal(await page.getByRole('button', { name: 'Enroll', exact: true }).isDisabled(), true);
  await lookAt(page, 'ceremony-enroll-list-changed', ['light', 'dark'], { fullPage: false });

  // Kenji types; meanwhile Amara enrolls at the other window. The form stays Kenji's, text and all.
  await field(page).fill(PASSPHRASES[c2.id]!);
  await field(page, 'Passphrase again').fill(PASSPHRASES[c2.id]!);
  await enrollAt(other, c3);
  await page
    .getByText(`${c3.name} enrolled elsewhere while you typed. This form is still for ${c2.name} (${c2.id}).`)
    .waitFor();
  assert.equal(await shownCustodian(page), c2.id);
  assert.equal(await field(page).inputValue(), PASSPHRASES[c2.id]);
  await page.getByText('Both entries match.').waitFor();
  await page.getByRole('button', { name: 'Enroll', exact: true }).click();
  const v = await until(h, 'all enrolled', (x) => x.participants.filter((p) => p.enrolled).length === 3);
  assert.deepEqual(
    v.participants
      .filter((p) => p.role === 'custodian' && p.enrolled)
      .map((p) => p.id)
      .sort(),
    [c1.id, c2.id, c3.id],
  );

  await enrollAsShown(h); // the witness, after the custodians

  // At the first guarded step: Dana has typed her passphrase here when she confirms at the other window.
  const guarded = await driveByMouse(h, { stopWhen: (x) => currentStep(x)?.guarded === true });
  const stepId = currentStep(guarded)?.id ?? '';
  await page.getByTestId('confirm-form').waitFor();
  await other.getByTestId('confirm-form').waitFor();
  assert.equal(await shownCustodian(page), c1.id);
  await field(page).fill(PASSPHRASES[c1.id]!);
  await field(other).fill(PASSPHRASES[c1.id]!);
  await other.getByRole('button', { name: 'Confirm this step' }).click();
  await until(h, 'Dana confirmed', (x) => stepOf(x, stepId)?.confirmedBy.includes(c1.id) === true);
  await page
    .getByText(
      `${c1.name} confirmed this step elsewhere: what was typed here was cleared and not sent. This form is now for ${c2.name} (${c2.id}).`,
    )
    .waitFor();
  assert.equal(await field(page).inputValue(), '');
  await lookAt(page, 'ceremony-confirm-list-changed', ['light', 'dark'], { fullPage: false });
  // Kenji confirms with the form exactly as shown: his confirmation is recorded, and no wrong try.
  await field(page).fill(PASSPHRASES[c2.id]!);
  await page.getByRole('button', { name: 'Confirm this step' }).click();
  const after = await until(
    h,
    'Kenji confirmed',
    (x) => stepOf(x, stepId)?.confirmedBy.includes(c2.id) === true,
  );
  assert.deepEqual([...(stepOf(after, stepId)?.confirmedBy ?? [])].sort(), [c1.id, c2.id]);
  for (const p of after.participants)
    assert.equal(p.passphraseAttempts?.wrong ?? 0, 0, `${p.id}: no wrong passphrase was ever sent`);
  assert.deepEqual(h.pageErrors, []);
});

type Custodian = { id: string; name: string };

/** At another window: the custodian picks themself in the list if need be, types twice and enrolls. */
async function enrollAt(win: Page, c: Custodian): Promise<void> {
  if (!h) throw new Error('no harness');
  const before = (await h.engineView()).participants.filter((p) => p.enrolled).length;
  if ((await shownCustodian(win)) !== c.id)
    await win.getByLabel('Custodian', { exact: true }).selectOption(c.id);
  await win.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASES[c.id]!);
  await win.getByLabel('Passphrase again', { exact: true }).fill(PASSPHRASES[c.id]!);
  await win.getByText('Both entries match.').waitFor();
  await win.getByRole('button', { name: 'Enroll', exact: true }).click();
  const h2 = h;
  await until(h2, `${c.id} enrolled`, (x) => x.participants.filter((p) => p.enrolled).length === before + 1);
}

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import type { CeremonyView, StepView } from '../../../src-shared/ipc/ceremony-view.js';
import type { Harness } from './harness.js';

/**
 * The people of the e2e ceremonies and what they do at the screen: they load the plan through main's
 * dialog, read who acts now, type into the forms exactly as shown and press the buttons. The engine's
 * record is read on the main side (Harness.engineView), never through the page.
 */
export const ROOM = {
  administrator: { id: 'admin', name: 'Sam Patel' },
  custodians: [
    { id: 'custodian-1', name: 'Dana Ruiz' },
    { id: 'custodian-2', name: 'Kenji Sato' },
    { id: 'custodian-3', name: 'Amara Okafor' },
  ],
  witness: { id: 'witness-1', name: 'Lena Fischer' },
};

export const PASSPHRASES: Record<string, string> = {
  'custodian-1': 'purple elephant dances at dawn 1',
  'custodian-2': 'quiet river under the old bridge 2',
  'custodian-3': 'seven lanterns in the northern hall 3',
  'witness-1': 'amber compass over the quiet harbour 4',
};

export const nameOf = (id: string): string =>
  [ROOM.administrator, ROOM.witness, ...ROOM.custodians].find((p) => p.id === id)?.name ?? id;

/** The default rehearsal plan with the room's people in it. */
export function roomPlan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...defaultRehearsalPlan(),
    participants: {
      administrator: ROOM.administrator,
      custodians: ROOM.custodians,
      witnesses: [ROOM.witness],
      auditor: { id: 'auditor', name: 'Ines Moreau' },
    },
    ...overrides,
  };
}

/**
 * Lighter scrypt keeps the UI runs short (the cost the CLI tests use, KEYRITE_TEST_SCRYPT_LOG2N=10); the
 * engine's own tests hold the default cost. A UI ceremony derives some 20–30 keys: at 2^14 that was about
 * a second of CPU per ceremony on a suite whose 2 cores are busy.
 */
export const FAST_ENGINE = { scryptCost: { N: 2 ** 10, r: 8, p: 1 } };

export function writePlan(h: Harness, plan: Record<string, unknown>, name = 'plan.json'): string {
  const file = path.join(h.dataDirectory, name);
  writeFileSync(file, JSON.stringify(plan, null, 2));
  return file;
}

/** The administrator picks the plan in main's dialog: the test only says which file they pick. */
export async function loadPlanByClicking(h: Harness, plan: Record<string, unknown>): Promise<Page> {
  const file = writePlan(h, plan, `plan-${Date.now()}.json`);
  const page = h.page.url().endsWith('#/ceremony') ? h.page : await h.open('#/ceremony');
  h.chooseNext('ceremony-plan', [file]);
  await page.getByRole('button', { name: /^(Choose plan…|Load the next plan…)$/ }).click();
  await page.getByText('Plan digest (SHA-256)').waitFor();
  return page;
}

/** Waits for the engine to reach a state; an error on screen ends the wait at once, with its text. */
export async function until(
  h: Harness,
  what: string,
  ok: (v: CeremonyView) => boolean,
  { failOnAlert = true } = {},
): Promise<CeremonyView> {
  for (let i = 0; i < 600; i++) {
    const v = await h.engineView();
    if (ok(v)) return v;
    const alert = h.page.getByRole('alert');
    if (failOnAlert && (await alert.count()) > 0)
      assert.fail(`waiting for ${what}, the screen shows: ${await alert.first().innerText()}`);
    await h.page.waitForTimeout(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const stepOf = (v: CeremonyView, id: string): StepView | undefined => v.steps.find((s) => s.id === id);
export const currentStep = (v: CeremonyView): StepView | undefined =>
  v.steps.find((s) => s.id === v.currentStepId);

/** The custodian (or witness) a form's list shows right now, as a person reads it: "Name (id)". */
export async function shownCustodian(
  page: Page,
  role: 'Custodian' | 'Witness' = 'Custodian',
): Promise<string> {
  // A witness is also listed by the exception form: read the enrollment form's list.
  const scope = role === 'Witness' ? page.getByTestId('enroll-form') : page;
  const text = await scope.getByLabel(role, { exact: true }).locator('option:checked').innerText();
  const id = /\(([^)]+)\)$/.exec(text)?.[1];
  assert.ok(id, `the list shows a custodian: ${text}`);
  return id;
}

/** Waits (up to 10 s) until the custodian list no longer offers anyone in `done`. */
export async function screenCaughtUp(page: Page, done: readonly string[]): Promise<void> {
  const options = page.getByLabel('Custodian', { exact: true }).locator('option');
  for (let i = 0; i < 500; i++) {
    const listed = await options.allInnerTexts();
    if (!done.some((id) => listed.some((t) => t.endsWith(`(${id})`)))) return;
    await page.waitForTimeout(20);
  }
}

/** "Now: NAME, role — what": the person the step card says acts now. */
export async function whoActs(page: Page): Promise<string> {
  return (await page.getByTestId('who-acts').innerText()).replace(/\s+/g, ' ');
}

/**
 * Every custodian not yet enrolled enrolls with the form as shown: whoever the list shows types their
 * passphrase twice; then the witness does the same (their key signs their sign-off and exceptions).
 */
export async function enrollAsShown(
  h: Harness,
  passphrases: Record<string, string> = PASSPHRASES,
): Promise<void> {
  const page = h.page;
  const already = (await h.engineView()).participants.filter((p) => p.enrolled).length;
  for (let n = already + 1; n <= ROOM.custodians.length + 1; n++) {
    const role = n > ROOM.custodians.length ? 'Witness' : 'Custodian';
    const shown = await shownCustodian(page, role);
    assert.match(
      await whoActs(page),
      new RegExp(`${nameOf(shown)}, ${role.toLowerCase()}`),
      'who acts names the person shown',
    );
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrases[shown] ?? '');
    await page.getByLabel('Passphrase again', { exact: true }).fill(passphrases[shown] ?? '');
    await page.getByRole('button', { name: 'Enroll', exact: true }).click();
    const v = await until(
      h,
      `${shown} enrolled`,
      (x) => x.participants.filter((p) => p.enrolled).length === n,
    );
    assert.ok(
      v.participants.find((p) => p.id === shown)?.enrolled,
      `the engine enrolled ${shown}, the custodian the screen showed`,
    );
    // The person waits for the screen to say so before the next one steps up.
    await page.getByText(`${nameOf(shown)} (${shown}) enrolled`).waitFor();
  }
}

export interface DriveOptions {
  /** Called once when a step first becomes current, before anyone acts on it. */
  onStep?: (step: StepView, view: CeremonyView) => Promise<void>;
  /** Split knowledge: the component each custodian types when asked. */
  components?: Map<string, Buffer>;
  /** Split knowledge: called while a custodian's entry form is up, then while their check value is. */
  onComponent?: (custodianId: string, moment: 'entry' | 'check-value') => Promise<void>;
  /** The custodians' passphrases in this ceremony (PASSPHRASES unless given). */
  passphrases?: Record<string, string>;
  /** Stop (and return the view) as soon as this holds, before anyone acts further. */
  stopWhen?: (v: CeremonyView) => boolean;
}

/**
 * Drives every step from the current one to completion with the mouse, by role and label, as the
 * people in the room would: the custodian the form shows confirms, the witness signs off, the
 * administrator ticks the review and presses Run.
 */
export async function driveByMouse(h: Harness, options: DriveOptions = {}): Promise<CeremonyView> {
  const page = h.page;
  const seen = new Set<string>();
  const passphrases = options.passphrases ?? PASSPHRASES;
  for (let guard = 0; guard < 60; guard++) {
    const v = await h.engineView();
    if (v.status === 'completed' || options.stopWhen?.(v)) return v;
    const step = currentStep(v);
    assert.ok(step, 'a current step');
    assert.notEqual(step.status, 'failed', `${step.id} failed: ${step.error?.code} ${step.error?.message}`);
    await page.getByRole('heading', { level: 2, name: new RegExp(step.title) }).waitFor();
    if (!seen.has(step.id)) {
      seen.add(step.id);
      await options.onStep?.(step, v);
    }
    const need = v.quorum?.m ?? 1;
    if (step.guarded && step.confirmedBy.length < need) {
      // Read the list once the screen has caught up with the log (as the keyboard test does): until
      // then it may still show a custodian who already confirmed.
      await screenCaughtUp(page, step.confirmedBy);
      const shown = await shownCustodian(page);
      assert.match(await whoActs(page), new RegExp(`${nameOf(shown)}, custodian`));
      await page.getByLabel('Passphrase', { exact: true }).fill(passphrases[shown] ?? '');
      await page.getByRole('button', { name: 'Confirm this step' }).click();
      const after = await until(
        h,
        `confirmation on ${step.id}`,
        (x) => (stepOf(x, step.id)?.confirmedBy.length ?? 0) > step.confirmedBy.length,
      );
      assert.ok(
        stepOf(after, step.id)?.confirmedBy.includes(shown),
        `${step.id}: the engine records ${shown}, shown on screen`,
      );
      await page.getByText(`${nameOf(shown)} (${shown}) confirmed`).waitFor();
      continue;
    }
    if (step.id === 'create-key')
      await page.getByRole('checkbox', { name: /compared this identity/ }).check();
    if (step.id === 'verify-shares') {
      for (let n = 0; n < ROOM.custodians.length; n++) {
        const shown = await shownCustodian(page);
        await page.getByLabel('Passphrase', { exact: true }).fill(passphrases[shown] ?? '');
        await page.getByRole('button', { name: 'Open and check my share' }).click();
        await page.getByText(`${shown}'s share opened and matches its commitment.`).waitFor();
      }
    }
    if (step.id === 'close') {
      // The witness signs off with their passphrase: the key they enrolled signs the sign-off.
      await page
        .getByTestId(`signoff-${ROOM.witness.id}`)
        .getByLabel('Passphrase', { exact: true })
        .fill(passphrases[ROOM.witness.id] ?? '');
      await page.getByRole('button', { name: `Sign off as ${ROOM.witness.name}` }).click();
      await page.getByText(`${ROOM.witness.name} signed off.`).waitFor();
    }
    await page.getByRole('button', { name: 'Run this step' }).click();
    if (step.id === 'generate-material' && options.components)
      await enterComponents(h, options.components, options.onComponent);
    await until(h, `${step.id} to finish`, (x) => {
      const s = stepOf(x, step.id)?.status;
      return s === 'done' || s === 'failed' || s === 'skipped';
    });
  }
  throw new Error('the ceremony did not complete');
}

/** Split knowledge: each custodian in turn types their component and sees its check value alone. */
export async function enterComponents(
  h: Harness,
  components: Map<string, Buffer>,
  onComponent?: DriveOptions['onComponent'],
): Promise<void> {
  const page = h.page;
  for (const [id, component] of components) {
    const entry = page.getByTestId('component-entry');
    await entry.waitFor();
    await entry.getByRole('heading', { name: `Component for ${nameOf(id)}` }).waitFor();
    await onComponent?.(id, 'entry');
    await entry.getByLabel('Component (hex)').fill(component.toString('hex'));
    await entry.getByRole('button', { name: 'Enter component' }).click();
    const kcv = page.getByTestId('component-kcv');
    await kcv.waitFor();
    assert.match(await kcv.innerText(), new RegExp(`For ${id} only`));
    assert.match(await kcv.innerText(), /check value: [0-9A-Fa-f]{6}/);
    await onComponent?.(id, 'check-value');
    await kcv.getByRole('button', { name: 'I have compared it; hide it' }).click();
  }
}

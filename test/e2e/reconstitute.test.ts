import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { runRehearsal } from '../../src-main/cli/rehearsal.js';
import { startHarness, type Harness } from './harness/harness.js';
import { lookAt } from './harness/look.js';
import {
  FAST_ENGINE,
  ROOM,
  driveByMouse,
  enrollAsShown,
  loadPlanByClicking,
  nameOf,
  roomPlan,
  stepOf,
  until,
} from './harness/room.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ engine: FAST_ENGINE });
});
afterEach(async () => {
  await h.close();
});

const first = Object.fromEntries(ROOM.custodians.map((c) => [c.id, `first ${c.id} passphrase`]));
const second = Object.fromEntries(
  [...ROOM.custodians, ROOM.witness].map((c) => [c.id, `second ${c.id} passphrase`]),
);

void test('custodians rebuild a key from their backup shares through the UI, with the passphrases of the earlier ceremony', async () => {
  // The earlier ceremony (its own UI is covered by ceremony.test.ts) ran headless and left one sealed
  // share per custodian, under the passphrases they chose then.
  const earlier = path.join(h.dataDirectory, 'earlier-ceremony');
  const done1 = await runRehearsal({
    out: earlier,
    planDoc: roomPlan(),
    planBase: h.dataDirectory,
    // One line per custodian, then the witness's.
    passphraseLines: Buffer.from(
      [...ROOM.custodians.map((c) => first[c.id]), 'first witness passphrase'].join('\n') + '\n',
    ),
    engine: FAST_ENGINE,
    say: () => undefined,
  });
  const kcv = done1.checkValue.toLowerCase();
  assert.match(kcv, /^[0-9a-f]{6}$/);
  const sharesDir = path.join(earlier, 'shares');

  // This plan rebuilds the key from those shares.
  const doc = roomPlan() as { target: { key: { create: { alias: string } } } } & Record<string, unknown>;
  doc.target.key.create.alias = 'alias/keyrite-rebuilt';
  const page = await loadPlanByClicking(h, {
    ...doc,
    material: { mode: 'existing-shares', sharesDir },
    backup: { shares: false },
  });
  await enrollAsShown(h, second);
  await driveByMouse(h, {
    passphrases: second,
    stopWhen: (v) =>
      v.currentStepId === 'generate-material' &&
      (stepOf(v, 'generate-material')?.confirmedBy.length ?? 0) >= 2,
  });

  const form = page.getByTestId('reconstitute-form');
  await form.waitFor();
  assert.equal(
    await page.getByRole('button', { name: 'Run this step' }).isDisabled(),
    true,
    'not before the shares',
  );
  for (const c of ['custodian-2', 'custodian-3']) {
    // The custodian whose share it is chooses their own name in the list.
    await form.getByLabel('Custodian').selectOption({ label: `${nameOf(c)} (${c})` });
    await form.getByLabel('Passphrase', { exact: true }).fill(first[c] ?? '');
    await form.getByRole('button', { name: 'Open my backup share' }).click();
    await page.getByText(`${c} opened a share of material with check value`).waitFor();
    assert.match(await page.getByText(`${c} opened a share`).innerText(), new RegExp(kcv, 'i'));
  }
  await lookAt(page, 'ceremony-reconstitute');
  await page.getByRole('button', { name: 'Run this step' }).click();
  const rebuilt = await until(
    h,
    'material rebuilt',
    (v) => stepOf(v, 'generate-material')?.status === 'done',
  );
  assert.equal(stepOf(rebuilt, 'generate-material')?.facts.kcv, kcv);
  assert.deepEqual(h.pageErrors, []);
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { startHarness } from './harness/harness.js';
import { lookAt } from './harness/look.js';
import {
  FAST_ENGINE,
  driveByMouse,
  enrollAsShown,
  loadPlanByClicking,
  roomPlan,
  stepOf,
  until,
} from './harness/room.js';

const data = mkdtempSync(path.join(tmpdir(), 'keyrite-e2e-restart-'));
after(() => rmSync(data, { recursive: true, force: true }));

void test('after a restart the app reopens the unfinished ceremony where it stopped and carries on', async () => {
  const first = await startHarness({ dataDirectory: data, engine: FAST_ENGINE });
  let ceremonyId: string | undefined;
  try {
    await loadPlanByClicking(first, roomPlan());
    await enrollAsShown(first);
    const v = await driveByMouse(first, { stopWhen: (x) => x.currentStepId === 'import-parameters' });
    ceremonyId = v.ceremonyId;
  } finally {
    await first.close();
  }

  const second = await startHarness({ dataDirectory: data, engine: FAST_ENGINE });
  try {
    const page = await second.open('#/ceremony');
    await page.getByTestId('plan-header').waitFor();
    await page.getByRole('heading', { level: 2, name: /Fetch import parameters/ }).waitFor();
    const view = await second.engineView();
    assert.equal(view.ceremonyId, ceremonyId);
    assert.equal(view.currentStepId, 'import-parameters');
    assert.deepEqual(
      view.steps.filter((s) => s.status === 'done').map((s) => s.id),
      ['enroll', 'preflight', 'create-key'],
    );
    await lookAt(page, 'ceremony-reopened');
    // The reopened ceremony is live: the next step runs against the same (persisted) emulator key.
    await page.getByRole('button', { name: 'Run this step' }).click();
    await until(
      second,
      'import parameters fetched',
      (x) => stepOf(x, 'import-parameters')?.status === 'done',
    );
    assert.deepEqual(second.pageErrors, []);
  } finally {
    await second.close();
  }
});

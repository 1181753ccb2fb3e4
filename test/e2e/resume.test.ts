import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { defaultRehearsalPlan } from '../../src-main/ceremony/default-plan.js';
import type { CeremonyView, IpcResult } from '../../src-shared/ipc/index.js';
import { artifactsDir, startHarness, type Harness } from './harness/harness.js';

const data = mkdtempSync(path.join(tmpdir(), 'keyrite-e2e-restart-'));
after(() => rmSync(data, { recursive: true, force: true }));

type Api = Record<string, Record<string, (r: object) => Promise<IpcResult<unknown>>>>;
/** Calls an operation through the page's window.keyrite (the UI flow itself is covered in ceremony.test.ts). */
async function call<T>(h: Harness, name: string, request: object): Promise<T> {
  const r = await h.page.evaluate(
    ([n, req]) => {
      const [d, m] = (n as string).split('.') as [string, string];
      return (window as unknown as { keyrite: Api }).keyrite[d]![m]!(req as object);
    },
    [name, request] as const,
  );
  assert.ok(r.ok, `${name}: ${JSON.stringify(r)}`);
  return r.value as T;
}

void test('after a restart the app reopens the unfinished ceremony where it stopped and carries on', async () => {
  mkdirSync(artifactsDir, { recursive: true });
  const engine = { scryptCost: { N: 2 ** 14, r: 8, p: 1 } };
  const planFile = path.join(data, 'plan.json');
  writeFileSync(planFile, JSON.stringify(defaultRehearsalPlan()));

  const first = await startHarness({ dataDirectory: data, engine });
  let ceremonyId: string | undefined;
  try {
    await first.open('#/ceremony');
    first.chooseNext('ceremony-plan', [planFile]);
    const loaded = await call<{ status: string; value: CeremonyView }>(first, 'ceremony.loadPlan', {});
    ceremonyId = loaded.value.ceremonyId;
    for (const id of ['custodian-1', 'custodian-2', 'custodian-3']) {
      await call(first, 'ceremony.enroll', {
        custodianId: id,
        passphrase: `resume passphrase of ${id} 2026`,
      });
    }
    for (const step of ['enroll', 'preflight', 'create-key'])
      await call(first, 'ceremony.runStep', { stepId: step });
  } finally {
    await first.close();
  }

  const second = await startHarness({ dataDirectory: data, engine });
  try {
    const page = await second.open('#/ceremony');
    await page.getByTestId('plan-header').waitFor();
    const view = await call<CeremonyView>(second, 'ceremony.state', {});
    assert.equal(view.ceremonyId, ceremonyId);
    assert.equal(view.currentStepId, 'import-parameters');
    assert.deepEqual(
      view.steps.filter((s) => s.status === 'done').map((s) => s.id),
      ['enroll', 'preflight', 'create-key'],
    );
    await page.screenshot({ path: path.join(artifactsDir, 'ceremony-reopened.png'), fullPage: true });
    // The reopened ceremony is live: the next step runs against the same (persisted) emulator key.
    await page.getByRole('button', { name: 'Run this step' }).click();
    for (let i = 0; i < 200; i++) {
      const v = await call<CeremonyView>(second, 'ceremony.state', {});
      if (v.steps.find((s) => s.id === 'import-parameters')?.status === 'done') break;
      await page.waitForTimeout(50);
    }
    const after = await call<CeremonyView>(second, 'ceremony.state', {});
    assert.equal(after.steps.find((s) => s.id === 'import-parameters')?.status, 'done');
    assert.deepEqual(second.pageErrors, []);
  } finally {
    await second.close();
  }
});

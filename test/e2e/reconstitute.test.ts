import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { defaultRehearsalPlan } from '../../src-main/ceremony/default-plan.js';
import type { CeremonyView, IpcResult } from '../../src-shared/ipc/index.js';
import { artifactsDir, startHarness, type Harness } from './harness/harness.js';

let h: Harness;
beforeEach(async () => {
  mkdirSync(artifactsDir, { recursive: true });
  h = await startHarness({ engine: { scryptCost: { N: 2 ** 14, r: 8, p: 1 } } });
});
afterEach(async () => {
  await h.close();
});

const custodians = ['custodian-1', 'custodian-2', 'custodian-3'];
type Api = Record<string, Record<string, (r: object) => Promise<IpcResult<unknown>>>>;

async function call<T>(name: string, request: object): Promise<T> {
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

/** Runs steps through window.keyrite until `stop` says so (the UI for each step is covered elsewhere). */
async function runUntil(
  pass: (id: string) => string,
  stop: (v: CeremonyView) => boolean,
): Promise<CeremonyView> {
  for (let i = 0; i < 40; i++) {
    const v = await call<CeremonyView>('ceremony.state', {});
    if (stop(v) || v.status === 'completed') return v;
    const st = v.steps.find((x) => x.id === v.currentStepId);
    assert.ok(st);
    if (st.guarded && st.confirmedBy.length < 2) {
      const c = custodians.find((x) => !st.confirmedBy.includes(x)) as string;
      await call('ceremony.confirm', { stepId: st.id, custodianId: c, passphrase: pass(c) });
      continue;
    }
    if (st.id === 'verify-shares')
      for (const c of custodians) await call('ceremony.verifyShare', { custodianId: c, passphrase: pass(c) });
    if (st.id === 'close') await call('ceremony.witnessSignOff', { witnessId: 'witness-1' });
    await call('ceremony.runStep', { stepId: st.id });
  }
  throw new Error('ceremony did not get there');
}

void test('custodians rebuild a key from their backup shares through the UI form', async () => {
  const first = (id: string) => `first ${id} passphrase`;
  const second = (id: string) => `second ${id} passphrase`;
  const plan1 = path.join(h.dataDirectory, 'plan-1.json');
  writeFileSync(plan1, JSON.stringify(defaultRehearsalPlan()));
  await h.open('#/ceremony');
  h.chooseNext('ceremony-plan', [plan1]);
  await call('ceremony.loadPlan', {});
  for (const c of custodians) await call('ceremony.enroll', { custodianId: c, passphrase: first(c) });
  const done1 = await runUntil(first, () => false);
  const kcv = done1.steps.find((s) => s.id === 'generate-material')?.facts.kcv;
  assert.match(kcv ?? '', /^[0-9a-f]{6}$/);

  const sharesDir = path.join(
    h.dataDirectory,
    'ceremonies',
    readdirSync(path.join(h.dataDirectory, 'ceremonies'))[0] as string,
    'shares',
  );
  const doc = defaultRehearsalPlan() as { target: { key: { create: { alias: string } } } } & Record<
    string,
    unknown
  >;
  doc.target.key.create.alias = 'alias/keyrite-rebuilt';
  const plan2 = path.join(h.dataDirectory, 'plan-2.json');
  writeFileSync(
    plan2,
    JSON.stringify({ ...doc, material: { mode: 'existing-shares', sharesDir }, backup: { shares: false } }),
  );
  h.chooseNext('ceremony-plan', [plan2]);
  await call('ceremony.loadPlan', {});
  for (const c of custodians) await call('ceremony.enroll', { custodianId: c, passphrase: second(c) });
  await runUntil(second, (v) => {
    const g = v.steps.find((s) => s.id === 'generate-material');
    return v.currentStepId === 'generate-material' && (g?.confirmedBy.length ?? 0) >= 2;
  });

  const page = await h.open('#/ceremony');
  const form = page.getByTestId('reconstitute-form');
  await form.waitFor();
  for (const c of ['custodian-2', 'custodian-3']) {
    await form.locator('select[name=custodian]').selectOption(c);
    await form.locator('input[name=passphrase]').fill(first(c));
    await form.getByRole('button', { name: 'Open my backup share' }).click();
    await page.getByText(`${c} opened a share of material with check value`).waitFor();
    assert.match(await page.getByRole('status').first().innerText(), new RegExp(kcv as string, 'i'));
  }
  await page.screenshot({ path: path.join(artifactsDir, 'ceremony-reconstitute.png'), fullPage: true });
  await page.getByRole('button', { name: 'Run this step' }).click();
  for (let i = 0; i < 400; i++) {
    const v = await call<CeremonyView>('ceremony.state', {});
    if (v.steps.find((s) => s.id === 'generate-material')?.status === 'done') break;
    await page.waitForTimeout(50);
  }
  const rebuilt = await runUntil(
    second,
    (v) => v.steps.find((s) => s.id === 'generate-material')?.status === 'done',
  );
  assert.equal(rebuilt.steps.find((s) => s.id === 'generate-material')?.facts.kcv, kcv);
  assert.deepEqual(h.pageErrors, []);
});

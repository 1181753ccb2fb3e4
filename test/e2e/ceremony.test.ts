import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { defaultRehearsalPlan } from '../../src-main/ceremony/default-plan.js';
import { csprngMaterial } from '../../src-main/secrets/material-source.js';
import type { CeremonyView } from '../../src-shared/ipc/index.js';
import { artifactsDir, startHarness, type Harness } from './harness/harness.js';
import { secretForms } from './harness/secret-forms.js';

/**
 * A whole ceremony driven through the UI in Chromium, against the real engine, audit log and embedded
 * KMS emulator in main. The harness records the generated material (it injects the material source),
 * so the test can prove that no IPC response or event ever carried it, nor any passphrase.
 */
let h: Harness;
const generated: Buffer[] = [];
const passphrases = new Map([
  ['custodian-1', 'purple elephant dances at dawn 1'],
  ['custodian-2', 'quiet river under the old bridge 2'],
  ['custodian-3', 'seven lanterns in the northern hall 3'],
]);

beforeEach(async () => {
  generated.length = 0;
  mkdirSync(artifactsDir, { recursive: true });
  h = await startHarness({
    engine: {
      // Lighter scrypt keeps the UI run short; the engine's own tests hold the default cost.
      scryptCost: { N: 2 ** 14, r: 8, p: 1 },
      materialSource: async (spec) => {
        const s = await csprngMaterial(spec);
        s.use((b) => generated.push(Buffer.from(b)));
        return s;
      },
    },
  });
});
afterEach(async () => {
  await h.close();
});

const shot = (name: string) =>
  h.page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });

async function state(): Promise<CeremonyView> {
  const r = await h.page.evaluate(() =>
    (
      window as unknown as {
        keyrite: { ceremony: { state(x: object): Promise<{ ok: boolean; value: unknown }> } };
      }
    ).keyrite.ceremony.state({}),
  );
  assert.ok(r.ok);
  return r.value as CeremonyView;
}

async function waitFor(predicate: (v: CeremonyView) => boolean, what: string): Promise<CeremonyView> {
  for (let i = 0; i < 600; i++) {
    const v = await state();
    if (predicate(v)) return v;
    await h.page.waitForTimeout(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function submitPassphrase(form: string, custodianId: string) {
  const f = h.page.getByTestId(form);
  await f.locator('select[name=custodian]').selectOption(custodianId);
  await f.locator('input[name=passphrase]').fill(passphrases.get(custodianId) ?? '');
  await f.getByRole('button').click();
}

/** Drives every step from the current one to completion through the UI, as the people in the room would. */
async function driveSteps(components?: Map<string, Buffer>) {
  const page = h.page;
  const seen = new Set<string>();
  for (let guard = 0; guard < 40; guard++) {
    const v = await state();
    if (v.status === 'completed') break;
    const step = v.steps.find((s) => s.id === v.currentStepId);
    assert.ok(step, 'a current step');
    if (step.status === 'failed')
      assert.fail(`${step.id} failed: ${step.error?.code} ${step.error?.message}`);
    const shotName = `ceremony-step-${step.id}`;
    if (!seen.has(step.id)) {
      seen.add(step.id);
      await page.getByTestId('step-card').waitFor();
      await shot(shotName);
    }
    if (step.guarded && step.confirmedBy.length < (v.quorum?.m ?? 1)) {
      const next = [...passphrases.keys()].find((c) => !step.confirmedBy.includes(c));
      assert.ok(next);
      await submitPassphrase('confirm-form', next);
      await waitFor(
        (x) => (x.steps.find((s) => s.id === step.id)?.confirmedBy.length ?? 0) > step.confirmedBy.length,
        `confirmation on ${step.id}`,
      );
      if (step.confirmedBy.length + 1 >= (v.quorum?.m ?? 1)) {
        await page.getByTestId('quorum').waitFor();
        await shot(`${shotName}-quorum-met`);
      }
      continue;
    }
    if (step.id === 'verify-shares') {
      for (const id of passphrases.keys()) {
        await submitPassphrase('share-form', id);
        await page.getByText(`${id}'s share opened`).waitFor();
      }
    }
    if (step.id === 'close') {
      await page
        .getByRole('button', { name: /^Sign off as / })
        .first()
        .click();
      await page.getByText('signed off.').waitFor();
    }
    if (step.id === 'import') {
      // A witness remark on the way, to show it lands in the view and the report.
      await page.getByText('Record a witness exception').click();
      await page
        .getByTestId('exception-form')
        .locator('textarea')
        .fill('Witness saw the import screen before the custodians confirmed.');
      await page.getByTestId('exception-form').getByRole('button').click();
      await waitFor(
        (x) => (x.steps.find((s) => s.id === 'import')?.exceptions.length ?? 0) === 1,
        'exception recorded',
      );
    }
    await page.getByRole('button', { name: 'Run this step' }).click();
    if (step.id === 'generate-material' && components) await enterComponents(components);
    await waitFor(
      (x) =>
        x.steps.find((s) => s.id === step.id)?.status !== step.status &&
        x.steps.find((s) => s.id === step.id)?.status !== 'running',
      `${step.id} to finish`,
    );
  }
}

/** Split knowledge: each custodian in turn types their component and sees its check value alone. */
async function enterComponents(components: Map<string, Buffer>) {
  const page = h.page;
  for (const [id, component] of components) {
    const entry = page.getByTestId('component-entry');
    await entry.waitFor();
    assert.match(await entry.innerText(), new RegExp(`Component for Rehearsal Custodian ${id.slice(-1)}`));
    await entry.locator('input[name=component]').fill(component.toString('hex'));
    await entry.getByRole('button', { name: 'Enter component' }).click();
    const kcv = page.getByTestId('component-kcv');
    await kcv.waitFor();
    assert.match(await kcv.innerText(), new RegExp(`For ${id} only`));
    assert.match(await kcv.innerText(), /check value: [0-9A-Fa-f]{6}/);
    if (id === 'custodian-1') await shot('ceremony-split-knowledge-kcv');
    await kcv.getByRole('button').click();
  }
}

void test('a full rehearsal ceremony runs through the UI, and no secret crosses IPC', async () => {
  const planFile = path.join(h.dataDirectory, 'plan.json');
  writeFileSync(planFile, JSON.stringify(defaultRehearsalPlan(), null, 2));
  const page = await h.open('#/ceremony');
  await shot('ceremony-no-plan');

  h.chooseNext('ceremony-plan', [planFile]);
  await page.getByRole('button', { name: 'Choose plan…' }).click();
  await page.getByTestId('plan-digest').waitFor();
  const digestText = await page.getByTestId('plan-digest').innerText();
  assert.match(digestText, /[0-9a-f]{4} [0-9a-f]{4}/, 'digest shown in groups');
  assert.match(digestText, /[A-Za-z]+ [A-Za-z]+ [A-Za-z]+/, 'digest shown as words');
  await shot('ceremony-plan-loaded');

  for (const id of passphrases.keys()) {
    await submitPassphrase('enroll-form', id);
    await waitFor((v) => v.participants.some((p) => p.id === id && p.enrolled), `${id} enrolled`);
  }
  assert.equal(
    await page.locator('input[name=passphrase]').count(),
    0,
    'enrollment form gone once all enrolled',
  );

  await driveSteps();

  const done = await waitFor((v) => v.status === 'completed', 'completion');
  const facts = Object.assign(
    {},
    ...done.steps.map((s) => s.facts),
  ) as CeremonyView['steps'][number]['facts'];
  assert.match(facts.keyArn ?? '', /^arn:aws:kms:/);
  assert.match(facts.kcv ?? '', /^[0-9a-f]{6}$/);
  await page.getByRole('button', { name: 'Save the ceremony report…' }).click();
  await page.getByText(/Report saved as keyrite-cer-[0-9a-f]+-report\.html/).waitFor();
  assert.ok(
    existsSync(path.join(h.dataDirectory, `keyrite-${done.ceremonyId}-report.html`)),
    'copy saved where chosen',
  );
  await shot('ceremony-completed');

  // The witness display, the audit screen and the params screen on a completed ceremony.
  await h.open('#/witness');
  await page
    .getByTestId('witness-display')
    .waitFor({ timeout: 5000 })
    .catch(() => assert.fail(`witness display: ${h.pageErrors.join('; ')}`));
  assert.match(await page.getByTestId('witness-display').innerText(), /arn:aws:kms:/);
  await shot('witness-completed');
  await h.open('#/audit');
  await page.getByTestId('audit-verify').waitFor();
  assert.match(await page.getByTestId('audit-verify').innerText(), /Intact/);
  await shot('audit-completed');

  assert.deepEqual(h.droppedEvents, [], 'every event matched the contract');

  // No secret in any IPC response or event: the material (raw, hex, base64) and every passphrase.
  assert.equal(generated.length, 1, 'one material generated');
  const forbidden = [...generated.flatMap((m) => secretForms(m)), ...[...passphrases.values()]];
  const crossed = [...h.server.exchanges.map((e) => e.response), ...h.server.events];
  assert.ok(crossed.length > 50, `the scan covers the run (${crossed.length} messages)`);
  for (const text of crossed) {
    for (const f of forbidden) assert.ok(!text.includes(f), 'a secret crossed IPC');
  }
  // And the page itself holds no passphrase once the forms are submitted.
  const html = await page.content();
  for (const p of passphrases.values()) assert.ok(!html.includes(p));
});

void test('split knowledge through the UI: components typed by each custodian never come back', async () => {
  const components = new Map([...passphrases.keys()].map((id) => [id, randomBytes(32)] as const));
  const planFile = path.join(h.dataDirectory, 'plan-split.json');
  writeFileSync(
    planFile,
    JSON.stringify({ ...defaultRehearsalPlan(), material: { mode: 'split-knowledge' } }),
  );
  const page = await h.open('#/ceremony');
  h.chooseNext('ceremony-plan', [planFile]);
  await page.getByRole('button', { name: 'Choose plan…' }).click();
  await page.getByTestId('plan-digest').waitFor();
  for (const id of passphrases.keys()) {
    await submitPassphrase('enroll-form', id);
    await waitFor((v) => v.participants.some((p) => p.id === id && p.enrolled), `${id} enrolled`);
  }
  await driveSteps(components);
  await waitFor((v) => v.status === 'completed', 'completion');
  assert.equal(generated.length, 0, 'split knowledge does not use the CSPRNG material source');

  const combined = Buffer.alloc(32);
  for (const c of components.values()) for (let i = 0; i < 32; i++) combined[i]! ^= c[i]!;
  const forbidden = [
    ...[...components.values(), combined].flatMap((m) => secretForms(m)),
    ...passphrases.values(),
  ];
  const crossed = [...h.server.exchanges.map((e) => e.response), ...h.server.events];
  for (const text of crossed) for (const f of forbidden) assert.ok(!text.includes(f), 'a secret crossed IPC');
  assert.deepEqual(h.droppedEvents, []);
  assert.equal(await page.locator('input[name=component]').count(), 0);
});

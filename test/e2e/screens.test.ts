import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { artifactsDir, startHarness, type Harness } from './harness/harness.js';

let h: Harness;
// A fresh data directory and browser profile for every test.
beforeEach(async () => {
  mkdirSync(artifactsDir, { recursive: true });
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const shot = (name: string) =>
  h.page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });

void test('the station screen shows the station facts from main', async () => {
  const page = await h.open('#/');
  await page.getByTestId('station-facts').waitFor();
  const text = await page.getByTestId('station-facts').innerText();
  assert.match(text, /0\.0\.0-e2e/);
  assert.match(text, /rehearsal/);
  await shot('station');
});

void test('every section is reachable from the navigation and has a heading', async () => {
  const page = await h.open('#/');
  for (const [link, heading, name] of [
    ['Ceremony', 'Ceremony', 'ceremony-empty'],
    ['Import parameters', 'Import parameters', 'params-empty'],
    ['Audit log', 'Audit log', 'audit'],
  ] as const) {
    await page.getByRole('link', { name: link }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.waitForTimeout(100);
    await shot(name);
  }
});

void test('the witness display route shows public facts only, with no forms', async () => {
  const page = await h.open('#/witness');
  await page.getByTestId('witness-display').waitFor();
  assert.equal(await page.locator('form, input, textarea').count(), 0);
  await shot('witness-idle');
});

void test('the screens load every resource they ask for and raise no page error', async () => {
  for (const route of ['#/', '#/ceremony', '#/params', '#/audit', '#/witness']) {
    const page = await h.open(route);
    await page.reload();
    await page.waitForFunction(() => document.querySelector('#root')?.children.length);
  }
  assert.deepEqual(h.brokenResources, []);
  assert.deepEqual(h.pageErrors, []);
});

void test('the witness display is opened by main, not by the page', async () => {
  const page = await h.open('#/');
  const before = h.witnessDisplayRequests;
  await page.getByRole('button', { name: 'Open witness display' }).click();
  await page.waitForFunction(() => true);
  for (let i = 0; i < 50 && h.witnessDisplayRequests === before; i++) await page.waitForTimeout(20);
  assert.equal(h.witnessDisplayRequests, before + 1);
});

import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { startEmulator, type RunningEmulator } from '../../src-main/emulator/index.js';
import { launchSharedBrowser, startHarness, type Harness } from './harness/harness.js';
import { assertAccessible, lookAt, type Theme } from './harness/look.js';

let h: Harness | undefined;
let browser: Browser;
// One Chromium for the file; each test opens its own fresh context (profile) in it.
before(async () => {
  browser = await launchSharedBrowser();
});
after(async () => {
  await browser.close();
});
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await h?.close();
  await emulator?.close();
  h = undefined;
  emulator = undefined;
});

const ROUTES = ['#/', '#/ceremony', '#/params', '#/audit', '#/auditor', '#/witness'] as const;

void test('the station screen shows the station facts from main', async () => {
  h = await startHarness({ browser });
  const page = await h.open('#/');
  await page.getByTestId('station-facts').waitFor();
  const text = await page.getByTestId('station-facts').innerText();
  assert.match(text, /0\.0\.0-e2e/);
  assert.match(text, /rehearsal/);
  await page.getByTestId('kms-identity').waitFor();
  await lookAt(page, 'station');
  // The checker itself: axe stays loaded in the page between looks, and a later look still judges the
  // page as it is then — text added after two clean runs, grey on grey, is a violation.
  await page.evaluate(() => {
    const p = document.createElement('p');
    p.textContent = 'Barely readable';
    p.style.cssText = 'color:#777;background:#888';
    document.querySelector('main')?.append(p);
  });
  await assert.rejects(assertAccessible(page, 'a page with low-contrast text'), /color-contrast/);
});

void test('the station names its KMS endpoint truthfully: a Keyrite emulator is a rehearsal, any other endpoint is "another endpoint", never "emulator"', async () => {
  // An endpoint the operator configured (a VPC endpoint, a proxy): it answers STS as AWS does, for a
  // real user, so nothing about it says rehearsal.
  const sts = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          '<Arn>arn:aws:iam::444455556666:user/dana</Arn><UserId>AIDAEXAMPLE</UserId><Account>444455556666</Account>' +
          '</GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
      );
    });
  });
  await new Promise<void>((resolve) => sts.listen(0, '127.0.0.1', resolve));
  const other = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
  try {
    h = await startHarness({ browser, ports: { kmsEndpoint: other, mode: 'online' } });
    const page = await h.open('#/');
    const facts = page.getByTestId('kms-identity');
    await facts.waitFor();
    const text = await facts.innerText();
    assert.ok(text.includes(`Another endpoint: ${other}, not the AWS KMS regional endpoint`), text);
    assert.doesNotMatch(text, /emulator|rehearsal/i);
    assert.ok(text.includes('arn:aws:iam::444455556666:user/dana'), text);
    await lookAt(page, 'station-other-endpoint');
    await h.close();

    emulator = await startEmulator();
    h = await startHarness({ browser, ports: { kmsEndpoint: emulator.url } });
    const again = await h.open('#/');
    await again.getByTestId('kms-identity').waitFor();
    assert.ok(
      (await again.getByTestId('kms-identity').innerText()).includes(
        `Keyrite KMS emulator at ${emulator.url} (rehearsal: no real key is made)`,
      ),
    );
  } finally {
    sts.close();
  }
});

void test('every section is reachable from the navigation, has a heading, and passes axe in both themes', async () => {
  h = await startHarness({ browser });
  const page = await h.open('#/');
  for (const [link, heading, name] of [
    ['Ceremony', 'Ceremony', 'ceremony-empty'],
    ['Import parameters', 'Import parameters', 'params-empty'],
    ['Audit log', 'Audit log', 'audit-no-ceremony'],
    ['Auditor', 'Auditor workspace', 'auditor-empty'],
  ] as const) {
    await page.getByRole('link', { name: link }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    for (let i = 0; i < 100 && (await page.locator('.loading').count()) > 0; i++)
      await page.waitForTimeout(50);
    await lookAt(page, name);
  }
});

void test('the witness display route shows public facts only, with no forms', async () => {
  h = await startHarness({ browser });
  const page = await h.open('#/witness');
  await page.getByTestId('witness-display').waitFor();
  assert.equal(await page.locator('form, input, textarea').count(), 0);
  await lookAt(page, 'witness-idle');
});

void test('rehearsal is unmistakable on every screen; a real station shows no rehearsal marks', async () => {
  h = await startHarness({ browser });
  for (const route of ROUTES) {
    const page = await h.open(route);
    await page.getByRole('complementary', { name: 'Rehearsal' }).waitFor();
    assert.match(await page.getByRole('complementary', { name: 'Rehearsal' }).innerText(), /Rehearsal/i);
    assert.equal(await page.locator('html.is-rehearsal').count(), 1, `${route}: rehearsal accent`);
    assert.equal(await page.locator('.watermark').count(), 1, `${route}: watermark`);
  }
  await h.close();
  emulator = await startEmulator();
  h = await startHarness({ browser, ports: { mode: 'online', kmsEndpoint: emulator.url } });
  for (const route of ROUTES) {
    const page = await h.open(route);
    await page.locator('#root > *').first().waitFor();
    await page.waitForTimeout(200);
    assert.equal(await page.getByRole('complementary', { name: 'Rehearsal' }).count(), 0, route);
    assert.equal(await page.locator('html.is-rehearsal').count(), 0, route);
  }
  await lookAt(await h.open('#/'), 'station-online');
});

void test('the first Tab reaches a skip link that takes the focus to the content', async () => {
  h = await startHarness({ browser });
  for (const [route, label, target] of [
    ['#/ceremony', 'Skip to the current step', 'step-title'],
    ['#/audit', 'Skip to the content', 'main-content'],
  ] as const) {
    const page = await h.open(route);
    // A fresh load, as when the window opens: a hash change alone keeps the focus where it was.
    await page.reload();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), label);
    assert.equal(await page.getByRole('link', { name: label }).isVisible(), true, 'visible when focused');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), target);
  }
});

interface FocusProbe {
  what: string;
  style: string;
  width: number;
  ratio: number;
}

/**
 * Runs in the page (as text: the test runner's transform would wrap named functions in a helper the
 * page does not have). The focused element's outline colour against the nearest opaque background
 * behind the ring (it is drawn outside the element), as a WCAG contrast ratio.
 */
const FOCUS_PROBE = `(() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = (rgb) => {
    const [r, g, b] = rgb.map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const style = getComputedStyle(e);
  const ring = parse(style.outlineColor);
  let bg = [255, 255, 255];
  for (let p = e.parentElement; p; p = p.parentElement) {
    const c = parse(getComputedStyle(p).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) { bg = c.slice(0, 3); break; }
  }
  const [a, b] = [lum(ring.slice(0, 3)), lum(bg)].sort((x, y) => y - x);
  return {
    what: e.tagName.toLowerCase() + ' "' + (e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30) + '"',
    style: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
    ratio: (a + 0.05) / (b + 0.05),
  };
})()`;

/** Walks the tab order from the top and measures the focus ring at every stop. */
async function focusRingContrasts(page: Page): Promise<{ what: string; ratio: number }[]> {
  const out: { what: string; ratio: number }[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const r = (await page.evaluate(FOCUS_PROBE)) as FocusProbe | null;
    if (!r) continue;
    if (seen.has(r.what)) break;
    seen.add(r.what);
    assert.notEqual(r.style, 'none', `${r.what} shows a focus ring`);
    assert.ok(r.width >= 2, `${r.what}: ring at least 2px`);
    out.push({ what: r.what, ratio: r.ratio });
  }
  return out;
}

void test('the focus ring has at least 3:1 contrast against what it sits on, in both themes, on every screen', async () => {
  h = await startHarness({ browser });
  for (const theme of ['light', 'dark'] as Theme[]) {
    for (const route of ROUTES.filter((r) => r !== '#/witness')) {
      const page = await h.open(route);
      await page.emulateMedia({ colorScheme: theme });
      await page.getByRole('heading', { level: 1 }).waitFor();
      const rings = await focusRingContrasts(page);
      assert.ok(rings.length >= 5, `${route}: walked the tab order (${rings.length} stops)`);
      for (const r of rings) assert.ok(r.ratio >= 3, `${theme} ${route} ${r.what}: ${r.ratio.toFixed(2)}:1`);
    }
  }
});

void test('at 200 % zoom no screen scrolls sideways', async () => {
  // 200 % zoom of a 1280×860 window lays the page out in 640×430 CSS pixels: that is what is measured.
  h = await startHarness({ browser, viewport: { width: 640, height: 430 } });
  for (const route of ROUTES) {
    const page = await h.open(route);
    await page.locator('#root > *').first().waitFor();
    await page.waitForTimeout(300);
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    assert.ok(scroll <= client, `${route}: ${scroll}px wide in a ${client}px window`);
  }
  await lookAt(await h.open('#/'), 'zoom-200-station', ['light']);
});

void test('the screens load every resource they ask for (bundled fonts only) and raise no page error', async () => {
  h = await startHarness({ browser });
  const fonts: string[] = [];
  h.page.on('request', (r) => {
    if (r.resourceType() === 'font') fonts.push(new URL(r.url()).origin);
  });
  for (const route of ROUTES) {
    const page = await h.open(route);
    await page.reload();
    await page.waitForFunction(() => document.querySelector('#root')?.children.length);
    await page.evaluate(() => document.fonts.ready);
  }
  assert.ok(fonts.length > 0, 'the bundled fonts are used');
  assert.deepEqual([...new Set(fonts)], [h.server.origin], 'fonts come from the app itself');
  assert.ok(
    await h.page.evaluate(() => document.fonts.check('16px "Atkinson Hyperlegible"')),
    'the bundled face is loaded',
  );
  assert.deepEqual(h.brokenResources, []);
  assert.deepEqual(h.pageErrors, []);
});

void test('the witness display is opened by main, not by the page', async () => {
  h = await startHarness({ browser });
  const harness = h;
  const page = await h.open('#/');
  const before = h.witnessDisplayRequests;
  await page.getByRole('button', { name: 'Open witness display' }).click();
  for (let i = 0; i < 50 && harness.witnessDisplayRequests === before; i++) await page.waitForTimeout(20);
  assert.equal(h.witnessDisplayRequests, before + 1);
});

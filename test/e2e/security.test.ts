import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/ipc/csp.js';
import { operationNames, operations, type IpcResult } from '../../src-shared/ipc/index.js';
import { startHarness, type Harness } from './harness/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** Calls window.keyrite.<domain>.<method>(...args) in the page and returns the result envelope. */
function callInPage(frame: { evaluate: Harness['page']['evaluate'] }, name: string, args: unknown[]) {
  return frame.evaluate(
    async ([n, a]) => {
      const [d, m] = (n as string).split('.') as [string, string];
      const k = (
        window as unknown as {
          keyrite: Record<string, Record<string, (...x: unknown[]) => Promise<unknown>>>;
        }
      ).keyrite;
      return k[d]![m]!(...(a as unknown[]));
    },
    [name, args] as const,
  ) as Promise<IpcResult<unknown>>;
}

void test('window.keyrite exposes the contract grouped by domain and nothing else', async () => {
  const page = await h.open();
  const shape = await page.evaluate(() => {
    const k = (window as unknown as { keyrite: Record<string, Record<string, unknown>> }).keyrite;
    return Object.fromEntries(Object.entries(k).map(([d, v]) => [d, Object.keys(v).sort()]));
  });
  const expected: Record<string, string[]> = { events: ['on'] };
  for (const n of operationNames) {
    const [d, m] = n.split('.') as [string, string];
    (expected[d] ??= []).push(m);
  }
  for (const d of Object.keys(expected)) expected[d]!.sort();
  assert.deepEqual(shape, expected);
  assert.equal(
    await page.evaluate(() => Object.isFrozen((window as unknown as { keyrite: object }).keyrite)),
    true,
  );
  assert.equal(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require), 'undefined');
  assert.equal(
    await page.evaluate(() => typeof (globalThis as { __keyriteHarness?: unknown }).__keyriteHarness),
    'undefined',
  );
});

void test('a page of a foreign origin holding the same bridge is refused for every operation', async () => {
  const page = h.page;
  await page.goto(`${h.server.foreignOrigin}/__test/foreign.html`).catch(() => undefined);
  h.server.servePage('/__test/foreign.html', '<!doctype html><title>foreign</title><p>not Keyrite</p>');
  await page.goto(`${h.server.foreignOrigin}/__test/foreign.html`);
  await page.waitForFunction(() => typeof (window as { keyrite?: unknown }).keyrite === 'object');
  for (const name of operationNames) {
    const r = await callInPage(page, name, [{}]);
    assert.equal(r.ok, false, name);
    assert.equal(!r.ok && r.error.code, 'IPC_UNTRUSTED_SENDER', name);
  }
});

void test('a subframe on the app origin is refused: only the top frame is trusted', async () => {
  h.server.servePage('/__test/child.html', '<!doctype html><p>child</p>');
  h.server.servePage('/__test/host.html', '<!doctype html><iframe src="/__test/child.html"></iframe>');
  await h.page.goto(`${h.server.origin}/__test/host.html`);
  const child = h.page.frames().find((f) => f.url().endsWith('/__test/child.html'));
  assert.ok(child, 'child frame loaded');
  await child.waitForFunction(() => typeof (window as { keyrite?: unknown }).keyrite === 'object');
  const r = await callInPage(child, 'app.info', [{}]);
  assert.equal(!r.ok && r.error.code, 'IPC_UNTRUSTED_SENDER');
  const top = await callInPage(h.page.mainFrame(), 'app.info', [{}]);
  assert.equal(top.ok, true, 'the same origin in the top frame is trusted');
});

void test('the loopback transport refuses calls without the per-run token', async () => {
  const res = await fetch(`${h.server.origin}/__keyrite/ipc/${encodeURIComponent('keyrite:op:app.info')}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: h.server.origin, 'x-keyrite-frame': 'top' },
    body: JSON.stringify({ args: [{}] }),
  });
  assert.equal(res.status, 403);
  const wrong = await fetch(`${h.server.origin}/__keyrite/ipc/${encodeURIComponent('keyrite:op:app.info')}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-keyrite-token': 'f'.repeat(48),
      'x-keyrite-frame': 'top',
    },
    body: JSON.stringify({ args: [{}] }),
  });
  assert.equal(wrong.status, 403);
});

void test('malformed and oversized requests are refused for every operation, from the real page', async () => {
  const page = await h.open();
  for (const name of operationNames) {
    for (const args of [[], [null], ['x'], [7], [[]], [{ unexpected: true }]]) {
      const r = await callInPage(page, name, args);
      assert.equal(
        !r.ok && r.error.code,
        'IPC_BAD_REQUEST',
        `${name} ${JSON.stringify(args)} → ${JSON.stringify(r)}`,
      );
    }
    const big = await callInPage(page, name, [{ pad: 'A'.repeat(operations[name].maxRequestBytes + 1) }]);
    assert.equal(!big.ok && big.error.code, 'IPC_PAYLOAD_TOO_LARGE', name);
  }
});

void test('the renderer is served with the strict CSP and Chromium enforces it', async () => {
  const res = await fetch(`${h.server.origin}/index.html`);
  assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  // eval cannot be probed from page.evaluate (DevTools-injected code is exempt from CSP), so the
  // policy text is held to it instead; inline script and foreign connections are probed for real.
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-(eval|inline)|wasm-unsafe-eval|\*|https?:/);
  const page = await h.open();
  const outcome = await page.evaluate(async (foreign) => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
    const s = document.createElement('script');
    s.textContent = 'window.__pwned = true';
    document.body.append(s);
    let remoteBlocked = false;
    try {
      await fetch(foreign);
    } catch {
      remoteBlocked = true;
    }
    await new Promise((r) => setTimeout(r, 50));
    return { pwned: (window as { __pwned?: boolean }).__pwned === true, remoteBlocked, violations };
  }, `${h.server.foreignOrigin}/index.html`);
  assert.equal(outcome.pwned, false, 'inline script ran');
  assert.equal(outcome.remoteBlocked, true, 'fetch to another origin went through');
  assert.ok(outcome.violations.includes('script-src-elem'), JSON.stringify(outcome.violations));
  assert.ok(outcome.violations.includes('connect-src'), JSON.stringify(outcome.violations));
});

void test('navigation away from the app and window.open are refused by the shell policy', async () => {
  const page = await h.open();
  const appUrl = page.url();
  // One navigation at a time: a second assignment to location can cancel the first before the shell
  // policy sees it, so each waits (up to 10 s) until the policy has refused it.
  for (const to of ['https://evil.example/phish', `${h.server.foreignOrigin}/index.html`]) {
    await page.evaluate((url) => {
      window.location.href = url;
    }, to);
    for (let i = 0; i < 500 && !h.refused.navigations.some((u) => u.startsWith(to)); i++)
      await page.waitForTimeout(20);
  }
  assert.equal(page.url(), appUrl);
  assert.ok(h.refused.navigations.some((u) => u.startsWith('https://evil.example')));
  assert.ok(h.refused.navigations.some((u) => u.startsWith(h.server.foreignOrigin)));

  // A user gesture, so Chromium's popup blocker is not what stops it.
  await page.evaluate(() => {
    const b = document.createElement('button');
    b.id = 'opener';
    b.textContent = 'open';
    b.addEventListener('click', () => void window.open('https://evil.example/popup', '_blank'));
    document.body.prepend(b);
  });
  await page.click('#opener');
  for (let i = 0; i < 50 && h.refused.windows.length === 0; i++) await page.waitForTimeout(20);
  assert.deepEqual(h.refused.windows, ['https://evil.example/popup']);
  assert.equal(h.context.pages().length, 1);
});

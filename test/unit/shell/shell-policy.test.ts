import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  isAllowedNavigation,
  isPermissionGranted,
  windowOpenDecision,
} from '../../../src-main/shell/navigation-policy.js';
import { resolveRendererFile } from '../../../src-main/shell/renderer-files.js';
import {
  CHECKLIST_WEB_PREFERENCES,
  PER_WINDOW_WEB_PREFERENCES,
} from '../../../src-main/shell/web-preferences.js';
import { windowWebPreferences } from './harness/window-literals.js';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_META } from '../../../src-shared/ipc/csp.js';

void test('navigation is allowed only to the app’s own index page', () => {
  for (const ok of [
    'app://keyrite/index.html',
    'app://keyrite/',
    'app://keyrite/index.html#/ceremony',
    'app://keyrite/index.html?x=1',
  ]) {
    assert.equal(isAllowedNavigation(ok), true, ok);
  }
  for (const bad of [
    'https://evil.example/',
    'http://127.0.0.1:1234/index.html',
    'file:///etc/passwd',
    'app://keyrite.evil/index.html',
    'app://evil/index.html',
    'app://user:pw@keyrite/index.html',
    'app://keyrite/other.html',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'about:blank',
    'chrome://settings',
    'not a url',
    '',
  ]) {
    assert.equal(isAllowedNavigation(bad), false, bad);
  }
});

void test('window.open is always denied and every permission refused', () => {
  assert.deepEqual(windowOpenDecision('app://keyrite/index.html'), { action: 'deny' });
  assert.deepEqual(windowOpenDecision('https://example.com'), { action: 'deny' });
  for (const p of ['media', 'notifications', 'clipboard-read', 'openExternal', 'unknown'])
    assert.equal(isPermissionGranted(p), false);
});

void test('every window gets the security checklist’s web preferences, written where scanners see them', () => {
  const windows = windowWebPreferences();
  assert.ok(windows.length >= 1, 'src-main creates its windows with new BrowserWindow');
  for (const w of windows) {
    for (const [key, value] of Object.entries(CHECKLIST_WEB_PREFERENCES))
      assert.deepEqual(w.values.get(key), { literal: value }, `${w.where}: ${key}`);
    const extra = [...w.values.keys()].filter(
      (k) =>
        !(k in CHECKLIST_WEB_PREFERENCES) && !(PER_WINDOW_WEB_PREFERENCES as readonly string[]).includes(k),
    );
    assert.deepEqual(extra, [], `${w.where}: nothing beyond the checklist`);
    // DevTools follow the build (off when packaged); never a literal true.
    assert.notDeepEqual(w.values.get('devTools'), { literal: true }, `${w.where}: devTools`);
    // A window may only take script away, never grant it back explicitly.
    if (w.values.has('javascript'))
      assert.deepEqual(w.values.get('javascript'), { literal: false }, `${w.where}: javascript`);
  }
});

void test('the source check above sees a weakened window', () => {
  const weakened = windowWebPreferences(
    'new BrowserWindow({ webPreferences: { contextIsolation: false, sandbox: true, ...more } });',
  );
  assert.deepEqual(weakened[0]?.values.get('contextIsolation'), { literal: false });
  assert.equal(weakened[0]?.values.has('...'), true, 'a spread is reported, not ignored');
});

void test('the CSP allows only our own files, no inline script, no eval, no remote origin', () => {
  const d = Object.fromEntries(
    CONTENT_SECURITY_POLICY.split('; ').map((x) => [x.split(' ')[0], x.split(' ').slice(1).join(' ')]),
  );
  assert.equal(d['default-src'], "'none'");
  assert.equal(d['script-src'], "'self'");
  assert.equal(d['connect-src'], "'self'");
  assert.equal(d['frame-ancestors'], "'none'");
  assert.equal(d['object-src'], "'none'");
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe|https?:|\*/);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY_META, /frame-ancestors/);
});

void test('renderer files resolve inside the renderer directory only', () => {
  const root = path.resolve('/srv/renderer');
  assert.deepEqual(resolveRendererFile(root, '/'), {
    path: path.join(root, 'index.html'),
    contentType: 'text/html; charset=utf-8',
  });
  assert.equal(
    resolveRendererFile(root, '/assets/index-1.js')?.path,
    path.join(root, 'assets', 'index-1.js'),
  );
  for (const bad of [
    '/../secret.html',
    '/%2e%2e/secret.js',
    '/assets/..%2f..%2fx.js',
    '/a%00.js',
    '/x.exe',
    '/%E0%A4%A',
    '/..\\x.js',
  ]) {
    assert.equal(resolveRendererFile(root, bad), null, bad);
  }
});

void test('no source calls shell.openExternal (checklist item 15)', () => {
  const roots = ['src-main', 'src-shared', 'src-renderer'].map((d) =>
    path.resolve(__dirname, '..', '..', '..', d),
  );
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|tsx)$/.test(e.name) && /openExternal\s*\(/.test(readFileSync(p, 'utf8')))
        offenders.push(p);
    }
  };
  roots.forEach(walk);
  assert.deepEqual(offenders, []);
});

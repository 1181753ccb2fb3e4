import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { CONTENT_SECURITY_POLICY_META } from '../../../src-shared/ipc/csp.js';

const root = path.resolve(__dirname, '..', '..', '..');
const electronVersion = (
  JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

interface Judged {
  rule: string;
  file: string;
  line: number;
  severity: string;
  blocking: boolean;
}
interface Scanner {
  stageSources(root: string, csp: string): string;
  scan(o: {
    input: string;
    sarifPath: string;
    electronVersion: string;
  }): Promise<{ findings: Omit<Judged, 'blocking'>[] }>;
  judge(findings: Omit<Judged, 'blocking'>[]): Judged[];
}

const scanner = () => import(path.join(root, 'test', 'static', 'electronegativity.mjs')) as Promise<Scanner>;
const work = mkdtempSync(path.join(tmpdir(), 'keyrite-en-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

void test('electronegativity finds no HIGH or MEDIUM issue, with no allowlist', async () => {
  const s = await scanner();
  const stage = s.stageSources(root, CONTENT_SECURITY_POLICY_META);
  try {
    const sarifPath = path.join(work, 'keyrite.sarif');
    const { findings } = await s.scan({ input: stage, sarifPath, electronVersion });
    const judged = s.judge(findings);
    const blocking = judged.filter((f) => f.blocking);
    assert.deepEqual(
      blocking,
      [],
      blocking.map((f) => `${f.severity} ${f.rule} ${f.file}:${f.line}`).join('\n'),
    );
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8')) as { version: string };
    assert.equal(sarif.version, '2.1.0');
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
});

void test('the scan does fail on an insecure window (so the test above can fail)', async () => {
  const s = await scanner();
  const bad = path.join(work, 'bad');
  mkdirSync(bad, { recursive: true });
  writeFileSync(
    path.join(bad, 'package.json'),
    JSON.stringify({ name: 'bad', devDependencies: { electron: electronVersion } }),
  );
  writeFileSync(
    path.join(bad, 'main.js'),
    "const { BrowserWindow } = require('electron');\n" +
      'const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });\n' +
      "w.loadURL('http://example.com');\n",
  );
  const { findings } = await s.scan({ input: bad, sarifPath: path.join(work, 'bad.sarif'), electronVersion });
  const judged = s.judge(findings);
  const rules = new Set(judged.filter((f) => f.blocking).map((f) => f.rule));
  for (const r of [
    'CONTEXT_ISOLATION_JS_CHECK',
    'SANDBOX_JS_CHECK',
    'WEB_SECURITY_JS_CHECK',
    'LIMIT_NAVIGATION_GLOBAL_CHECK',
    'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
  ])
    assert.ok(rules.has(r), `${r} in ${[...rules].join(', ')}`);
});

void test('webPreferences built by a function call are reported (why windows.ts writes them out)', async () => {
  const s = await scanner();
  const indirect = path.join(work, 'indirect');
  mkdirSync(indirect, { recursive: true });
  writeFileSync(
    path.join(indirect, 'package.json'),
    JSON.stringify({ name: 'indirect', devDependencies: { electron: electronVersion } }),
  );
  writeFileSync(
    path.join(indirect, 'main.js'),
    "const { BrowserWindow } = require('electron');\n" +
      'const prefs = () => ({ contextIsolation: true, sandbox: true });\n' +
      'const w = new BrowserWindow({ webPreferences: prefs() });\n',
  );
  const { findings } = await s.scan({
    input: indirect,
    sarifPath: path.join(work, 'indirect.sarif'),
    electronVersion,
  });
  const rules = new Set(
    s
      .judge(findings)
      .filter((f) => f.blocking)
      .map((f) => f.rule),
  );
  assert.ok(rules.has('CONTEXT_ISOLATION_JS_CHECK'), [...rules].join(', '));
});

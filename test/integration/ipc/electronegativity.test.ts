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
  allowedBy?: string;
}
interface Scanner {
  stageSources(root: string, csp: string): string;
  scan(o: {
    input: string;
    sarifPath: string;
    electronVersion: string;
  }): Promise<{ findings: Omit<Judged, 'blocking'>[] }>;
  loadAllowlist(file: string): { rule: string; file: string; reason: string }[];
  judge(
    findings: Omit<Judged, 'blocking'>[],
    allowlist: { rule: string; file: string; reason: string }[],
  ): Judged[];
}

const scanner = () => import(path.join(root, 'test', 'static', 'electronegativity.mjs')) as Promise<Scanner>;
const work = mkdtempSync(path.join(tmpdir(), 'keyrite-en-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

void test('electronegativity finds no HIGH or MEDIUM issue outside the reviewed allowlist', async () => {
  const s = await scanner();
  const stage = s.stageSources(root, CONTENT_SECURITY_POLICY_META);
  try {
    const sarifPath = path.join(work, 'keyrite.sarif');
    const { findings } = await s.scan({ input: stage, sarifPath, electronVersion });
    const judged = s.judge(
      findings,
      s.loadAllowlist(path.join(root, 'test', 'static', 'electronegativity-allowlist.json')),
    );
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

void test('the allowlist’s claims hold: windows.ts takes its webPreferences from secureWebPreferences', () => {
  const windows = readFileSync(path.join(root, 'src-main', 'shell', 'windows.ts'), 'utf8');
  assert.match(windows, /webPreferences: secureWebPreferences\(/);
  const harden = readFileSync(path.join(root, 'src-main', 'shell', 'harden.ts'), 'utf8');
  assert.match(harden, /setWindowOpenHandler\(/);
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
  const judged = s.judge(
    findings,
    s.loadAllowlist(path.join(root, 'test', 'static', 'electronegativity-allowlist.json')),
  );
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

void test('allowlist entries without a reason are rejected', async () => {
  const s = await scanner();
  const file = path.join(work, 'allow.json');
  writeFileSync(file, JSON.stringify([{ rule: 'X', file: '*', reason: 'ok' }]));
  assert.throws(() => s.loadAllowlist(file), /without a real reason/);
});

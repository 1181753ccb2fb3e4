// `npm start` on a machine that cannot download Electron: Electron's real installer (through
// @electron/get) against a host that refuses connections, and the one paragraph a person gets.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(ROOT, 'src-main', 'build', 'electron-binary.mjs');
const REAL = path.join(ROOT, 'node_modules', 'electron');
let root: string;

/** A project whose node_modules/electron is the real package without its binary. */
function project(): string {
  const dir = path.join(root, 'node_modules', 'electron');
  mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'install.js', 'checksums.json'])
    copyFileSync(path.join(REAL, f), path.join(dir, f));
  symlinkSync(path.join(ROOT, 'node_modules', '@electron'), path.join(root, 'node_modules', '@electron'));
  return root;
}

const run = (env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [SCRIPT, '--root', root], {
    encoding: 'utf8',
    timeout: 180_000,
    env: { PATH: process.env['PATH'], HOME: root, electron_config_cache: path.join(root, 'cache'), ...env },
  });

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'keyrite-electron-bin-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

void test('when the binary cannot be downloaded, one paragraph says what failed, what to check, and that the CLI works', () => {
  project();
  const r = run({ ELECTRON_MIRROR: 'http://127.0.0.1:1/' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const version = (JSON.parse(readFileSync(path.join(REAL, 'package.json'), 'utf8')) as { version: string })
    .version;
  const paragraph = r.stderr.trim();
  assert.equal(paragraph.split('\n').length, 1, `one paragraph, got:\n${r.stderr}`);
  assert.match(
    paragraph,
    new RegExp(
      `needs the Electron ${version.replace(/\./g, '\\.')} binary, which is not installed and could not be downloaded`,
    ),
  );
  assert.match(paragraph, /127\.0\.0\.1:1: ECONNREFUSED/, 'what failed, concretely');
  assert.match(
    paragraph,
    /Check that this machine can reach the mirror in ELECTRON_MIRROR \(http:\/\/127\.0\.0\.1:1\/\)/,
  );
  assert.match(paragraph, /`npx keyrite rehearse --out DIR` runs a whole ceremony/);
  assert.doesNotMatch(
    r.stderr,
    /delete `?node_modules\/electron|at .*\.js:\d+/,
    'no Electron advice, no stack',
  );
});

void test('an installed binary is left alone: nothing is downloaded', () => {
  project();
  const dir = path.join(root, 'node_modules', 'electron');
  const version = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string })
    .version;
  mkdirSync(path.join(dir, 'dist'));
  writeFileSync(path.join(dir, 'dist', 'version'), `v${version}`);
  writeFileSync(path.join(dir, 'path.txt'), 'electron');
  writeFileSync(path.join(dir, 'dist', 'electron'), '');
  const r = run({ ELECTRON_MIRROR: 'http://127.0.0.1:1/' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
});

void test('npm start checks the Electron binary first, then builds, then builds SQLite for Electron', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  assert.equal(
    pkg.scripts['prestart'],
    'node src-main/build/electron-binary.mjs && node src-main/build/build.mjs all && node src-main/build/native-electron.mjs',
  );
});

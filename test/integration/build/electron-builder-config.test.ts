import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..', '..', '..');
type Validate = (config: unknown, logger: { isEnabled: boolean; add(): void }) => Promise<void>;

/** electron-builder's own validation (its scheme.json through its ajv validator), as `electron-builder` runs it. */
function loadValidator(): Validate {
  const file = path.join(root, 'node_modules', 'app-builder-lib', 'out', 'util', 'config', 'config.js');
  if (!existsSync(file))
    throw new Error('app-builder-lib is missing: run `npm ci` (electron-builder is a devDependency)');
  // app-builder-lib is CommonJS and exports the validator only from this internal file.
  return (createRequire(__filename)(file) as { validateConfiguration: Validate }).validateConfiguration;
}

const quiet = { isEnabled: false, add() {} };
const config = () =>
  parse(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

void test('electron-builder.yml is valid by electron-builder’s own schema', async () => {
  await loadValidator()(config(), quiet);
});

void test('the validator rejects what it should (so the test above can fail)', async () => {
  await assert.rejects(
    loadValidator()({ ...config(), electronFuses: { runAsNode: 'no', bogusFuse: true } }, quiet),
    /Invalid configuration/,
  );
  await assert.rejects(loadValidator()({ ...config(), appIdd: 'typo' }, quiet), /Invalid configuration/);
});

void test('the packaging settings issue 6 asks for are the ones configured', () => {
  const c = config() as {
    appId: string;
    asar: boolean;
    npmRebuild: boolean;
    electronFuses: Record<string, boolean>;
    linux: { target: string[]; icon: string };
    mac: { target: string[]; icon: string };
    win: { target: string[]; icon: string };
    files: string[];
  };
  assert.match(c.appId, /^[a-z]+(\.[a-z0-9-]+)+$/);
  assert.equal(c.asar, true);
  assert.equal(c.npmRebuild, true);
  assert.deepEqual(c.electronFuses, {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
    loadBrowserProcessSpecificV8Snapshot: false,
  });
  assert.deepEqual(c.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(c.mac.target, ['dmg']);
  assert.deepEqual(c.win.target, ['nsis']);
  for (const icon of [c.linux.icon, c.mac.icon, c.win.icon])
    assert.ok(existsSync(path.join(root, icon)), `${icon} exists`);
  assert.ok(existsSync(path.join(root, 'assets', 'icon.svg')));
  assert.ok(c.files.includes('!test{,/**/*}'), 'tests are excluded');
  assert.ok(!c.files.some((f) => /^(test|src-)/.test(f)), 'no sources or tests included');
});

void test('the icons are real PNGs of the sizes their names say', () => {
  for (const s of [16, 32, 48, 64, 128, 256, 512]) {
    const png = readFileSync(path.join(root, 'assets', 'icons', `${s}x${s}.png`));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.readUInt32BE(16), s);
    assert.equal(png.readUInt32BE(20), s);
  }
  assert.equal(readFileSync(path.join(root, 'assets', 'icon.png')).readUInt32BE(16), 1024);
});

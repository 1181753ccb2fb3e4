import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, test } from 'node:test';
import { ADDON_RELATIVE_PATH, electronNativeDir } from '../../../src-main/shell/native-binding.js';

const script = path.resolve(__dirname, '..', '..', '..', 'src-main', 'build', 'native-electron.mjs');
let root: string;

/** A project root with just enough of node_modules for the script: versions, sources, a node-gyp. */
function fakeProject(gypExit: number) {
  const nm = path.join(root, 'node_modules');
  mkdirSync(path.join(nm, 'electron'), { recursive: true });
  writeFileSync(path.join(nm, 'electron', 'package.json'), JSON.stringify({ version: '45.4.1' }));
  writeFileSync(path.join(nm, 'electron', 'abi_version'), '150');
  mkdirSync(path.join(nm, 'better-sqlite3', 'build', 'Release'), { recursive: true });
  writeFileSync(path.join(nm, 'better-sqlite3', 'package.json'), JSON.stringify({ version: '12.9.0' }));
  writeFileSync(
    path.join(nm, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    'node-abi-build node_register_module_v115',
  );
  mkdirSync(path.join(nm, 'node-gyp', 'bin'), { recursive: true });
  // Stands in for node-gyp: records its arguments and, when told to succeed, writes an addon.
  writeFileSync(
    path.join(nm, 'node-gyp', 'bin', 'node-gyp.js'),
    `const fs=require('fs');fs.writeFileSync('gyp-args.json',JSON.stringify(process.argv.slice(2)));` +
      (gypExit === 0
        ? `fs.mkdirSync('build/Release',{recursive:true});fs.writeFileSync('build/Release/better_sqlite3.node','electron-abi-build node_register_module_v150');`
        : '') +
      `process.exit(${gypExit});`,
  );
}

const run = () => spawnSync(process.execPath, [script, '--root', root], { encoding: 'utf8' });

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'keyrite-native-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

void test('builds for Electron’s version into .native, leaving the Node build alone, then skips', () => {
  fakeProject(0);
  const first = run();
  assert.equal(first.status, 0, first.stderr);
  const dir = electronNativeDir(root, '45.4.1');
  assert.equal(
    readFileSync(path.join(dir, ADDON_RELATIVE_PATH), 'utf8'),
    'electron-abi-build node_register_module_v150',
  );
  assert.equal(
    readFileSync(
      path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
      'utf8',
    ),
    'node-abi-build node_register_module_v115',
  );
  const args = JSON.parse(
    readFileSync(path.join(dir, 'better-sqlite3', 'gyp-args.json'), 'utf8'),
  ) as string[];
  assert.ok(
    args.includes('--runtime=electron') && args.includes('--target=45.4.1') && args.includes('rebuild'),
    args.join(' '),
  );
  assert.ok(args.some((a) => a.startsWith('--dist-url=')));
  const second = run();
  assert.equal(second.status, 0);
  assert.match(second.stdout, /already built for Electron 45\.4\.1/);
});

void test('rebuilds when better-sqlite3’s version changed', () => {
  fakeProject(0);
  assert.equal(run().status, 0);
  writeFileSync(
    path.join(root, 'node_modules', 'better-sqlite3', 'package.json'),
    JSON.stringify({ version: '12.10.0' }),
  );
  const again = run();
  assert.equal(again.status, 0);
  assert.match(again.stdout, /building better-sqlite3 12\.10\.0/);
});

void test('a failed build exits non-zero with a clear reason and leaves nothing half-built', () => {
  fakeProject(1);
  const r = run();
  assert.equal(r.status, 1);
  assert.match(r.stderr, /failed .*node-gyp exit 1/);
  assert.match(r.stderr, /python3, make and g\+\+/);
  assert.match(r.stderr, /Node build in node_modules is unchanged/);
  assert.throws(() => readFileSync(path.join(electronNativeDir(root, '45.4.1'), 'build-info.json')));
});

void test('npm’s nodedir (and any target/runtime it passes) never reaches node-gyp', async () => {
  const { electronBuildEnv } = (await import(pathToFileURL(script).href)) as {
    electronBuildEnv: (env: NodeJS.ProcessEnv, electron: string) => NodeJS.ProcessEnv;
  };
  const env = electronBuildEnv(
    {
      PATH: '/usr/bin',
      npm_config_nodedir: '/usr',
      NPM_CONFIG_NODEDIR: '/usr',
      npm_config_target: '20.20.2',
      npm_config_jobs: '2',
    },
    '45.4.1',
  );
  assert.deepEqual(env, {
    PATH: '/usr/bin',
    npm_config_jobs: '2',
    npm_config_runtime: 'electron',
    npm_config_target: '45.4.1',
  });
});

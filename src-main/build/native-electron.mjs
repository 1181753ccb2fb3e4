// Builds better-sqlite3's native addon for Electron's ABI into .native/electron/<electron version>/,
// leaving node_modules/better-sqlite3 (built for Node: tests, CLI) untouched. Run by `prestart`.
// The app passes the result to better-sqlite3 as `nativeBinding` (src-main/shell/native-binding.ts).
//
//   node src-main/build/native-electron.mjs [--root DIR] [--force]
//
// Needs python3, make and a C++ compiler, and the Electron headers (downloaded by node-gyp from
// KEYRITE_ELECTRON_HEADERS_URL, default https://electronjs.org/headers, once per version).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ADDON = path.join('better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

const readVersion = (file) => JSON.parse(readFileSync(file, 'utf8')).version;

/** What to do for this project root: skip (already built for these versions) or build. */
export function plan(root) {
  const electronPkg = path.join(root, 'node_modules', 'electron', 'package.json');
  const sqlitePkg = path.join(root, 'node_modules', 'better-sqlite3', 'package.json');
  if (!existsSync(electronPkg)) throw new Error('node_modules/electron is missing: run `npm ci` first');
  if (!existsSync(sqlitePkg)) throw new Error('node_modules/better-sqlite3 is missing: run `npm ci` first');
  const electron = readVersion(electronPkg);
  const betterSqlite3 = readVersion(sqlitePkg);
  const dir = path.join(root, '.native', 'electron', electron);
  const addon = path.join(dir, ADDON);
  const stampFile = path.join(dir, 'build-info.json');
  let stamp = null;
  try {
    stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    stamp = null;
  }
  const current = existsSync(addon) && stamp?.electron === electron && stamp?.betterSqlite3 === betterSqlite3;
  return { action: current ? 'skip' : 'build', electron, betterSqlite3, dir, addon, stampFile };
}

export function build(root, p) {
  const source = path.join(root, 'node_modules', 'better-sqlite3');
  const target = path.join(p.dir, 'better-sqlite3');
  rmSync(p.dir, { recursive: true, force: true });
  mkdirSync(p.dir, { recursive: true });
  // A copy without the Node build, so the Node addon the tests load is never overwritten.
  cpSync(source, target, { recursive: true, filter: (src) => !src.startsWith(path.join(source, 'build')) });
  const nodeGyp = path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(nodeGyp)) throw new Error('node_modules/node-gyp is missing: run `npm ci` first');
  const distUrl = process.env.KEYRITE_ELECTRON_HEADERS_URL ?? 'https://electronjs.org/headers';
  const r = spawnSync(
    process.execPath,
    [
      nodeGyp,
      'rebuild',
      '--release',
      '--runtime=electron',
      `--target=${p.electron}`,
      `--dist-url=${distUrl}`,
    ],
    {
      cwd: target,
      stdio: 'inherit',
      env: { ...process.env, npm_config_runtime: 'electron', npm_config_target: p.electron },
    },
  );
  if (r.status !== 0 || !existsSync(p.addon)) {
    rmSync(p.dir, { recursive: true, force: true });
    throw new Error(
      `building better-sqlite3 ${p.betterSqlite3} for Electron ${p.electron} failed (node-gyp exit ${r.status ?? r.signal}).\n` +
        `  Check: python3, make and g++ are installed; the Electron headers can be downloaded from ${distUrl}\n` +
        `  (set KEYRITE_ELECTRON_HEADERS_URL to a mirror if not). The Node build in node_modules is unchanged.`,
    );
  }
  writeFileSync(
    p.stampFile,
    JSON.stringify(
      { electron: p.electron, betterSqlite3: p.betterSqlite3, builtAt: new Date().toISOString() },
      null,
      2,
    ),
  );
}

function main(argv) {
  const rootArg = argv.indexOf('--root');
  const root =
    rootArg >= 0
      ? path.resolve(argv[rootArg + 1])
      : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const p = plan(root);
  if (p.action === 'skip' && !argv.includes('--force')) {
    console.log(
      `native-electron: better-sqlite3 ${p.betterSqlite3} already built for Electron ${p.electron}`,
    );
    return 0;
  }
  console.log(
    `native-electron: building better-sqlite3 ${p.betterSqlite3} for Electron ${p.electron} into ${path.relative(root, p.dir)}`,
  );
  build(root, p);
  console.log(`native-electron: ok → ${path.relative(root, p.addon)}`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (e) {
    console.error(`native-electron: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

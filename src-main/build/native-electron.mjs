// Builds better-sqlite3's native addon for Electron's ABI into .native/electron/<electron version>/,
// leaving node_modules/better-sqlite3 (built for Node: tests, CLI) untouched. Run by `prestart`.
// The app passes the result to better-sqlite3 as `nativeBinding` (src-main/shell/native-binding.ts).
//
//   node src-main/build/native-electron.mjs [--root DIR] [--force]
//
// Needs python3, make and a C++ compiler, and the Electron headers (downloaded by node-gyp from
// KEYRITE_ELECTRON_HEADERS_URL, default https://electronjs.org/headers, once per version).
// After the build it reads the module version the addon was compiled for and refuses anything but
// Electron's (node_modules/electron/abi_version): a Node build that merely loads in tests is not "ok".
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ADDON = path.join('better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

const readVersion = (file) => JSON.parse(readFileSync(file, 'utf8')).version;

/** Electron publishes its NODE_MODULE_VERSION with the package: node_modules/electron/abi_version. */
export function electronAbi(root) {
  const file = path.join(root, 'node_modules', 'electron', 'abi_version');
  const text = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (!/^\d+$/.test(text))
    throw new Error('node_modules/electron/abi_version is missing or unreadable: run `npm ci` first');
  return Number(text);
}

/**
 * The NODE_MODULE_VERSION a native addon was compiled for. Addons that register with NODE_MODULE_INIT
 * (better-sqlite3 does) export a symbol named node_register_module_v<N>, so the name is in the binary
 * on every platform; null when there is not exactly one (then nothing is taken on trust).
 */
export function addonAbi(addonFile) {
  const names = new Set(
    readFileSync(addonFile)
      .toString('latin1')
      .match(/node_register_module_v\d+/g) ?? [],
  );
  if (names.size !== 1) return null;
  return Number([...names][0].slice('node_register_module_v'.length));
}

/**
 * npm passes its config to scripts as npm_config_* variables, and node-gyp takes npm_config_nodedir
 * over --target: with `nodedir` set (as on machines where npm is told to build against the local
 * Node's headers) an "Electron" build silently compiles against Node. The build must not inherit it.
 */
export function electronBuildEnv(env, electron) {
  const out = {};
  for (const [k, v] of Object.entries(env))
    if (!/^npm_config_(nodedir|target|runtime|disturl|dist_url)$/i.test(k)) out[k] = v;
  return { ...out, npm_config_runtime: 'electron', npm_config_target: electron };
}

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
  const abi = electronAbi(root);
  // A stamp from before the ABI check, or an addon of another ABI, is rebuilt rather than trusted.
  const current =
    existsSync(addon) &&
    stamp?.electron === electron &&
    stamp?.betterSqlite3 === betterSqlite3 &&
    stamp?.abi === abi &&
    addonAbi(addon) === abi;
  return { action: current ? 'skip' : 'build', electron, abi, betterSqlite3, dir, addon, stampFile };
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
    { cwd: target, stdio: 'inherit', env: electronBuildEnv(process.env, p.electron) },
  );
  if (r.status !== 0 || !existsSync(p.addon)) {
    rmSync(p.dir, { recursive: true, force: true });
    throw new Error(
      `building better-sqlite3 ${p.betterSqlite3} for Electron ${p.electron} failed (node-gyp exit ${r.status ?? r.signal}).\n` +
        `  Check: python3, make and g++ are installed; the Electron headers can be downloaded from ${distUrl}\n` +
        `  (set KEYRITE_ELECTRON_HEADERS_URL to a mirror if not). The Node build in node_modules is unchanged.`,
    );
  }
  const built = addonAbi(p.addon);
  if (built !== p.abi) {
    rmSync(p.dir, { recursive: true, force: true });
    throw new Error(
      `the addon node-gyp produced is for NODE_MODULE_VERSION ${built ?? 'unknown'}, but Electron ${p.electron} needs ${p.abi}` +
        `${built === Number(process.versions.modules) ? ` (${built} is this Node's own: the build used Node's headers, not Electron's)` : ''}.\n` +
        `  Check \`npm config get nodedir\` and NODEDIR / npm_config_nodedir in the environment, and the headers in node-gyp's cache.\n` +
        `  Nothing was installed; the Node build in node_modules is unchanged.`,
    );
  }
  writeFileSync(
    p.stampFile,
    JSON.stringify(
      { electron: p.electron, abi: p.abi, betterSqlite3: p.betterSqlite3, builtAt: new Date().toISOString() },
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
      `native-electron: better-sqlite3 ${p.betterSqlite3} already built for Electron ${p.electron} (NODE_MODULE_VERSION ${p.abi})`,
    );
    return 0;
  }
  console.log(
    `native-electron: building better-sqlite3 ${p.betterSqlite3} for Electron ${p.electron} into ${path.relative(root, p.dir)}`,
  );
  build(root, p);
  console.log(
    `native-electron: ok → ${path.relative(root, p.addon)} (NODE_MODULE_VERSION ${p.abi}, checked)`,
  );
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

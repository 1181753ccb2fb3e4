// `npm run kit`: one self-contained archive of the keyrite command line for this platform and this
// Node.js major version — the bundled CLI, its runtime dependencies (the SQLite module built for this
// Node), a launcher and an installer — for workstations with no network. Prints the archive's SHA-256.
//
//   node src-main/build/offline-kit.mjs [--out DIR]      (default: release/)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addonAbi } from './native-electron.mjs';
import { assertSelfContained } from './bundle-cli.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..');

/** Production dependencies the command line never loads: the renderer's, and install-time tools. */
const NOT_FOR_CLI = new Set(['react', 'react-dom', 'prebuild-install']);

/** Where Node would find `name` when required from `fromDir` (walks up the node_modules folders). */
function findPackage(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === ROOT || path.dirname(dir) === dir) return null;
  }
}

/** Every package directory the CLI's runtime needs: the closure of dependencies from package.json. */
export function runtimePackages(root = ROOT) {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const found = new Set();
  const visit = (name, fromDir, optional) => {
    if (NOT_FOR_CLI.has(name)) return;
    const dir = findPackage(name, fromDir);
    if (!dir) {
      if (optional) return;
      throw new Error(
        `${name} (needed from ${path.relative(root, fromDir) || 'the project'}) is not installed: run npm ci`,
      );
    }
    if (found.has(dir)) return;
    found.add(dir);
    const p = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    for (const d of Object.keys(p.dependencies ?? {})) visit(d, dir, false);
    for (const d of Object.keys(p.optionalDependencies ?? {})) visit(d, dir, true);
  };
  for (const d of Object.keys(pkg.dependencies ?? {})) visit(d, root, false);
  return [...found].sort();
}

/** better-sqlite3 needs its JavaScript and the one compiled module, not its sources and objects. */
function keep(pkgDir, src) {
  const rel = path.relative(pkgDir, src);
  if (rel.split(path.sep)[0] === 'node_modules') return false;
  if (path.basename(pkgDir) !== 'better-sqlite3') return true;
  const top = rel.split(path.sep)[0];
  if (rel === '' || ['package.json', 'LICENSE', 'lib'].includes(top)) return true;
  return (
    rel === 'build' ||
    rel === path.join('build', 'Release') ||
    rel === path.join('build', 'Release', 'better_sqlite3.node')
  );
}

function fill(template, vars) {
  return Object.entries(vars).reduce((t, [k, v]) => t.split(`@${k}@`).join(v), template);
}

function listFiles(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return listFiles(p, base);
    return e.isFile() ? [path.relative(base, p)] : [];
  });
}

export function buildKit(outDir) {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const entry = path.join(ROOT, 'dist', 'cli', 'main.cjs');
  if (!existsSync(entry))
    throw new Error('the CLI is not built: run `node src-main/build/build.mjs main` (npm run kit does)');
  const sqlite = path.join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  const abi = Number(process.versions.modules);
  if (!existsSync(sqlite) || addonAbi(sqlite) !== abi)
    throw new Error(
      `node_modules/better-sqlite3 is not built for this Node.js (module version ${abi}): run npm ci (or npm rebuild better-sqlite3)`,
    );
  const platform = `${process.platform}-${process.arch}`;
  const nodeMajor = process.versions.node.split('.')[0];
  const name = `keyrite-${pkg.version}-${platform}-node${nodeMajor}`;
  const vars = { VERSION: pkg.version, PLATFORM: platform, ABI: String(abi), NODE_MAJOR: nodeMajor };

  const stage = mkdtempSync(path.join(tmpdir(), 'keyrite-kit-'));
  const kit = path.join(stage, name);
  try {
    // The bundled command line (bundle-cli.mjs) carries all of Keyrite's own code the CLI runs; the
    // compiled modules beside it (dist/src-*) are the desktop app's and the tests'.
    assertSelfContained();
    cpSync(path.join(ROOT, 'dist', 'cli'), path.join(kit, 'dist', 'cli'), { recursive: true });
    for (const f of ['keyrite.cjs', 'code-cache.cjs'])
      cpSync(path.join(ROOT, 'src-main', 'cli', f), path.join(kit, 'src-main', 'cli', f));
    for (const dir of runtimePackages()) {
      cpSync(dir, path.join(kit, path.relative(ROOT, dir)), {
        recursive: true,
        filter: (src) => keep(dir, src),
      });
    }
    writeFileSync(
      path.join(kit, 'package.json'),
      JSON.stringify(
        {
          name: pkg.name,
          version: pkg.version,
          description: pkg.description,
          license: pkg.license,
          private: true,
          engines: pkg.engines,
          bin: pkg.bin,
        },
        null,
        2,
      ) + '\n',
    );
    mkdirSync(path.join(kit, 'bin'));
    for (const [from, to, mode] of [
      ['keyrite.sh', path.join('bin', 'keyrite'), 0o755],
      ['install.sh', 'install.sh', 0o755],
      ['README-OFFLINE.txt', 'README-OFFLINE.txt', 0o644],
    ]) {
      writeFileSync(
        path.join(kit, to),
        fill(readFileSync(path.join(here, 'offline-kit', from), 'utf8'), vars),
      );
      chmodSync(path.join(kit, to), mode);
    }
    cpSync(path.join(ROOT, 'README.md'), path.join(kit, 'README.md'));
    const sums = listFiles(kit)
      .sort()
      .map(
        (f) =>
          `${createHash('sha256')
            .update(readFileSync(path.join(kit, f)))
            .digest('hex')}  ./${f}`,
      );
    writeFileSync(path.join(kit, 'SHA256SUMS'), sums.join('\n') + '\n');

    mkdirSync(outDir, { recursive: true });
    const archive = path.join(outDir, `${name}.tar.gz`);
    if (existsSync(archive)) throw new Error(`${archive} already exists: remove it or choose another --out`);
    const tar = spawnSync('tar', ['-czf', archive, '-C', stage, name], { stdio: 'inherit' });
    if (tar.status !== 0) {
      rmSync(archive, { force: true });
      throw new Error('tar failed to write the archive');
    }
    const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
    writeFileSync(`${archive}.sha256`, `${sha256}  ${path.basename(archive)}\n`);
    return { archive, sha256, bytes: statSync(archive).size, files: sums.length };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--out');
  const out = path.resolve(i >= 0 && argv[i + 1] ? argv[i + 1] : path.join(ROOT, 'release'));
  try {
    const r = buildKit(out);
    console.log(`offline kit: ${r.archive} (${(r.bytes / 1048576).toFixed(1)} MiB, ${r.files} files)`);
    console.log(`SHA-256: ${r.sha256}`);
    console.log(
      `(also in ${path.basename(r.archive)}.sha256; install with: tar -xzf …; sh <folder>/install.sh)`,
    );
  } catch (e) {
    console.error(`offline kit: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}

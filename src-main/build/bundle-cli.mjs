// The command line as the launcher loads it: one CommonJS file for the command table (dist/cli/main.cjs)
// and one per command (dist/cli/commands/<name>.cjs), each with everything it imports, so `keyrite` reads
// and compiles a few files instead of resolving and loading some 400 (issue 17: start-up was half of a
// cheap rehearsal's time). The table still loads a command only when it runs, so `keyrite --help` loads
// no command and `keyrite wrap` no SQLite and no SDK. Packages loaded by name at run time (better-sqlite3
// with its compiled module; the lazily required yaml, strength estimator and word list) stay in
// node_modules, where the launcher's folder finds them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'src-main', 'cli');
export const BUNDLE_DIR = path.join(ROOT, 'dist', 'cli');
const COMMAND_IMPORT = /import\('\.\/commands\/([a-z-]+)\.js'\)/g;

/** The command modules the table in main.ts loads, by name. */
export function commandModules() {
  const table = readFileSync(path.join(CLI, 'main.ts'), 'utf8');
  return [...table.matchAll(COMMAND_IMPORT)].map((m) => m[1]);
}

export async function bundleCli() {
  const esbuild = await import('esbuild');
  const commands = commandModules();
  if (commands.length === 0) throw new Error('bundle-cli: no command imports found in src-main/cli/main.ts');
  // main.ts's `import('./commands/x.js')` loads the command's own bundle, not a copy inlined in main's.
  const commandsApart = {
    name: 'commands-apart',
    setup(build) {
      build.onResolve({ filter: /^\.\/commands\/[a-z-]+\.js$/ }, (args) =>
        args.importer === path.join(CLI, 'main.ts')
          ? { path: args.path.replace(/\.js$/, '.cjs'), external: true }
          : undefined,
      );
    },
  };
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [path.join(CLI, 'main.ts'), ...commands.map((c) => path.join(CLI, 'commands', `${c}.ts`))],
    outbase: CLI,
    outdir: BUNDLE_DIR,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Its compiled module is found through its own package at run time. pdfkit's ES build finds its
    // fonts and colour profile with import.meta.url, which a CommonJS bundle does not have; its CommonJS
    // build, loaded from node_modules, finds them next to itself.
    external: ['better-sqlite3', 'electron', 'pdfkit'],
    // Names stay as written: errors from the SDK and Node are told apart by their class names.
    keepNames: true,
    mainFields: ['module', 'main'],
    minifyWhitespace: true,
    minifySyntax: true,
    // import() becomes require() in a promise: a command's bundle loads as plain CommonJS, without the
    // ES module loader's extra work.
    supported: { 'dynamic-import': false },
    plugins: [commandsApart],
    logLevel: 'warning',
  });
  assertSelfContained();
  // Each command's V8 code cache, made in a fresh Node (the flags V8 checks are the launcher's), after a
  // use of the command where it has one (warm-cli.cjs); rehearse first: audit verifies its log.
  const scratch = mkdtempSync(path.join(tmpdir(), 'keyrite-build-warm-'));
  try {
    const order = [...commands].sort((a, b) => Number(b === 'rehearse') - Number(a === 'rehearse'));
    for (const c of order) {
      const made = spawnSync(
        process.execPath,
        [path.join(ROOT, 'src-main', 'build', 'warm-cli.cjs'), BUNDLE_DIR, c, scratch],
        {
          stdio: 'inherit',
          cwd: scratch,
          env: {
            // Keyrite's own test switches from the caller's shell (a crash or disk-full point, say) stay
            // out: the warm-up runs the command as a user would, with only the cheap KDF below.
            ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KEYRITE_'))),
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            // The warm-up rehearsal's generated passphrases need no real KDF cost: the same code runs.
            KEYRITE_TEST: '1',
            KEYRITE_TEST_SCRYPT_LOG2N: '4',
          },
        },
      );
      if (made.status !== 0) throw new Error(`bundle-cli: making the code cache of ${c} failed`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return commands;
}

/**
 * A bundle must not reach back into dist/src-* by a relative path at run time (a `createRequire` of a
 * relative file, say): that would load a second copy of the modules it carries, whose error classes the
 * bundle's own checks do not recognise, and would break the offline kit, which ships dist/cli alone.
 */
export function assertSelfContained(dir = BUNDLE_DIR) {
  const files = [
    path.join(dir, 'main.cjs'),
    ...readdirSync(path.join(dir, 'commands'))
      .filter((f) => f.endsWith('.cjs'))
      .map((f) => path.join(dir, 'commands', f)),
  ];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    // The launcher compiles a command's bundle with vm.Script (code-cache.cjs), which has no import().
    if (/\bimport\(/.test(text)) throw new Error(`bundle-cli: ${path.relative(ROOT, file)} calls import()`);
    // A call with a relative path as its one argument: require(…), createRequire(__filename)(…), import(…).
    for (const m of text.matchAll(/\("(\.{1,2}\/[^"]*)"\)/g)) {
      const allowed = file.endsWith('main.cjs') && /^\.\/commands\/[a-z-]+\.cjs$/.test(m[1]);
      if (!allowed)
        throw new Error(
          `bundle-cli: ${path.relative(ROOT, file)} loads ${m[1]} at run time; bundle it instead`,
        );
    }
    // esbuild leaves import.meta empty in CommonJS: a module that finds its files through it fails at run time.
    if (/\bimport_meta\d*\.url\b/.test(text))
      throw new Error(
        `bundle-cli: ${path.relative(ROOT, file)} carries a module that finds files with import.meta.url, ` +
          'which a CommonJS bundle lacks; leave its package external',
      );
  }
}

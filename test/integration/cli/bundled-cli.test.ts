// The launcher runs the bundled command line (src-main/build/bundle-cli.mjs): one file for the command
// table, one per command. What a person must not notice is that it is bundled: a command's refusal
// still reads as that refusal (the table and the command each carry a copy of the error class), and a
// command loads its own bundle only, through the V8 code cache the build made for it. What a maintainer
// must not break: a bundle that reaches back into the compiled modules by a relative path is refused at
// build time.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ROOT, isolatedEnv, keyriteSync } from './harness/launcher.js';
import { spawnSync } from 'node:child_process';

const work = mkdtempSync(path.join(tmpdir(), 'keyrite-bundled-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

const PROBE = path.join(work, 'probe.cjs');
writeFileSync(
  PROBE,
  "process.on('exit', () => require('node:fs').writeFileSync(process.env.KEYRITE_PROBE_OUT, JSON.stringify(Object.keys(require.cache))));\n",
);

/** Runs the launcher with a probe that lists every module file the process loaded. */
function loadedBy(args: string[]): { code: number; stderr: string; modules: string[] } {
  const out = path.join(work, `modules-${args[0] ?? 'none'}.json`);
  const r = spawnSync(
    process.execPath,
    ['--require', PROBE, path.join(ROOT, 'src-main', 'cli', 'keyrite.cjs'), ...args],
    {
      cwd: work,
      env: isolatedEnv(work, { KEYRITE_PROBE_OUT: out }),
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  const modules = (JSON.parse(readFileSync(out, 'utf8')) as string[])
    .filter((m) => m !== PROBE)
    .map((m) => path.relative(ROOT, m));
  return { code: r.status ?? -1, stderr: r.stderr, modules };
}

void test("a command's refusal crosses from its bundle to the command table as itself, not as an internal error", () => {
  // `rehearse` without --out: the command's bundle throws its usage error, the table reports it.
  const r = keyriteSync(['rehearse'], { cwd: work });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^keyrite: --out DIR is required$/m);
  assert.match(r.stderr, /^ {2}hint: usage: keyrite rehearse --out DIR/m);
  assert.doesNotMatch(r.stderr, /internal error/);

  // And one thrown deep inside a command (a plan check refusing a file that is not a plan).
  writeFileSync(path.join(work, 'not-a-plan.json'), '[1, 2, 3]');
  const plan = keyriteSync(['plan', 'check', 'not-a-plan.json'], { cwd: work });
  assert.notEqual(plan.code, 0);
  assert.notEqual(plan.code, 70, plan.stderr);
  assert.doesNotMatch(plan.stderr, /internal error/);
});

void test('the launcher loads the command table and the running command’s bundle, nothing compiled module by module', () => {
  const help = loadedBy(['--help']);
  assert.equal(help.code, 0, help.stderr);
  const own = (ms: string[]) => ms.filter((m) => !m.startsWith('node_modules')).sort();
  assert.deepEqual(
    own(help.modules),
    [path.join('src-main', 'cli', 'keyrite.cjs'), path.join('dist', 'cli', 'main.cjs')].sort(),
  );

  const wrap = loadedBy(['wrap', '--help']);
  assert.equal(wrap.code, 0, wrap.stderr);
  assert.deepEqual(
    own(wrap.modules),
    [
      path.join('src-main', 'cli', 'keyrite.cjs'),
      path.join('src-main', 'cli', 'code-cache.cjs'),
      path.join('dist', 'cli', 'main.cjs'),
      path.join('dist', 'cli', 'commands', 'wrap.cjs'),
    ].sort(),
  );
  // Wrapping needs neither SQLite (loaded from node_modules, so the probe sees it) nor the AWS SDK
  // (bundled where it is used: its modules are named inside the bundle that carries them).
  assert.deepEqual(
    wrap.modules.filter((m) => /better-sqlite3/.test(m)),
    [],
  );
  const bundled = (name: string) =>
    readFileSync(path.join(ROOT, 'dist', 'cli', 'commands', `${name}.cjs`), 'utf8');
  // The KMS client's JSON protocol names its target service TrentService in every request it sends:
  // the string is in any bundle that carries the client (its ES build leaves no module path behind).
  assert.equal(bundled('wrap').includes('TrentService'), false);
  assert.equal(bundled('rehearse').includes('TrentService'), true, 'the marker is what the KMS client sends');
});

void test('a bundle that loads a compiled module by a relative path at run time is refused at build time', async () => {
  const { assertSelfContained } = (await import(path.join(ROOT, 'src-main', 'build', 'bundle-cli.mjs'))) as {
    assertSelfContained: (dir?: string) => void;
  };
  assertSelfContained(); // the real build
  const fake = path.join(work, 'fake-bundle');
  mkdirSync(path.join(fake, 'commands'), { recursive: true });
  writeFileSync(path.join(fake, 'main.cjs'), 'require("./commands/a.cjs")');
  writeFileSync(path.join(fake, 'commands', 'a.cjs'), 'module.exports = 1;');
  assertSelfContained(fake);
  writeFileSync(
    path.join(fake, 'commands', 'a.cjs'),
    'const x = (0, m.createRequire)(__filename)("../../src-shared/wrap/import-params.js");',
  );
  assert.throws(
    () => assertSelfContained(fake),
    /a\.cjs loads \.\.\/\.\.\/src-shared\/wrap\/import-params\.js at run time/,
  );
});

const CODE_CACHE = path.join(ROOT, 'src-main', 'cli', 'code-cache.cjs');

/** Loads `file` through code-cache.cjs in a plain Node, as the launcher does; prints what it saw. */
function loadInNode(file: string): string {
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      `const { loadWithCache } = require(${JSON.stringify(CODE_CACHE)});
       const used = loadWithCache(${JSON.stringify(file)});
       console.log(JSON.stringify({ used, exports: Object.keys(require.cache[${JSON.stringify(file)}]?.exports ?? {}) }));`,
    ],
    { cwd: work, env: isolatedEnv(work), encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

void test('each command loads through the code cache the build made for it; V8 refusing a cache only costs time', () => {
  for (const name of ['wrap', 'rehearse', 'ceremony', 'audit']) {
    const bundle = path.join(ROOT, 'dist', 'cli', 'commands', `${name}.cjs`);
    const seen = JSON.parse(loadInNode(bundle)) as { used: boolean; exports: string[] };
    assert.equal(seen.used, true, `${name}: V8 took the cache`);
    assert.ok(seen.exports.includes('command'), name);
  }
  // A cache that is not V8's for this source: refused, and the bundle compiles from source and runs.
  const dir = path.join(work, 'cache-refused');
  mkdirSync(dir);
  const file = path.join(dir, 'b.cjs');
  writeFileSync(file, 'exports.command = 1;');
  writeFileSync(`${file}.v8cache`, Buffer.alloc(64, 7));
  assert.equal(loadInNode(file), '{"used":false,"exports":["command"]}');
  // No cache at all: left to require().
  rmSync(`${file}.v8cache`);
  assert.equal(loadInNode(file), '{"used":false,"exports":[]}');
});

void test('the caches of rehearse and audit hold the code a run compiles, not only the top level', () => {
  // The build makes them after a use of the command (src-main/build/warm-cli.cjs); a warm-up that
  // failed leaves the top level's cache, which is what a cache made right after loading holds.
  for (const name of ['rehearse', 'audit']) {
    const bundle = path.join(ROOT, 'dist', 'cli', 'commands', `${name}.cjs`);
    // Beside dist/cli, where the bundle's packages resolve as they do for the bundle itself.
    const dir = mkdtempSync(path.join(ROOT, 'dist', `cold-cache-${name}-`));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const copy = path.join(dir, `${name}.cjs`);
    writeFileSync(copy, readFileSync(bundle));
    const r = spawnSync(
      process.execPath,
      ['-e', `require(${JSON.stringify(CODE_CACHE)}).writeCache(${JSON.stringify(copy)})`],
      { cwd: dir, env: isolatedEnv(dir), encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const cold = statSync(`${copy}.v8cache`).size;
    const warm = statSync(`${bundle}.v8cache`).size;
    // Code only, never data of the run: not even the warm-up's own scratch folder (its name is made at
    // build time, in src-main/build/bundle-cli.mjs, and appears in no bundle).
    assert.ok(
      !readFileSync(`${bundle}.v8cache`).includes('keyrite-build-warm-'),
      `${name}: the cache holds a path the warm-up ran in`,
    );
    assert.ok(
      warm > cold * 1.1,
      `${name}: the build's cache (${warm} bytes) is no larger than its top level's (${cold})`,
    );
  }
});

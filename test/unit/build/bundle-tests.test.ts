// The test runner compiles each test file into one CommonJS file (test/bundle-tests.mjs). What the
// suite relies on: every module keeps its own source directory as __dirname (fixtures and sources are found
// from it), a bundle runs in plain Node, and an import esbuild cannot follow is named, never run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

type BundleTests = (
  files: string[],
  opts: { base: string; outDir: string },
) => Promise<{ plan: Map<string, string>; warnings: { text: string; files: string[] }[] }>;

async function bundler(): Promise<BundleTests> {
  // Loaded at run time: the runner's own module is ES (import.meta), not part of this bundle.
  const url = pathToFileURL(path.resolve(__dirname, '..', '..', 'bundle-tests.mjs')).href;
  return ((await import(url)) as { bundleTests: BundleTests }).bundleTests;
}

void test('a bundled test runs in plain Node and each module sees its own source directory', async (t) => {
  const base = mkdtempSync(path.join(tmpdir(), 'keyrite-bundle-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  mkdirSync(path.join(base, 'src', 'deep'), { recursive: true });
  mkdirSync(path.join(base, 'test'));
  writeFileSync(
    path.join(base, 'src', 'deep', 'where.ts'),
    "import path from 'node:path';\nexport const where = (): string => path.join(__dirname, 'x');\n" +
      'export const file: string = __filename;\n',
  );
  writeFileSync(
    path.join(base, 'test', 'a.test.ts'),
    "import { file, where } from '../src/deep/where.js';\nconst mine: string = __dirname;\n" +
      'console.log(JSON.stringify({ where: where(), file, mine }));\n',
  );
  const entry = path.join(base, 'test', 'a.test.ts');
  const { plan, warnings } = await (await bundler())([entry], { base, outDir: path.join(base, 'out') });
  assert.deepEqual(warnings, []);
  const out = plan.get(entry);
  assert.equal(out, path.join(base, 'out', 'test', 'a.test.cjs'));
  const r = spawnSync(process.execPath, [out!], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    where: path.join(base, 'src', 'deep', 'x'),
    file: path.join(base, 'src', 'deep', 'where.ts'),
    mine: path.join(base, 'test'),
  });
});

void test('an import whose path is computed at run time is named with the test file it is in', async (t) => {
  const base = mkdtempSync(path.join(tmpdir(), 'keyrite-bundle-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  mkdirSync(path.join(base, 'test'));
  mkdirSync(path.join(base, 'cmds'));
  writeFileSync(path.join(base, 'cmds', 'one.ts'), 'export const n = 1;\n');
  const entry = path.join(base, 'test', 'b.test.ts');
  writeFileSync(
    entry,
    'export async function load(name: string): Promise<unknown> {\n' +
      '  return import(`../cmds/${name}.js`);\n}\n',
  );
  const { warnings } = await (await bundler())([entry], { base, outDir: path.join(base, 'out') });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.text, /^test\/b\.test\.ts:2: /);
  assert.deepEqual(warnings[0]!.files, [entry]);
});

void test('a test file that does not compile is refused with its file and line', async (t) => {
  const base = mkdtempSync(path.join(tmpdir(), 'keyrite-bundle-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const entry = path.join(base, 'c.test.ts');
  writeFileSync(entry, 'const x = ;\n');
  await assert.rejects((await bundler())([entry], { base, outDir: path.join(base, 'out') }), /c\.test\.ts:1/);
});

void test('a relative module loaded through createRequire is refused: only the TypeScript loader finds it', async (t) => {
  const base = mkdtempSync(path.join(tmpdir(), 'keyrite-bundle-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const entry = path.join(base, 'd.test.ts');
  writeFileSync(
    entry,
    "import { createRequire } from 'node:module';\n\n" +
      // In two pieces, so this file itself is not what the bundler refuses.
      'export const late = (): unknown => createRequire(__filename)(' +
      "'./lib/x.js');\n",
  );
  await assert.rejects(
    (await bundler())([entry], { base, outDir: path.join(base, 'out') }),
    /\nd\.test\.ts:3:\d+: ERROR: .*createRequire: use require\(\) or import/,
  );
});

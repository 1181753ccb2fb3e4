// Runs a test suite (unit, integration, interop, e2e, or all) with node's test runner, so a closing
// summary line tells CI how many passed and failed. Each test file is first compiled with what it imports
// into one CommonJS file (bundle-tests.mjs), so every file starts as plain Node instead of through the tsx
// loader; KEYRITE_TEST_TSX=1 runs the TypeScript sources through tsx instead (slower, no compile step).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleTests } from './bundle-tests.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const suites = ['unit', 'integration', 'interop', 'e2e'];
// `faults`: the fault campaigns at full length (KEYRITE_FAULTS=long); `npm test` runs them short.
const FAULT_CAMPAIGNS = [
  'integration/kms/kms-faults.test.ts',
  'integration/ceremony/parser-fuzz.test.ts',
  'integration/ceremony/crash-recovery.test.ts',
  'integration/ceremony/disk-faults.test.ts',
  'integration/ceremony/rotation-crash.test.ts',
  'integration/airgap/split-crash.test.ts',
  'integration/ceremony/multi-region-crash.test.ts',
  'integration/audit/tamper.test.ts',
  'integration/audit/verify-fuzz.test.ts',
  'integration/media/bundle-fuzz.test.ts',
  'unit/ipc/ipc-fuzz.test.ts',
  'unit/wrap/import-params.test.ts',
];
const which = process.argv[2] ?? 'all';
const faults = which === 'faults';
const chosen = which === 'all' ? suites : faults ? [] : [which];
if (!faults && !chosen.every((s) => suites.includes(s))) {
  console.error(`test: unknown suite ${which} (${suites.join(', ')}, all, faults)`);
  process.exit(2);
}

function walk(dir) {
  let out = [];
  let names = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const p = path.join(dir, name);
    if (name === 'artifacts' || name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const bySuite = new Map(chosen.map((s) => [s, walk(path.join(here, s))]));
// At least two files run at a time (node's default, cores − 1, is one on 2 cores): most files wait on
// child processes, Chromium or the disk for part of their time. Three at a time on 2 cores was tried
// (CI, 929 tests): no faster (977 s against 962 s before), every test slower and the UI tests twice as
// slow, so the cores are busy. The long files start first — each browser file followed by a share of
// the integration and interop files, whose children and tools take seconds — and the many short unit
// files come last, where they fill the gaps while the last long files finish. The browser files are
// spread through the first part, so two Chromium sessions rarely run side by side.
const e2e = bySuite.get('e2e') ?? [];
const long = chosen
  .filter((s) => s === 'integration' || s === 'interop')
  .flatMap((s) => bySuite.get(s) ?? []);
const short = bySuite.get('unit') ?? [];
const files = faults ? FAULT_CAMPAIGNS.map((f) => path.join(here, f)) : [];
const every = e2e.length > 0 ? Math.ceil(long.length / e2e.length) : long.length;
for (let i = 0, r = 0; i < e2e.length || r < long.length; i++) {
  if (i < e2e.length) files.push(e2e[i]);
  files.push(...long.slice(r, r + every));
  r += every;
}
files.push(...short);
const concurrency = Math.max(2, availableParallelism());
if (files.length === 0) {
  console.error('test: no test files found');
  process.exit(1);
}
const extra = process.argv.slice(3);
const viaTsx = process.env.KEYRITE_TEST_TSX === '1';
let toRun = files;
if (!viaTsx) {
  let bundled;
  try {
    bundled = await bundleTests(files);
  } catch (e) {
    console.error(`test: ${e.message}`);
    process.exit(1);
  }
  if (bundled.warnings.length > 0) {
    for (const w of bundled.warnings) console.error(`test: ${w.text}`);
    console.error(
      'test: a test file imports what esbuild cannot follow (above); import a static path, or run the ' +
        'sources through tsx with KEYRITE_TEST_TSX=1.',
    );
    process.exit(1);
  }
  toRun = files.map((f) => bundled.plan.get(f));
}
// Spec for people on stdout, TAP to a file from which the closing count line is taken.
const tapFile = path.join(mkdtempSync(path.join(tmpdir(), 'keyrite-tap-')), 'results.tap');
const r = spawnSync(
  process.execPath,
  [
    ...(viaTsx ? ['--import', 'tsx'] : ['--enable-source-maps']),
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...extra,
    ...toRun,
  ],
  {
    stdio: 'inherit',
    env: { ...process.env, KEYRITE_TEST: '1', ...(faults ? { KEYRITE_FAULTS: 'long' } : {}) },
  },
);
let tap = '';
try {
  tap = readFileSync(tapFile, 'utf8');
} catch {
  // no TAP output: the runner itself failed; its exit status says so below
}
const count = (name) => Number((tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
const passed = count('pass');
const failed = count('fail');
const skipped = count('skipped') + count('todo');
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(r.status ?? 1);

// Runs a test suite (unit, integration, interop, e2e, or all) with node's test runner over the
// TypeScript sources (tsx), so a closing summary line tells CI how many passed and failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const suites = ['unit', 'integration', 'interop', 'e2e'];
const which = process.argv[2] ?? 'all';
const chosen = which === 'all' ? suites : [which];
if (!chosen.every((s) => suites.includes(s))) {
  console.error(`test: unknown suite ${which} (${suites.join(', ')}, all)`);
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

const files = chosen.flatMap((s) => walk(path.join(here, s)));
if (files.length === 0) {
  console.error('test: no test files found');
  process.exit(1);
}
const extra = process.argv.slice(3);
// Spec for people on stdout, TAP to a file from which the closing count line is taken.
const tapFile = path.join(mkdtempSync(path.join(tmpdir(), 'keyrite-tap-')), 'results.tap');
const r = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...extra,
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, KEYRITE_TEST: '1' } },
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

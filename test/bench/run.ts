// `npm run bench [-- NAME...]`: runs every test/bench/*.bench.ts (or those whose name contains NAME),
// calling its exported run() and printing the figures it returns. Benchmarks measure; they never assert.
// Goals (Keyrite next to a reference measured in the same run) are printed again at the end as one
// table, measure / Keyrite / reference / ratio, with the machine's load before and after.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Goal, load } from './side-by-side.js';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** What the figure should be read next to, e.g. "SHA-256 alone: 1.2 s". */
  note?: string;
}

type Result = Figure | Goal;
type BenchModule = { run?: () => Promise<Result[] | void> | Result[] | void };

const isGoal = (r: Result): r is Goal => 'measure' in r;

function goalTable(goals: readonly Goal[]): string {
  const rows = goals.map((g) => [
    g.measure,
    g.keyrite,
    g.reference,
    g.ratio,
    g.goal ? `${g.goal}: ${g.met ? 'met' : 'NOT met'}` : '',
  ]);
  const head = ['measure', 'Keyrite', 'reference', 'ratio', 'goal'];
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function format(f: Figure): string {
  const v = Number.isInteger(f.value)
    ? f.value.toLocaleString('en-US')
    : f.value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return `  ${f.name.padEnd(58)} ${v.padStart(14)} ${f.unit}${f.note ? `   (${f.note})` : ''}`;
}

async function main(): Promise<number> {
  const dir = __dirname;
  const filters = process.argv.slice(2);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  if (files.length === 0) {
    console.error(`bench: no benchmark matches ${filters.join(' ') || '*.bench.ts'}`);
    return 1;
  }
  let failed = 0;
  const goals: Goal[] = [];
  const loadBefore = load();
  for (const file of files) {
    console.log(`\n${file}`);
    const started = process.hrtime.bigint();
    try {
      const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as BenchModule & {
        default?: BenchModule;
      };
      const run = mod.run ?? mod.default?.run;
      if (typeof run !== 'function') throw new Error('exports no run()');
      const figures = await run();
      for (const f of figures ?? []) {
        if (isGoal(f)) {
          goals.push(f);
          console.log(`  ${f.measure}: ${f.keyrite} vs ${f.reference} = ${f.ratio}`);
        } else console.log(format(f));
      }
    } catch (e) {
      failed += 1;
      console.error(`  FAILED: ${e instanceof Error ? e.message : String(e)}`);
    }
    console.log(`  (${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s)`);
  }
  if (goals.length > 0) {
    console.log(
      `\nGoals, Keyrite next to a reference measured in the same run (medians of interleaved runs):\n`,
    );
    console.log(goalTable(goals));
    console.log(`\nload average (1, 5, 15 min) before: ${loadBefore}; after: ${load()}`);
  }
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

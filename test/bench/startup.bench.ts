// Start-up of the built CLI as a person runs it (node src-main/cli/keyrite.cjs, what `keyrite` on the
// PATH runs) next to `node -e 0`, interleaved. KEYRITE_BENCH_STARTS sets the rounds (default 15).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type Goal,
  LAUNCHER,
  assertCliBuilt,
  interleave,
  median,
  mustSucceed,
  secs,
  timed,
} from './side-by-side.js';

const ROUNDS = Number(process.env['KEYRITE_BENCH_STARTS'] ?? 15);

export async function run(): Promise<Goal[]> {
  assertCliBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-bench-start-'));
  const start = (what: string, args: string[]) => async () =>
    mustSucceed(what, await timed(process.execPath, args, { cwd: dir, cpu: false })).seconds;
  try {
    const [bare, help, wrap] = await interleave(ROUNDS, [
      start('node -e 0', ['-e', '0']),
      start('keyrite --help', [LAUNCHER, '--help']),
      start('keyrite wrap --help', [LAUNCHER, 'wrap', '--help']),
    ]);
    const n = median(bare as number[]);
    const row = (measure: string, xs: number[]): Goal => {
      const k = median(xs);
      return {
        measure,
        keyrite: secs(k),
        reference: `${secs(n)} (node -e 0)`,
        ratio: `${(k / n).toFixed(2)}x`,
        goal: '<= 2x',
        met: k / n <= 2,
      };
    };
    return [
      row('start-up: keyrite --help', help as number[]),
      row('start-up: keyrite wrap (its --help: loads the wrap command)', wrap as number[]),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

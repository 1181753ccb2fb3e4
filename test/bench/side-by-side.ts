// Shared by the benchmarks that compare Keyrite with a reference measured in the same run: interleaved
// sampling (so load from other work on the machine hits both sides alike), medians, and the goal row
// `npm run bench` prints as measure / Keyrite / reference / ratio.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';

/** One goal of issue 17: Keyrite next to its reference, measured side by side in one run. */
export interface Goal {
  measure: string;
  keyrite: string;
  reference: string;
  /** Keyrite / reference, or how many times faster, as the goal states it. */
  ratio: string;
  /** The goal as the issue states it, and whether this run met it. */
  goal?: string;
  met?: boolean;
}

export const ROOT = path.resolve(__dirname, '..', '..');
export const LAUNCHER = path.join(ROOT, 'src-main', 'cli', 'keyrite.cjs');

export function assertCliBuilt(): void {
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.cjs')))
    throw new Error('the CLI is not built: run `node src-main/build/build.mjs main` (npm run bench does)');
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Runs every sampler `rounds` times, interleaved, reversing the order each round (A B C, C B A, …) so
 * neither side always runs first after a pause. Returns the samples per sampler.
 */
export async function interleave(
  rounds: number,
  samplers: ReadonlyArray<() => Promise<number>>,
): Promise<number[][]> {
  const out = samplers.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    const order = samplers.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) out[i]!.push(await samplers[i]!());
  }
  return out;
}

export const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export const secs = (s: number): string => (s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`);

export interface Spawned {
  code: number | null;
  seconds: number;
  stdout: string;
  stderr: string;
  /** Peak resident set of the child in bytes, when it was started with the RSS probe. */
  maxRss?: number;
  /**
   * CPU seconds (user + system) of the child and everything it waited for, plus this process's own CPU
   * over the same time (the emulator the benchmark serves runs here): steadier than wall time on a
   * machine shared with other work.
   */
  cpu: number;
}

const RSS_PROBE = path.join(__dirname, 'rss-probe.cjs');
let spawned = 0;

/** Spawns a process and times it from spawn to exit (wall clock). `rss`: report the child's peak RSS. */
export function timed(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; rss?: string; cpu?: boolean } = {},
): Promise<Spawned> {
  const env = { ...(opts.env ?? process.env) };
  let argv = [...args];
  if (opts.rss) {
    env['KEYRITE_BENCH_RSS_FILE'] = opts.rss;
    argv = ['--require', RSS_PROBE, ...argv];
  }
  // bash's `times` prints the CPU of the children it waited for (the command and all its descendants).
  // (Start-up measures pass cpu: false: the wrapping shell would add its own start to both sides.)
  const timesFile = path.join(tmpdir(), `keyrite-bench-${process.pid}-${++spawned}.times`);
  env['KEYRITE_BENCH_TIMES'] = timesFile;
  const [exe, wrapped] =
    opts.cpu === false
      ? [cmd, argv]
      : ['/bin/bash', ['-c', '"$@"; rc=$?; times >"$KEYRITE_BENCH_TIMES"; exit $rc', 'bench', cmd, ...argv]];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const ownCpu = process.cpuUsage();
    const child = spawn(exe, wrapped, {
      cwd: opts.cwd ?? ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const own = process.cpuUsage(ownCpu);
      const cpu = childCpu(timesFile) + (own.user + own.system) / 1e6;
      const r: Spawned = { code, seconds, stdout, stderr, cpu };
      if (opts.rss && existsSync(opts.rss)) {
        r.maxRss = Number(readFileSync(opts.rss, 'utf8'));
        rmSync(opts.rss, { force: true });
      }
      resolve(r);
    });
  });
}

/** Children's user + system seconds from bash's `times` output (second line: "0m1.234s 0m0.567s"). */
function childCpu(file: string): number {
  if (!existsSync(file)) return NaN;
  const line = readFileSync(file, 'utf8').split('\n')[1] ?? '';
  rmSync(file, { force: true });
  let total = 0;
  for (const m of line.matchAll(/(\d+)m([\d.]+)s/g)) total += Number(m[1]) * 60 + Number(m[2]);
  return total;
}

/** Fails the benchmark loudly when a measured run did not do its job (a fast failure is not a result). */
export function mustSucceed(what: string, r: Spawned): Spawned {
  if (r.code !== 0)
    throw new Error(`${what} exited ${r.code}:\n${(r.stderr || r.stdout).split('\n').slice(-12).join('\n')}`);
  return r;
}

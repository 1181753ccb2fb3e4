import { writeFileSync } from 'node:fs';

export type CoreDumpProtection = 'filtered' | 'os-default' | 'failed';

/**
 * Keeps secret-holding memory out of core dumps where the OS lets an unprivileged process say so.
 *
 * Node and Electron have no setrlimit/prctl, but Linux lets a process write its own
 * /proc/self/coredump_filter: 0 excludes every anonymous and file-backed mapping — the V8 heap and
 * the Buffers that hold key material — from any core file, and children inherit it. macOS writes no
 * core files unless `ulimit -c` is raised, and Windows reports crashes through WER minidumps that do
 * not include the heap by default, so there the OS default stands.
 */
export function restrictCoreDumps(
  platform: NodeJS.Platform = process.platform,
  write: (file: string, data: string) => void = (f, d) => writeFileSync(f, d),
): CoreDumpProtection {
  if (platform !== 'linux') return 'os-default';
  try {
    write('/proc/self/coredump_filter', '0');
    return 'filtered';
  } catch {
    // A hardened kernel or container may refuse the write; the app still runs, and the caller logs it.
    return 'failed';
  }
}

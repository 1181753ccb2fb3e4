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
  return restrictProcessCoreDumps('self', platform, write);
}

/**
 * The same for another process of this user: the Electron main process applies it to its renderer
 * (and other child) processes, which hold what people type until it is sent. Linux lets a process
 * write the filter of a process it may ptrace-read, which includes its own children.
 */
export function restrictProcessCoreDumps(
  pid: number | 'self',
  platform: NodeJS.Platform = process.platform,
  write: (file: string, data: string) => void = (f, d) => writeFileSync(f, d),
): CoreDumpProtection {
  if (platform !== 'linux') return 'os-default';
  if (pid !== 'self' && !(Number.isSafeInteger(pid) && pid > 0)) return 'failed';
  try {
    write(`/proc/${pid}/coredump_filter`, '0');
    return 'filtered';
  } catch {
    // A hardened kernel or container may refuse the write; the app still runs, and the caller logs it.
    return 'failed';
  }
}

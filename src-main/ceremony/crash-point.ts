import { diskFullPoint } from './disk-full-point.js';

/**
 * Test hook for crash-safety tests: KEYRITE_CRASH_AT=<point> kills this process with SIGKILL when the
 * engine reaches that point, so recovery is tested against a real, abrupt death. Honoured only when
 * KEYRITE_TEST=1, so a stray variable in production cannot abort a ceremony. The same points serve the
 * disk-fault campaign (disk-full-point.ts).
 */
export function crashPoint(point: string): void {
  if (process.env['KEYRITE_TEST'] !== '1') return;
  diskFullPoint(point);
  if (process.env['KEYRITE_CRASH_AT'] !== point) return;
  process.kill(process.pid, 'SIGKILL');
}

/**
 * Test hook: crash tests run the real CLI in a child process, where no option can be passed in code;
 * KEYRITE_TEST_SCRYPT_LOG2N lowers the scrypt cost there. Ignored unless KEYRITE_TEST=1.
 */
export function testScryptCost(): { N: number; r: number; p: number } | undefined {
  if (process.env['KEYRITE_TEST'] !== '1') return undefined;
  const log2n = Number(process.env['KEYRITE_TEST_SCRYPT_LOG2N']);
  return Number.isInteger(log2n) && log2n >= 4 && log2n <= 20 ? { N: 2 ** log2n, r: 8, p: 1 } : undefined;
}

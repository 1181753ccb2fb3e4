/**
 * Test hook for crash-safety tests: KEYRITE_CRASH_AT=<point> kills this process with SIGKILL when the
 * engine reaches that point, so recovery is tested against a real, abrupt death. Honoured only when
 * KEYRITE_TEST=1, so a stray variable in production cannot abort a ceremony.
 */
export function crashPoint(point: string): void {
  if (process.env['KEYRITE_TEST'] !== '1') return;
  if (process.env['KEYRITE_CRASH_AT'] !== point) return;
  process.kill(process.pid, 'SIGKILL');
}

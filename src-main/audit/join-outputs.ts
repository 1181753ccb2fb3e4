import type { StationSide } from './join-logs.js';

/** What both logs must say alike about one output for another cloud (`wrap.output`). */
const SAME = [
  'cloud',
  'bytes',
  'outputDigest',
  'wrappingKeyFingerprint',
  'method',
  'destination',
  'command',
] as const;

/**
 * The outputs for other clouds across a split ceremony: the online station shows (hand-over, report)
 * the records the response carried "as logged on the offline station", so each must be the offline
 * log's own record, relayed from the offline station's key, and — once the online station accepted a
 * response — none of the offline log's outputs may be missing from it.
 */
export function outputProblems(online: StationSide, offline: StationSide): string[] {
  const problems: string[] = [];
  const logged = new Map(offline.outputs.map((o) => [String(o['file']), o]));
  const relayed = online.outputs.filter((o) => o['offlineStationFingerprint'] !== undefined);
  for (const r of relayed) {
    const file = String(r['file']);
    const o = logged.get(file);
    if (!o) {
      problems.push(
        `output ${file}: the online station shows it as logged offline, but the offline log has no such output`,
      );
      continue;
    }
    const differ = SAME.filter((k) => r[k] !== o[k]);
    if (differ.length > 0)
      problems.push(
        `output ${file}: the online station's record differs from the offline log's in ${differ.join(', ')}`,
      );
    if (!offline.fingerprints.includes(String(r['offlineStationFingerprint'])))
      problems.push(
        `output ${file}: the online station relayed it from station ${String(r['offlineStationFingerprint'])}, which does not sign the offline log`,
      );
  }
  if (online.accepted.some((a) => a.kind === 'response'))
    for (const file of logged.keys())
      if (!relayed.some((r) => r['file'] === file))
        problems.push(
          `output ${file}: logged on the offline station, but missing from the online station's records of the response`,
        );
  return problems;
}

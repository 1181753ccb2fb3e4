/**
 * A multi-Region ceremony's replicas as one public fact (`replicaKeys`), so the custodians who confirm
 * the import see every region and ARN, each replica's wrapping key and the blob wrapped for it:
 * `<region> <ARN>[ wrapping key <fingerprint>][ wrapped <digest>]`, entries separated by `; `.
 */
export interface ReplicaKey {
  region: string;
  arn: string;
  wrappingKeyFingerprint?: string;
  wrappedKeyDigest?: string;
}

export function formatReplicaKeys(keys: readonly ReplicaKey[]): string {
  return keys
    .map(
      (k) =>
        `${k.region} ${k.arn}` +
        (k.wrappingKeyFingerprint ? ` wrapping key ${k.wrappingKeyFingerprint}` : '') +
        (k.wrappedKeyDigest ? ` wrapped ${k.wrappedKeyDigest}` : ''),
    )
    .join('; ');
}

const ENTRY =
  /^(?<region>[a-z]{2}(?:-[a-z]+)+-\d) (?<arn>arn:[^ ;]+)(?: wrapping key (?<fp>[0-9a-f]{64}))?(?: wrapped (?<wd>[0-9a-f]{64}))?$/;

/** Reads the fact back; an entry not in the written shape is an error (the log's facts are schema-checked). */
export function parseReplicaKeys(fact: string | undefined): ReplicaKey[] {
  if (fact === undefined || fact === '') return [];
  return fact.split('; ').map((entry) => {
    const g = ENTRY.exec(entry)?.groups;
    if (!g?.['region'] || !g['arn']) throw new Error(`not a replica key entry: ${entry.slice(0, 120)}`);
    return {
      region: g['region'],
      arn: g['arn'],
      ...(g['fp'] ? { wrappingKeyFingerprint: g['fp'] } : {}),
      ...(g['wd'] ? { wrappedKeyDigest: g['wd'] } : {}),
    };
  });
}

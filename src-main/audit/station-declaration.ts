import { sign } from 'node:crypto';
import { KeyriteError } from '../../src-shared/errors.js';
import { publicKeyToBase64, stationIdOf } from '../../src-shared/audit/keys.js';
import { stationIntroductionDigest } from '../../src-shared/audit/station-chain.js';
import { spkiFingerprint } from '../../src-shared/digests.js';
import type { StationKey } from './station-key.js';

/**
 * The `station.key` payload this station must append before it writes to a log, or undefined when it
 * is already the log's station. A log belongs to one station at a time (see station-chain.ts): a
 * different station may take it over only with the current station's key, which signs the
 * introduction; otherwise the log is refused, naming both stations.
 */
export function stationDeclaration(input: {
  dbPath: string;
  currentStationId: string | undefined;
  headHash: string;
  key: StationKey;
  previous?: StationKey | undefined;
}): Record<string, unknown> | undefined {
  const publicKey = publicKeyToBase64(input.key.publicKey);
  const stationId = stationIdOf(publicKey);
  const base = { stationId, publicKey, algorithm: 'ed25519' };
  const current = input.currentStationId;
  if (current === undefined) return base;
  if (current === stationId) return undefined;
  const prevPublic = input.previous ? publicKeyToBase64(input.previous.publicKey) : undefined;
  if (!input.previous || prevPublic === undefined || stationIdOf(prevPublic) !== current)
    throw new KeyriteError(
      'AUDIT_STATION_MISMATCH',
      `${input.dbPath} belongs to station ${current}, not to this station ${stationId} (fingerprint ${spkiFingerprint(publicKey)})`,
      'open it with the station key that wrote it (--station-key); a station takes over a log only when the old station key introduces it',
    );
  const digest = stationIntroductionDigest({
    stationId,
    publicKey,
    previousStationId: current,
    prevHash: input.headHash,
  });
  const signature = sign(null, digest, input.previous.privateKey).toString('base64');
  return { ...base, introduction: { stationId: current, signature } };
}

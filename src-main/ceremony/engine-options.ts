import type { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { ephemeralStationKey, type StationKey } from '../audit/station-key.js';
import type { MaterialSource } from '../secrets/material-source.js';
import type { ScryptCost } from '../secrets/passphrase-seal.js';

/** Supplies a custodian's split-knowledge component (typed at the station, or generated in a rehearsal). */
export type ComponentSource = (custodianId: string, length: number) => Promise<SecretBuffer>;

/** Something only one custodian may see (their component's KCV); the front end decides how to show it. */
export type PrivateNotice = (custodianId: string, message: string) => void;

/** What a front end may choose about the engine; everything else comes from the plan. */
export interface EngineOptions {
  clock?: () => Date;
  /** scrypt cost for new enrollments; lower only in tests, explicitly. */
  scryptCost?: ScryptCost;
  materialSource?: MaterialSource;
  componentSource?: ComponentSource;
  privateNotice?: PrivateNotice;
  /** How long a confirmation request stays valid. */
  confirmationTtlMs?: number;
  /**
   * The station's Ed25519 key, unsealed by the front end (station passphrase, OS keystore), which signs
   * every ceremony log this station writes; a function when it is unsealed on first use. Default: a key
   * that lives only in this process (a rehearsal that will not be resumed).
   */
  stationKey?: StationKey | (() => StationKey);
}

export type EngineSettings = Required<Pick<EngineOptions, 'clock' | 'confirmationTtlMs'>> & EngineOptions;

const DEFAULT_TTL_MS = 15 * 60 * 1000;

export function withDefaults(o: EngineOptions = {}): EngineSettings {
  return {
    ...o,
    clock: o.clock ?? (() => new Date()),
    confirmationTtlMs: o.confirmationTtlMs ?? DEFAULT_TTL_MS,
  };
}

/** The key that signs this station's log (and, in a split ceremony, its bundles): given, or one-time. */
export function auditOptions(s: EngineSettings): { clock: () => Date; stationKey: StationKey } {
  const stationKey = typeof s.stationKey === 'function' ? s.stationKey() : s.stationKey;
  return { clock: s.clock, stationKey: stationKey ?? ephemeralStationKey() };
}

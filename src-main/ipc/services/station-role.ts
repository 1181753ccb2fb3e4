import { KeyriteError, isKeyriteError } from '../../../src-shared/errors.js';
import type { ResponseOf } from '../../../src-shared/ipc/index.js';
import type { STATION_ROLES } from '../../../src-shared/ipc/station-contract.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import type { KeyriteServices } from '../services.js';
import type { StationFacts } from './app-service.js';
import type { CeremonyHost } from './ceremony-host.js';

/** Single station (one room, one log), or one of the two stations of an air-gapped ceremony. */
export type StationRoleChoice = (typeof STATION_ROLES)[number];

/** A split plan runs on an online and an offline station; a one-station plan on a single station. */
export function refuseRoleForPlan(role: StationRoleChoice, split: boolean): void {
  if (split && role === 'single')
    throw new KeyriteError(
      'PLAN_IS_SPLIT',
      'This plan splits the ceremony between an online and an offline station (stations: split).',
      'Choose the online or the offline role for this station, then load the plan again.',
    );
  if (!split && role !== 'single')
    throw new KeyriteError(
      'PLAN_NOT_SPLIT',
      `This plan runs on one station, but this station was chosen as the ${role} station.`,
      'Choose the single-station role, or load the plan the two rooms reviewed for an air-gapped ceremony.',
    );
}

/**
 * The station's role, chosen at the start, and its own key fingerprint (hex and words): the other room
 * compares it aloud and pins it when it reads this station's first bundle.
 */
export function stationOps(
  host: CeremonyHost,
  stationKey: () => Promise<StationFacts>,
): Pick<KeyriteServices, 'station.role' | 'station.chooseRole'> {
  const view = async (): Promise<ResponseOf<'station.role'>> => {
    let station: ResponseOf<'station.role'>['station'];
    let stationProblem: string | undefined;
    try {
      const fp = (await stationKey()).stationKeyFingerprint;
      if (fp) station = { hex: fp, words: toWords(fp) };
    } catch (e) {
      stationProblem = isKeyriteError(e)
        ? `${e.message} (${e.code})`.slice(0, 512)
        : 'the station key is unavailable';
    }
    return {
      role: host.role,
      locked: host.roleLocked,
      ...(station ? { station } : {}),
      ...(stationProblem ? { stationProblem } : {}),
    };
  };
  return {
    'station.role': view,
    'station.chooseRole': async ({ role }) => {
      host.chooseRole(role);
      return view();
    },
  };
}

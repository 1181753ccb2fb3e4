import { createContext, useContext, useEffect, useState } from 'react';
import type { ResponseOf } from '../../src-shared/ipc/contract.js';
import { api, unwrap } from './client.js';

export type StationInfo = ResponseOf<'app.info'>;

/** The station's facts, read once at start: every screen needs to know whether this is a rehearsal. */
export const StationContext = createContext<StationInfo | undefined>(undefined);

export function useStation(): StationInfo | undefined {
  return useContext(StationContext);
}

export function useStationInfo(): StationInfo | undefined {
  const [info, setInfo] = useState<StationInfo>();
  useEffect(() => {
    let live = true;
    // A failure shows on the station screen itself; here it only means no rehearsal marking yet.
    unwrap(api().app.info({}))
      .then((i) => live && setInfo(i))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return info;
}

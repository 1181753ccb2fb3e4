import type { KeyriteServices } from '../services.js';
import type { ShellPorts } from '../shell-ports.js';

export interface StationFacts {
  stationId: string;
  stationKeyFingerprint?: string;
}

export function appService(
  ports: ShellPorts,
  station: () => Promise<StationFacts>,
): Pick<KeyriteServices, 'app.info' | 'app.openWitnessDisplay'> {
  return {
    'app.info': async () => {
      const s = await station();
      return {
        name: 'Keyrite',
        version: ports.version,
        stationId: s.stationId,
        ...(s.stationKeyFingerprint ? { stationKeyFingerprint: s.stationKeyFingerprint } : {}),
        mode: ports.mode,
        dataDirectory: ports.dataDirectory,
      };
    },
    'app.openWitnessDisplay': async () => {
      await ports.openWitnessDisplay();
      return { opened: true };
    },
  };
}

import { loadOrCreateStationKey } from '../audit/station-key.js';
import type { EngineOptions } from '../ceremony/runtime.js';
import { stationIdOf } from '../../src-shared/audit/keys.js';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { KeyriteServices } from './services.js';
import type { ShellPorts } from './shell-ports.js';
import { appService } from './services/app-service.js';
import { auditService } from './services/audit-service.js';
import { CeremonyHost } from './services/ceremony-host.js';
import { ceremonyOps } from './services/ceremony-ops.js';
import { Emulators } from './services/emulators.js';
import { kmsService } from './services/kms-service.js';
import { paramsService } from './services/params-service.js';
import { passphraseService } from './services/passphrase-service.js';

/**
 * The one composition of the services behind the IPC contract, used by main.ts and by the e2e
 * harness: what the harness tests is what the app runs. Returns a close function for shutdown.
 */
export async function composeServices(
  ports: ShellPorts,
  engine: EngineOptions = {},
): Promise<{ services: KeyriteServices; close(): Promise<void> }> {
  const clock = engine.clock ?? (() => new Date());
  await mkdir(ports.dataDirectory, { recursive: true, mode: 0o700 });
  // Rehearsal keys persist beside the ceremonies, so a reopened rehearsal finds its key again.
  const emulators = new Emulators(ports.dataDirectory);
  // One station key for every ceremony this app runs: the same identity app.info shows.
  const stationKeyPath = path.join(ports.dataDirectory, 'station-ed25519.key');
  const host = new CeremonyHost(ports, emulators, { stationKeyPath, ...engine });
  await host.resumeLatest();

  const station = async () => {
    // The station's identity key, created on first run; its id is derived as the audit log derives it.
    const key = loadOrCreateStationKey(stationKeyPath);
    const spki = key.publicKey.export({ format: 'der', type: 'spki' });
    return {
      stationId: stationIdOf(spki.toString('base64')),
      stationKeyFingerprint: createHash('sha256').update(spki).digest('hex'),
    };
  };

  const services: KeyriteServices = {
    ...appService(ports, station),
    ...paramsService(ports, clock),
    ...auditService(host),
    ...kmsService(ports, emulators),
    ...ceremonyOps(host),
    ...passphraseService(() => host.current?.ceremonyId),
  };
  return {
    services,
    close: async () => {
      host.close();
      await emulators.close();
    },
  };
}

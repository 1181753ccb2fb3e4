import { type StationKey, fingerprintOf, openStationKey } from '../audit/station-key.js';
import type { OsKeystore } from '../audit/keystore-seal.js';
import type { EngineOptions } from '../ceremony/engine-options.js';
import { publicKeyToBase64, stationIdOf } from '../../src-shared/audit/keys.js';
import { isKeyriteError } from '../../src-shared/errors.js';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { KeyriteServices } from './services.js';
import type { ShellPorts } from './shell-ports.js';
import { appService } from './services/app-service.js';
import { auditService } from './services/audit-service.js';
import { auditorService } from './services/auditor-service.js';
import { CeremonyHost } from './services/ceremony-host.js';
import { ceremonyOps } from './services/ceremony-ops.js';
import { Emulators } from './services/emulators.js';
import { kmsService } from './services/kms-service.js';
import { paramsService } from './services/params-service.js';
import { passphraseService } from './services/passphrase-service.js';
import { reportOps } from './services/report-ops.js';
import { shareMediaOps } from './services/share-media.js';
import { bundleOps } from './services/bundle-ops.js';
import { consoleOps } from './services/console-ops.js';
import { stationOps } from './services/station-role.js';

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
  // One station key for every ceremony this app runs (the identity app.info shows), sealed at rest by
  // the OS keystore. Without a usable keystore the app still starts; what needs the key says why not.
  const stationKey = await unlockStationKey(
    path.join(ports.dataDirectory, 'station-ed25519.key'),
    ports.keystore ?? noKeystore,
  );
  const host = new CeremonyHost(ports, emulators, { stationKey, ...engine });
  await host.resumeLatest();

  const station = async () => {
    const key = typeof stationKey === 'function' ? stationKey() : stationKey;
    return {
      stationId: stationIdOf(publicKeyToBase64(key.publicKey)),
      stationKeyFingerprint: fingerprintOf(key),
    };
  };

  const services: KeyriteServices = {
    ...appService(ports, station),
    ...paramsService(ports, clock),
    ...auditService(host),
    ...auditorService(ports, clock),
    ...kmsService(ports, emulators, host),
    ...ceremonyOps(host),
    ...reportOps(host, ports),
    ...shareMediaOps(host, ports),
    ...stationOps(host, station),
    ...bundleOps(host, ports),
    ...consoleOps(host, ports),
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

const noKeystore: OsKeystore = {
  unavailable: () => 'this host offers no OS keystore to Keyrite',
  encrypt: () => {
    throw new Error('no keystore');
  },
  decrypt: () => {
    throw new Error('no keystore');
  },
};

/** The unsealed station key, or a function that throws why it cannot be had (shown where it is needed). */
async function unlockStationKey(file: string, keystore: OsKeystore): Promise<StationKey | (() => never)> {
  try {
    return (await openStationKey(file, { kind: 'keystore', keystore })).key;
  } catch (e) {
    if (!isKeyriteError(e)) throw e;
    return () => {
      throw e;
    };
  }
}

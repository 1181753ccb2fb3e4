import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { validatePlan } from '../../src-shared/ceremony/plan.js';
import { PROVIDERS } from '../../src-shared/ceremony/providers.js';
import { ephemeralStationKey } from '../audit/station-key.js';
import type { RunningEmulator } from '../emulator/index.js';
import { rehearsalKmsSource } from './rehearsal-kms.js';
import { OFFLINE_KMS_PORT } from '../kms/offline-kms-port.js';
import type { EngineOptions } from '../ceremony/engine-options.js';
import { runStationHalf, type HalfOptions } from '../airgap/station-half.js';
import { passphraseHolders, RehearsalCustodians } from './rehearsal-custodians.js';
import { assertEmptyDir } from './empty-dir.js';

export interface AirGappedRehearsalOptions {
  out: string;
  planDoc: unknown;
  planBase: string;
  endpoint?: string;
  engine?: EngineOptions;
  say: (line: string) => void;
}

export interface AirGappedRehearsalResult {
  ceremonyId: string;
  onlineStation: string;
  offlineStation: string;
  /** What the cloud calls the key's full name: key ARN (AWS), key URN (Huawei Cloud). */
  keyName: string;
  keyArn: string;
  checkValue: string;
  keyState: string;
}

/**
 * Both halves of a split ceremony in one run: the online station (against the emulator) in
 * DIR/online, the offline station (no KMS port at all) in DIR/offline, the bundles passing through
 * DIR/media as they would on a USB stick. Each station has its own one-time station key and its own
 * log; the rehearsal custodians enroll offline and confirm the import online with the same passphrases.
 */
export async function runAirGappedRehearsal(o: AirGappedRehearsalOptions): Promise<AirGappedRehearsalResult> {
  // The rehearsal splits whatever plan it is given (the digest then covers `stations: split`).
  const planDoc = { ...(o.planDoc as Record<string, unknown>), stations: 'split' };
  const { plan } = validatePlan(planDoc);
  assertEmptyDir(o.out);
  const dirs = {
    online: path.join(o.out, 'online'),
    offline: path.join(o.out, 'offline'),
    media: path.join(o.out, 'media'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: 0o700 });
  const people = RehearsalCustodians.generate(passphraseHolders(plan));
  const keys = { online: ephemeralStationKey(), offline: ephemeralStationKey() };
  let emulator: RunningEmulator | undefined;
  try {
    // The plan's own cloud (AWS or Huawei), as a one-station rehearsal gets it; only the online station
    // connects, afresh for each of its halves (a half's end closes its port).
    const cloud = await rehearsalKmsSource(plan, o.endpoint);
    emulator = cloud.emulator;
    const engine: EngineOptions = {
      componentSource: async (_id, length) => SecretBuffer.adopt(randomBytes(length)),
      ...o.engine,
    };
    const common = {
      planDoc,
      planBase: o.planBase,
      media: dirs.media,
      people: { passphrase: async (id: string) => people.passphrase(id), say: o.say },
      signOff: async () => true,
    };
    const online = (): HalfOptions => ({
      ...common,
      role: 'online',
      dir: dirs.online,
      kms: cloud.connect(),
      engine: { ...engine, stationKey: keys.online },
    });
    o.say('— online station —');
    const first = await runStationHalf(online());
    o.say('— offline station (no KMS, no network) —');
    const offline = await runStationHalf({
      ...common,
      role: 'offline',
      dir: dirs.offline,
      kms: OFFLINE_KMS_PORT,
      peerStation: first.svc.stationFingerprint,
      engine: { ...engine, stationKey: keys.offline },
    });
    o.say('— online station —');
    const last = await runStationHalf({ ...online(), peerStation: offline.svc.stationFingerprint });
    return {
      ceremonyId: last.svc.ceremonyId,
      onlineStation: last.svc.stationFingerprint,
      offlineStation: offline.svc.stationFingerprint,
      keyName: PROVIDERS[plan.target.provider].keyName,
      keyArn: last.facts['keyArn'] ?? '',
      checkValue: last.facts['kcv'] ?? last.facts['publicKeyFingerprint'] ?? '',
      keyState: last.facts['keyState'] ?? '',
    };
  } finally {
    people.wipe();
    await emulator?.close();
  }
}

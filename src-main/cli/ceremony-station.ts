import { statSync } from 'node:fs';
import path from 'node:path';
import { normalizeFingerprint } from '../../src-shared/audit/station-chain.js';
import { PROVIDERS } from '../../src-shared/ceremony/providers.js';
import { validatePlan } from '../../src-shared/ceremony/plan.js';
import { KeyriteError } from '../../src-shared/errors.js';
import type { StationRole } from '../../src-shared/ceremony/stations.js';
import { runStationHalf } from '../airgap/station-half.js';
import type { CeremonyPeople } from '../ceremony/ceremony-driver.js';
import type { EngineOptions } from '../ceremony/engine-options.js';
import type { KmsPort } from '../kms/kms-port.js';
import { OFFLINE_KMS_PORT } from '../kms/offline-kms-port.js';
import type { CliIO } from './io.js';

export interface StationRunArgs {
  io: CliIO;
  out: string;
  role: string;
  media: string | undefined;
  peer: string | undefined;
  /** Offline only: the AWS console's ImportParameters.zip or the CLI's JSON, as the request. */
  consoleRequest: string | undefined;
  planDoc: unknown;
  planBase: string;
  options: EngineOptions;
  people: CeremonyPeople;
  signOff: (witnessId: string) => Promise<boolean>;
  /** Loads the KMS client for the online station only: the offline station never loads the SDK. */
  kms: () => Promise<KmsPort>;
}

function roleOf(s: string): StationRole {
  if (s === 'online' || s === 'offline') return s;
  throw new KeyriteError(
    'CLI_USAGE',
    `--station ${s.slice(0, 20)} is not a station`,
    'usage: --station online or --station offline',
  );
}

function mediaDir(media: string | undefined): string {
  if (!media)
    throw new KeyriteError(
      'CLI_USAGE',
      'a split ceremony needs --media DIR',
      'give the mounted removable medium (or any folder you carry across) with --media',
    );
  const dir = path.resolve(media);
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok)
    throw new KeyriteError(
      'MEDIA_NOT_FOUND',
      `the medium ${dir} is not a mounted directory`,
      'mount the medium and give its directory',
    );
  return dir;
}

/**
 * `keyrite ceremony run --station online|offline --media DIR`: one station's half of a split ceremony.
 * It runs as far as this station can go and says when to carry the medium across; run it again with
 * --resume when the other station's bundle is on the medium.
 */
export async function runStation(a: StationRunArgs): Promise<number> {
  const role = roleOf(a.role);
  const media = mediaDir(a.media);
  const peer = a.peer === undefined ? undefined : normalizeFingerprint(a.peer);
  if (a.peer !== undefined && !peer)
    throw new KeyriteError(
      'CLI_USAGE',
      `--peer-station ${a.peer.slice(0, 80)} is not a key fingerprint`,
      'give the 64 hex digits the other station shows',
    );
  if (a.consoleRequest !== undefined && (role !== 'offline' || a.peer !== undefined))
    throw new KeyriteError(
      'CLI_USAGE',
      role === 'offline'
        ? 'a console request has no station to pin: --peer-station does not apply'
        : '--console-request is for the offline station',
      'usage: keyrite ceremony run --plan FILE --out DIR --station offline --media DIR --console-request FILE',
    );
  const kms = role === 'online' ? await a.kms() : OFFLINE_KMS_PORT;
  const r = await runStationHalf({
    role,
    dir: a.out,
    planDoc: a.planDoc,
    planBase: a.planBase,
    kms,
    media,
    peerStation: peer,
    consoleRequest: a.consoleRequest === undefined ? undefined : path.resolve(a.consoleRequest),
    engine: a.options,
    people: a.people,
    signOff: a.signOff,
  });
  const io = a.io;
  io.out('');
  if (r.state === 'carry') {
    io.out(
      role === 'online'
        ? 'CARRY the medium to the offline station. When its response bundle is on the medium, run this again with --resume.'
        : 'CARRY the medium to the online station.',
    );
    return 0;
  }
  if (role === 'offline') {
    io.out(
      a.consoleRequest !== undefined
        ? 'offline half complete: CARRY the medium to where the AWS console or CLI runs and upload as printed.'
        : 'offline half complete: CARRY the medium with the response bundle to the online station.',
    );
    return 0;
  }
  const f = r.facts;
  io.out(
    `${`${PROVIDERS[validatePlan(a.planDoc).plan.target.provider].keyName}:`.padEnd(13)}${f['keyArn'] ?? ''}`,
  );
  io.out(
    `check value: ${f['kcv'] ? `${f['kcv']} (${f['kcvWords'] ?? ''})` : (f['publicKeyFingerprint'] ?? '')}`,
  );
  io.out(`key state:   ${f['keyState'] ?? ''}`);
  io.out(`report:      ${path.join(a.out, 'report.html')}`);
  return 0;
}

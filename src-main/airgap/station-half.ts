import { existsSync } from 'node:fs';
import { KeyriteError, isKeyriteError } from '../../src-shared/errors.js';
import type { StationRole } from '../../src-shared/ceremony/stations.js';
import { toWords } from '../../src-shared/words/pgp-words.js';
import { CeremonyService } from '../ceremony/ceremony-service.js';
import { driveCeremony, type CeremonyPeople } from '../ceremony/ceremony-driver.js';
import { ceremonyPaths } from '../ceremony/ceremony-dir.js';
import type { EngineOptions } from '../ceremony/engine-options.js';
import type { KmsPort } from '../kms/kms-port.js';
import { listBundles, type BundleOnMedium } from '../media/bundle-dir.js';
import { sayConsoleRequest, sayConsoleResponse } from './console-words.js';

/** One station's half of a split ceremony, as the command line and the rehearsal run it. */
export interface HalfOptions {
  role: StationRole;
  /** This station's ceremony directory (its own audit.db). */
  dir: string;
  planDoc: unknown;
  planBase: string;
  /** The online station's KMS; the offline station is given OFFLINE_KMS_PORT. */
  kms: KmsPort;
  /** Where bundles are written and read: the mounted removable medium (or any folder chosen by hand). */
  media: string;
  /**
   * Offline only: the AWS console's ImportParameters.zip or the CLI's get-parameters-for-import JSON,
   * read as the request when the online half is the console (its response is the console's files).
   */
  consoleRequest?: string | undefined;
  /** The other station's fingerprint as people read it aloud; pins the first bundle read from it. */
  peerStation?: string | undefined;
  engine?: EngineOptions | undefined;
  people: CeremonyPeople;
  signOff: (witnessId: string) => Promise<boolean>;
}

export interface HalfResult {
  /** `carry`: a bundle was written (or is awaited) and the medium must cross; `closed`: this half is done. */
  state: 'carry' | 'closed';
  svc: { ceremonyId: string; stationFingerprint: string; peerStation: string | undefined };
  facts: Record<string, string | undefined>;
}

function requestToStart(media: string): BundleOnMedium {
  const requests = listBundles(media).filter((b) => b.kind === 'request');
  const ceremonies = new Set(requests.map((b) => b.ceremonyId));
  if (requests.length === 0)
    throw new KeyriteError(
      'BUNDLE_NONE_ON_MEDIUM',
      `no request bundle on ${media}`,
      'carry the medium from the online station after it wrote the request (keyrite-…-request-N)',
    );
  if (ceremonies.size > 1)
    throw new KeyriteError(
      'BUNDLE_AMBIGUOUS',
      `the medium holds requests of ${ceremonies.size} ceremonies`,
      'use a medium that holds only this ceremony’s bundles',
    );
  return requests[0]!;
}

/** Opens this station's ceremony, or starts it (online: from the plan; offline: from the request). */
async function openHalf(o: HalfOptions): Promise<CeremonyService> {
  const base = { dir: o.dir, kms: o.kms, ...(o.engine ? { options: o.engine } : {}) };
  if (existsSync(ceremonyPaths(o.dir).auditDb)) {
    const open = CeremonyService.open({ ...base, planDoc: o.planDoc });
    if (o.role === 'online') return open;
    // The offline log may hold only refusals of requests read before its ceremony began: start it now.
    const started = await open.catch((e: unknown) => {
      if (isKeyriteError(e) && e.code === 'CEREMONY_NOT_STARTED') return null;
      throw e;
    });
    if (started) return started;
  }
  if (o.role === 'online')
    return CeremonyService.create({ ...base, planDoc: o.planDoc, planBase: o.planBase, station: 'online' });
  if (o.consoleRequest) {
    const started = await CeremonyService.createOfflineFromConsole({
      ...base,
      planDoc: o.planDoc,
      planBase: o.planBase,
      requestFile: o.consoleRequest,
    }).catch((e: unknown) => {
      if (isKeyriteError(e) && existsSync(ceremonyPaths(o.dir).auditDb))
        o.people.say(`the refusal is recorded in ${ceremonyPaths(o.dir).auditDb}; run again with --resume`);
      throw e;
    });
    sayConsoleRequest(o.people.say, started.request);
    return started.svc;
  }
  return CeremonyService.createOffline({
    ...base,
    planDoc: o.planDoc,
    planBase: o.planBase,
    requestDir: requestToStart(o.media).dir,
    ...(o.peerStation ? { peerStation: o.peerStation } : {}),
  }).catch((e: unknown) => {
    if (isKeyriteError(e) && existsSync(ceremonyPaths(o.dir).auditDb))
      o.people.say(
        `the refusal is recorded in ${ceremonyPaths(o.dir).auditDb}; put the right request on the medium and run again with --resume`,
      );
    throw e;
  });
}

/**
 * Runs this station's half as far as it can go: its own steps, then the bundle it owes the other
 * station (written, read back and synced: the medium may be carried), or the bundle it waits for
 * (read from the medium when it is there). Returns when the medium must cross, or when this half closed.
 */
export async function runStationHalf(o: HalfOptions): Promise<HalfResult> {
  const say = o.people.say;
  const svc = await openHalf(o);
  const result = (state: HalfResult['state']): HalfResult => ({
    state,
    svc: {
      ceremonyId: svc.ceremonyId,
      stationFingerprint: svc.stationFingerprint,
      peerStation: svc.peerStation,
    },
    facts: { ...svc.facts() },
  });
  try {
    say(`${o.role} station of ceremony ${svc.ceremonyId}`);
    say(`  this station:   ${svc.stationFingerprint}`);
    say(`         words:   ${toWords(svc.stationFingerprint)}`);
    if (svc.peerStation)
      say(`  pinned ${o.role === 'online' ? 'offline' : 'online'} station: ${svc.peerStation}`);
    for (const line of svc.recoveryAccount) say(`recovery: ${line}`);
    for (;;) {
      await driveCeremony(svc, o.people, { signOff: o.signOff });
      if (svc.closed) {
        svc.report();
        say(`${o.role} station closed`);
        return result('closed');
      }
      const due = svc.bundleDue();
      if (due === 'write-request' || due === 'write-response') {
        const w = await svc.writeBundle(o.media);
        if (w.commandLines) {
          sayConsoleResponse(say, w);
          continue;
        }
        say(`wrote the ${w.kind} bundle ${w.dir}`);
        say(`  bundle digest: ${w.bundleDigest}`);
        say(`         words:  ${w.bundleDigestWords}`);
        say('  the medium is synced: safe to remove.');
        say(`  carry it to the ${o.role === 'online' ? 'offline' : 'online'} station.`);
        if (o.role === 'online') return result('carry');
        continue;
      }
      if (due === 'read-request' && o.consoleRequest) {
        sayConsoleRequest(say, await svc.readConsoleRequest(o.consoleRequest));
        continue;
      }
      if (due === 'read-request' || due === 'read-response') {
        const kind = due === 'read-request' ? 'request' : 'response';
        const waiting = listBundles(o.media).find((b) => b.kind === kind && b.ceremonyId === svc.ceremonyId);
        if (!waiting) {
          say(`waiting for the ${kind} bundle: none for ceremony ${svc.ceremonyId} on ${o.media}`);
          return result('carry');
        }
        const b = await svc.readBundle(waiting.dir, o.peerStation);
        say(`read the ${b.kind} bundle number ${b.sequence}: valid`);
        say(`  written by station ${b.stationFingerprint}${b.pinned ? ' (now pinned)' : ''}`);
        say(`         words:  ${b.stationWords}`);
        say(`  bundle digest: ${b.bundleDigest}`);
        say(`         words:  ${b.bundleDigestWords}`);
        continue;
      }
      throw new Error(`station half stopped with ${svc.nextStep ?? 'no step'} and nothing due`);
    }
  } finally {
    try {
      svc.report();
    } catch {
      // the log is the record; a report failure must not hide the original error
    }
    svc.dispose();
  }
}

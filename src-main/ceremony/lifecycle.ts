import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../src-shared/errors.js';
import { isDigestOfPlan, validatePlan, type CeremonyPlan } from '../../src-shared/ceremony/plan.js';
import { assertPlanAcceptable } from '../../src-shared/ceremony/preflight.js';
import { isRecordOf, readRecord, type CeremonyRecord } from '../../src-shared/ceremony/records.js';
import { assertCompatible } from '../../src-shared/wrap/compat.js';
import { openAuditStore, type AuditStore } from '../audit/audit-store.js';
import type { StationKey } from '../audit/station-key.js';
import { isSplit, type StationRole } from '../../src-shared/ceremony/stations.js';
import { ceremonyPaths, type CeremonyPaths } from './ceremony-dir.js';
import { CeremonyLog } from './ceremony-log.js';
import type { CeremonyParts, CeremonySignals } from './ceremony-parts.js';
import { auditOptions, withDefaults, type EngineOptions, type EngineSettings } from './engine-options.js';
import { Journal } from './journal.js';
import type { KmsPort } from '../kms/kms-port.js';
import { Quorum } from './quorum.js';
import { PassphraseAttempts } from './passphrase-attempts.js';
import { reconcile } from './recovery.js';
import { SecretsInHand } from './secrets-in-hand.js';
import { applyStepEvent } from './step-runner.js';
import { crashPoint } from './crash-point.js';

/** An open ceremony and the audit store under it (closed by whoever opened it). */
export interface OpenCeremony {
  parts: CeremonyParts;
  store: AuditStore;
}

/** A split plan needs a station role, and a role needs a split plan. */
function assertRoleFits(plan: CeremonyPlan, role: StationRole | undefined): void {
  if (isSplit(plan) && role === undefined)
    throw new KeyriteError(
      'STATION_ROLE_MISSING',
      'this plan splits the ceremony across an online and an offline station',
      'say which station this is (keyrite ceremony run --station online|offline, or choose it in the app)',
    );
  if (!isSplit(plan) && role !== undefined)
    throw new KeyriteError(
      'PLAN_NOT_SPLIT',
      `this plan runs on one station; it has no ${role} half`,
      'run it without --station, or use a plan with stations: split',
    );
}

/** Wires the modules of one ceremony together: every record the journal writes or replays is folded. */
function assemble(a: {
  ceremonyId: string;
  plan: CeremonyPlan;
  digest: string;
  paths: CeremonyPaths;
  store: AuditStore;
  kms: KmsPort;
  settings: EngineSettings;
  planBase: string;
  signals: CeremonySignals;
  stationKey: StationKey;
  role: StationRole | undefined;
}): CeremonyParts {
  const journal = new Journal(a.store, a.ceremonyId);
  const log = new CeremonyLog({
    ceremonyId: a.ceremonyId,
    plan: a.plan,
    planDigest: a.digest,
    paths: a.paths,
    role: a.role,
  });
  const attempts = new PassphraseAttempts(log, journal, a.settings);
  const quorum = new Quorum(log, journal, a.settings, attempts);
  journal.onRecord((r) => {
    log.fold(r);
    quorum.state.fold(r);
    attempts.fold(r);
  });
  return {
    log,
    quorum,
    attempts,
    secrets: new SecretsInHand(),
    journal,
    kms: a.kms,
    paths: a.paths,
    settings: a.settings,
    planBase: a.planBase,
    signals: a.signals,
    stationKey: a.stationKey,
    recovery: [],
  };
}

/** Starts a new ceremony in an empty directory from a plan document (parsed YAML/JSON). */
export async function createCeremony(a: {
  dir: string;
  planDoc: unknown;
  planBase: string;
  kms: KmsPort;
  options?: EngineOptions | undefined;
  signals: CeremonySignals;
  /** A split ceremony: this station's role, and (offline) the ceremony id its request bundle names. */
  split?: { role: StationRole; ceremonyId?: string } | undefined;
}): Promise<OpenCeremony> {
  const { plan, digest } = validatePlan(a.planDoc);
  const settings = withDefaults(a.options);
  assertPlanAcceptable(plan, settings.clock(), assertCompatible);
  const role = a.split?.role;
  assertRoleFits(plan, role);
  const paths = ceremonyPaths(a.dir);
  const exists = () =>
    new KeyriteError(
      'CEREMONY_EXISTS',
      `a ceremony already lives in ${a.dir}`,
      'reopen it, or choose an empty directory',
    );
  // The offline station's log may already hold refusals of requests read before its ceremony began
  // (bundle-first.ts): the ceremony starts in that log, so those records stay in its chain.
  const earlier = existsSync(paths.auditDb);
  if (earlier && role !== 'offline') throw exists();
  mkdirSync(a.dir, { recursive: true, mode: 0o700 });
  const audit = auditOptions(settings);
  const store = openAuditStore(paths.auditDb, audit);
  try {
    if (earlier && store.records({ type: 'ceremony.started', limit: 1 }).length > 0) throw exists();
    // Killed here, the log holds no ceremony: the offline station starts it in the same log next time.
    crashPoint('log-opened');
    const ceremonyId = a.split?.ceremonyId ?? `cer-${randomBytes(6).toString('hex')}`;
    const planBase = path.resolve(a.planBase);
    const parts = assemble({
      ceremonyId,
      plan,
      digest,
      paths,
      store,
      kms: a.kms,
      settings,
      planBase,
      signals: a.signals,
      stationKey: audit.stationKey,
      role,
    });
    parts.journal.append('ceremony.started', {
      planDigest: digest,
      title: plan.name,
      ...(role ? { station: role } : {}),
    });
    await parts.journal.writeFile(paths.planJson, 'plan.json', JSON.stringify(plan, null, 2) + '\n');
    await parts.journal.writeFile(
      paths.meta,
      'ceremony.json',
      JSON.stringify({ planDirectory: planBase }, null, 2) + '\n',
    );
    return { parts, store };
  } catch (e) {
    store.close();
    throw e;
  }
}

/**
 * Reopens a ceremony from its directory: the log is replayed into the ceremony's picture and the
 * quorum, then what the log says is reconciled with the world (recovery.ts).
 */
export async function openCeremony(a: {
  dir: string;
  kms: KmsPort;
  options?: EngineOptions | undefined;
  planDoc?: unknown;
  signals: CeremonySignals;
}): Promise<OpenCeremony> {
  const settings = withDefaults(a.options);
  const paths = ceremonyPaths(a.dir);
  if (!existsSync(paths.auditDb))
    throw new KeyriteError(
      'CEREMONY_NOT_FOUND',
      `no ceremony in ${a.dir}`,
      'give the directory a ceremony was started in',
    );
  const audit = auditOptions(settings);
  const store = openAuditStore(paths.auditDb, audit);
  try {
    const started = startedRecord(store, a.dir);
    const { plan, digest } = await reviewedPlan(store, started, paths, a.planDoc);
    const role = started.payload.station;
    assertRoleFits(plan, role);
    const parts = assemble({
      ceremonyId: started.ceremonyId,
      plan,
      digest,
      paths,
      store,
      kms: a.kms,
      settings,
      planBase: readPlanBase(paths.meta, a.dir),
      signals: a.signals,
      stationKey: audit.stationKey,
      role,
    });
    parts.journal.replay();
    parts.quorum.state.settleAfterReplay();
    parts.recovery.push(...(await reconcile(parts, (ev, failure) => applyStepEvent(parts, ev, failure))));
    return { parts, store };
  } catch (e) {
    store.close();
    throw e;
  }
}

/** The plan the ceremony started with: plan.json, which must still have the digest the log recorded. */
async function reviewedPlan(
  store: AuditStore,
  started: Extract<CeremonyRecord, { type: 'ceremony.started' }>,
  paths: CeremonyPaths,
  planDoc: unknown,
): Promise<{ plan: CeremonyPlan; digest: string }> {
  if (!existsSync(paths.planJson) && planDoc !== undefined) {
    // Interrupted before plan.json was written: the reviewed plan, if it is the same, restores it.
    const given = validatePlan(planDoc);
    if (isDigestOfPlan(started.payload.planDigest, given.plan))
      await new Journal(store, started.ceremonyId).writeFile(
        paths.planJson,
        'plan.json',
        JSON.stringify(given.plan, null, 2) + '\n',
      );
  }
  if (!existsSync(paths.planJson))
    throw new KeyriteError(
      'PLAN_MISSING',
      'plan.json is missing from the ceremony directory',
      'pass the reviewed plan file again (--plan) to restore it',
    );
  const reviewed = validatePlan(JSON.parse(readFileSync(paths.planJson, 'utf8')));
  // A ceremony started before log format v2 recorded its digest under the old rule; it keeps it.
  if (!isDigestOfPlan(started.payload.planDigest, reviewed.plan))
    throw new KeyriteError(
      'PLAN_CHANGED',
      'plan.json is not the plan this ceremony started with',
      'restore the reviewed plan file; never edit a running ceremony’s plan',
    );
  return { plan: reviewed.plan, digest: started.payload.planDigest };
}

/** The record that started the ceremony in this log, read through the catalogue. */
function startedRecord(
  store: AuditStore,
  dir: string,
): Extract<CeremonyRecord, { type: 'ceremony.started' }> {
  const row = store.records({ type: 'ceremony.started' }).at(-1);
  const started = row ? readRecord(row) : undefined;
  if (started && 'problem' in started)
    throw new KeyriteError(
      'AUDIT_RECORD_UNREADABLE',
      `the ceremony log in ${dir} cannot be read: ${started.problem}`,
      'run keyrite audit verify on its audit.db',
    );
  if (!started || !isRecordOf('ceremony.started', started))
    throw new KeyriteError(
      'CEREMONY_NOT_STARTED',
      `the start in ${dir} stopped before its ceremony began: the log holds no ceremony yet, and nothing was done with any key`,
      `remove ${dir} and start the ceremony again (no --resume), or start it in a new directory`,
    );
  return started;
}

function readPlanBase(metaFile: string, fallback: string): string {
  try {
    const meta: unknown = JSON.parse(readFileSync(metaFile, 'utf8'));
    return typeof meta === 'object' &&
      meta !== null &&
      'planDirectory' in meta &&
      typeof meta.planDirectory === 'string'
      ? meta.planDirectory
      : fallback;
  } catch {
    return fallback;
  }
}

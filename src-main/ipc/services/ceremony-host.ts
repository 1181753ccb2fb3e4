import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import { validatePlan, type CeremonyPlan } from '../../../src-shared/ceremony/plan.js';
import { CeremonyService } from '../../ceremony/ceremony-service.js';
import { readPlanFile } from '../../ceremony/plan-file.js';
import type { EngineOptions } from '../../ceremony/engine-options.js';
import type { KmsPort } from '../../kms/kms-port.js';
import type { CeremonyView } from '../../../src-shared/ipc/ceremony-view.js';
import { ComponentDesk } from './component-desk.js';
import type { ShellPorts } from '../shell-ports.js';
import type { Emulators } from './emulators.js';
import { ceremonyPaths } from '../../ceremony/ceremony-dir.js';
import { keyIdentityOf, RoomRecordReader, withRoomRecords } from './view-extras.js';
import { OFFLINE_KMS_PORT } from '../../kms/offline-kms-port.js';
import { isSplit } from '../../../src-shared/ceremony/stations.js';
import type { StationRoleChoice } from './station-role.js';
import { refuseRoleForPlan } from './station-role.js';
import { OFFLINE_DIR, latestCeremonyDir, newCeremonyDir, offlineCeremonyDir } from './ceremony-dirs.js';

/**
 * Holds the station's current ceremony: started from a plan the person chose, with its own directory
 * under the data directory, its events forwarded to the windows. One ceremony at a time.
 */
export class CeremonyHost {
  #current: CeremonyService | null = null;
  #directory: string | null = null;
  #notes: string[] = [];
  /**
   * What people chose this station to be, before a plan is loaded (a loaded ceremony says its own).
   * One room with one station is the common case, so it is the choice until people make another.
   */
  #role: StationRoleChoice = 'single';
  readonly #room = new RoomRecordReader();
  /** Split-knowledge components are collected through the app unless the engine options bring a source. */
  readonly desk = new ComponentDesk(() => this.#publishView());
  readonly #engine: EngineOptions;

  constructor(
    private readonly ports: ShellPorts,
    private readonly emulators: Emulators,
    engine: EngineOptions,
  ) {
    this.#engine = { componentSource: this.desk.source, privateNotice: this.desk.notice, ...engine };
  }

  /** The engine's view plus what only the station knows: recovery notes, a component being waited for. */
  view(): CeremonyView {
    const notes = [...this.notes];
    const base: CeremonyView = this.#current?.view() ?? { status: 'no-plan', participants: [], steps: [] };
    const awaiting = this.desk.awaiting;
    const svc = this.#current;
    const mode = svc?.plan.material.mode;
    return {
      ...base,
      ...(svc && this.#directory
        ? withRoomRecords(base, this.#room.read(ceremonyPaths(this.#directory).auditDb))
        : {}),
      ...(svc ? { keyIdentity: keyIdentityOf(svc.plan, svc.ceremonyId) } : {}),
      ...(mode ? { materialMode: mode } : {}),
      ...(notes.length > 0 ? { recovery: notes } : {}),
      ...(awaiting ? { awaitingComponent: awaiting } : {}),
    };
  }

  #publishView(): void {
    if (this.#current) this.ports.publish('ceremony.changed', this.view());
  }

  get current(): CeremonyService | null {
    return this.#current;
  }

  chooseSavePath(suggestedName: string): Promise<string | null> {
    return this.ports.chooseSavePath(suggestedName);
  }

  /** The current ceremony's directory (its audit.db, plan.json, report.html). */
  get directory(): string {
    this.require();
    return this.#directory as string;
  }

  require(): CeremonyService {
    if (!this.#current)
      throw new KeyriteError(
        'NO_CEREMONY',
        'No ceremony is loaded on this station.',
        'Load the reviewed plan first.',
      );
    return this.#current;
  }

  /** The station's role: the loaded (unfinished) ceremony's, else what people chose. */
  get role(): StationRoleChoice {
    const svc = this.#current;
    if (svc && !svc.closed) return svc.stationRole ?? 'single';
    return this.#role;
  }

  /** True while a loaded ceremony fixes the role. */
  get roleLocked(): boolean {
    return this.#current !== null && !this.#current.closed;
  }

  chooseRole(role: StationRoleChoice): void {
    if (this.roleLocked && this.role !== role)
      throw new KeyriteError(
        'CEREMONY_IN_PROGRESS',
        `This station is the ${this.role} station of the ceremony in progress.`,
        'Finish that ceremony before giving the station another role.',
      );
    this.#role = role;
  }

  /** What reopening found (the engine's recovery account), or why the last ceremony could not be reopened. */
  get notes(): readonly string[] {
    return this.#current ? this.#current.recoveryAccount : this.#notes;
  }

  /**
   * After a restart or crash: reopens the newest ceremony directory, and the engine reconciles its log
   * with the world (files, DescribeKey) before anything else can happen. A failure is reported, not
   * thrown, so the app still starts and the person sees why.
   */
  async resumeLatest(): Promise<void> {
    // A log that holds only an offline station's refused first requests has no ceremony to reopen.
    const dir = latestCeremonyDir(this.ports.dataDirectory);
    if (!dir) return;
    const latest = path.basename(dir);
    let kms: KmsPort | undefined;
    try {
      const { plan } = validatePlan(JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')));
      kms = latest.endsWith(OFFLINE_DIR) ? OFFLINE_KMS_PORT : await this.portFor(plan);
      this.#adopt(await CeremonyService.open({ dir, kms, options: this.#engine }), dir);
    } catch (e) {
      kms?.close();
      const why = e instanceof KeyriteError ? `${e.code}: ${e.message}` : 'an unexpected error';
      this.#notes = [`The ceremony in ${latest} could not be reopened (${why}).`.slice(0, 512)];
    }
  }

  /** Starts a ceremony from a plan file; null when the person cancelled the choice. */
  async start(): Promise<CeremonyService | null> {
    if (this.#current && !this.#current.closed) {
      throw new KeyriteError(
        'CEREMONY_IN_PROGRESS',
        'A ceremony is already in progress on this station.',
        'Finish it before loading another plan.',
      );
    }
    const role = this.#role;
    if (role === 'offline')
      throw new KeyriteError(
        'STATION_OFFLINE_NEEDS_REQUEST',
        'The offline station starts from the request bundle the online station wrote.',
        'Choose the medium that holds the request, then the plan.',
      );
    const files = await this.ports.chooseFiles('ceremony-plan');
    const file = files?.[0];
    if (!file) return null;
    const planDoc = readPlanFile(file);
    const { plan } = validatePlan(planDoc);
    refuseRoleForPlan(role, isSplit(plan));
    const kms = await this.portFor(plan);
    const dir = await newCeremonyDir(this.ports.dataDirectory, '');
    let svc: CeremonyService;
    try {
      svc = await CeremonyService.create({
        dir,
        planDoc,
        planBase: path.dirname(path.resolve(file)),
        kms,
        options: this.#engine,
        ...(role === 'online' ? { station: 'online' as const } : {}),
      });
    } catch (e) {
      kms.close();
      throw e;
    }
    this.#adopt(svc, dir);
    return svc;
  }

  /**
   * The offline station's start: the reviewed plan (chosen in main's dialog) and the request bundle on
   * the medium, verified under that plan (and against the online station's fingerprint when people
   * typed it). No KMS port is ever made: every call of OFFLINE_KMS_PORT is refused.
   */
  startOffline(requestDir: string, peerStation: string | undefined): Promise<CeremonyService | null> {
    return this.#startOfflineWith((a) =>
      CeremonyService.createOffline({ ...a, requestDir, ...(peerStation ? { peerStation } : {}) }),
    );
  }

  /**
   * The offline station's start from a request of the AWS console or CLI (chosen in main's dialog,
   * before the plan): no station signature; the view shows its digest and wrapping key fingerprint.
   */
  async startOfflineFromConsole(): Promise<CeremonyService | null> {
    this.#assertMayStartOffline();
    const requestFile = (await this.ports.chooseFiles('console-request'))?.[0];
    if (!requestFile) return null;
    return this.#startOfflineWith(
      async (a) => (await CeremonyService.createOfflineFromConsole({ ...a, requestFile })).svc,
    );
  }

  async #startOfflineWith(
    create: (a: {
      dir: string;
      planDoc: unknown;
      planBase: string;
      kms: KmsPort;
      options: EngineOptions;
    }) => Promise<CeremonyService>,
  ): Promise<CeremonyService | null> {
    this.#assertMayStartOffline();
    const file = (await this.ports.chooseFiles('ceremony-plan'))?.[0];
    if (!file) return null;
    const planDoc = readPlanFile(file);
    refuseRoleForPlan('offline', isSplit(validatePlan(planDoc).plan));
    const dir = await offlineCeremonyDir(this.ports.dataDirectory);
    const kms = OFFLINE_KMS_PORT;
    let svc: CeremonyService;
    try {
      svc = await create({
        dir,
        planDoc,
        planBase: path.dirname(path.resolve(file)),
        kms,
        options: this.#engine,
      });
    } catch (e) {
      // A request refused after the ceremony began (always so for a console request) is recorded in
      // it: the station holds that ceremony, which waits for the right request.
      if (e instanceof KeyriteError && existsSync(path.join(dir, 'plan.json')))
        this.#adopt(await CeremonyService.open({ dir, kms, options: this.#engine }), dir);
      throw e;
    }
    this.#adopt(svc, dir);
    return svc;
  }

  #assertMayStartOffline(): void {
    if (this.#role !== 'offline' || this.roleLocked)
      throw new KeyriteError(
        'STATION_NOT_OFFLINE',
        this.roleLocked
          ? 'A ceremony is already in progress on this station.'
          : 'This station is not the offline station.',
        this.roleLocked ? 'Finish it before starting another.' : 'Choose the offline role first.',
      );
  }

  /**
   * The plan's cloud: its rehearsal emulator in rehearsal mode, else the configured or real endpoint.
   * Also how `kms.identity` asks who the station acts as for the loaded plan (the caller closes the port).
   */
  async portFor(plan: CeremonyPlan): Promise<KmsPort> {
    this.refuseKmsIfOffline();
    // Loaded here, not at the top: the offline station's composition never loads a KMS client.
    const { kmsPortForPlan } = await import('../../kms/kms-for-plan.js');
    const t = plan.target;
    if (this.ports.kmsEndpoint) return kmsPortForPlan(plan, { endpoint: this.ports.kmsEndpoint });
    if (this.ports.mode !== 'rehearsal') return kmsPortForPlan(plan);
    if (t.provider === 'aws')
      return kmsPortForPlan(plan, { endpoint: await this.emulators.urlFor(t.region, t.accountId) });
    const h = await this.emulators.huaweiFor(t.region, t.projectId);
    return kmsPortForPlan(plan, { endpoint: h.url, huaweiCredentials: h });
  }

  /** The offline station never makes a KMS client or starts an emulator: every such path asks here first. */
  refuseKmsIfOffline(): void {
    if (this.#role === 'offline')
      throw new KeyriteError(
        'OFFLINE_STATION_NO_KMS',
        'This is the offline station: it holds no cloud credentials and never talks to KMS.',
        'Cloud steps and the cloud identity belong to the online station.',
      );
  }

  #adopt(svc: CeremonyService, dir: string): void {
    svc.on('changed', () => this.#publishView());
    // KCVs are hex like every digest in the contract: lower case, as the engine's view shows them.
    svc.on('progress', (p) =>
      this.ports.publish(
        'ceremony.progress',
        p.facts?.kcv ? { ...p, facts: { ...p.facts, kcv: p.facts.kcv.toLowerCase() } } : p,
      ),
    );
    this.#current?.dispose();
    this.#current = svc;
    // A reopened ceremony says what this station is (the choice stays for the next plan).
    this.#role = svc.stationRole ?? 'single';
    this.#directory = dir;
    this.#notes = [];
  }

  close(): void {
    this.#current?.dispose();
    this.#current = null;
    this.#directory = null;
  }
}

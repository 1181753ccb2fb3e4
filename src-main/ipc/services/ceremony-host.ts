import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import { validatePlan, type CeremonyPlan } from '../../../src-shared/ceremony/plan.js';
import { CeremonyService } from '../../ceremony/ceremony-service.js';
import { kmsPortForPlan } from '../../kms/kms-for-plan.js';
import { readPlanFile } from '../../ceremony/plan-file.js';
import type { EngineOptions } from '../../ceremony/engine-options.js';
import type { KmsPort } from '../../kms/kms-port.js';
import type { CeremonyView } from '../../../src-shared/ipc/ceremony-view.js';
import { ComponentDesk } from './component-desk.js';
import type { ShellPorts } from '../shell-ports.js';
import type { Emulators } from './emulators.js';
import { ceremonyPaths } from '../../ceremony/ceremony-dir.js';
import { keyIdentityOf, RoomRecordReader, withRoomRecords } from './view-extras.js';

/**
 * Holds the station's current ceremony: started from a plan the person chose, with its own directory
 * under the data directory, its events forwarded to the windows. One ceremony at a time.
 */
export class CeremonyHost {
  #current: CeremonyService | null = null;
  #directory: string | null = null;
  #notes: string[] = [];
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
    const root = path.join(this.ports.dataDirectory, 'ceremonies');
    const dirs = existsSync(root)
      ? readdirSync(root, { withFileTypes: true })
          .filter((d) => d.isDirectory() && existsSync(path.join(root, d.name, 'audit.db')))
          .map((d) => d.name)
          .sort()
      : [];
    const latest = dirs.at(-1);
    if (!latest) return;
    const dir = path.join(root, latest);
    let kms: KmsPort | undefined;
    try {
      const { plan } = validatePlan(JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')));
      kms = await this.portFor(plan);
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
    const files = await this.ports.chooseFiles('ceremony-plan');
    const file = files?.[0];
    if (!file) return null;
    const planDoc = readPlanFile(file);
    const { plan } = validatePlan(planDoc);
    const kms = await this.portFor(plan);
    const dir = path.join(
      this.ports.dataDirectory,
      'ceremonies',
      new Date().toISOString().replace(/[:.]/g, '-'),
    );
    await mkdir(path.dirname(dir), { recursive: true, mode: 0o700 });
    let svc: CeremonyService;
    try {
      svc = await CeremonyService.create({
        dir,
        planDoc,
        planBase: path.dirname(path.resolve(file)),
        kms,
        options: this.#engine,
      });
    } catch (e) {
      kms.close();
      throw e;
    }
    this.#adopt(svc, dir);
    return svc;
  }

  /**
   * The plan's cloud: its rehearsal emulator in rehearsal mode, else the configured or real endpoint.
   * Also how `kms.identity` asks who the station acts as for the loaded plan (the caller closes the port).
   */
  async portFor(plan: CeremonyPlan): Promise<KmsPort> {
    const t = plan.target;
    if (this.ports.kmsEndpoint) return kmsPortForPlan(plan, { endpoint: this.ports.kmsEndpoint });
    if (this.ports.mode !== 'rehearsal') return kmsPortForPlan(plan);
    if (t.provider === 'aws')
      return kmsPortForPlan(plan, { endpoint: await this.emulators.urlFor(t.region, t.accountId) });
    const h = await this.emulators.huaweiFor(t.region, t.projectId);
    return kmsPortForPlan(plan, { endpoint: h.url, huaweiCredentials: h });
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
    this.#directory = dir;
    this.#notes = [];
  }

  close(): void {
    this.#current?.dispose();
    this.#current = null;
    this.#directory = null;
  }
}

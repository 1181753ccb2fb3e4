import { existsSync, statSync } from 'node:fs';
import type { CeremonyPlan } from '../../../src-shared/ceremony/plan.js';
import { defaultKeyUsage } from '../../../src-shared/ceremony/key-usage.js';
import { planCloudKeySpec, planKeySpec, planOwner } from '../../../src-shared/ceremony/plan.js';
import { PROVIDERS } from '../../../src-shared/ceremony/providers.js';
import type { CeremonyView, KeyIdentity, PlanOutputView } from '../../../src-shared/ipc/ceremony-view.js';
import { loadLog } from '../../audit/load-log.js';
import { plannedGrantActions } from '../../../src-shared/ceremony/grant-actions.js';

/**
 * What the room reviews before CreateKey (the first step that cannot be undone): the key's identity
 * exactly as the reviewed plan states it, and its key policy in words. Keyrite passes no policy to
 * CreateKey, so KMS applies its default key policy; a grant in the plan adds one statement later.
 */
export function keyIdentityOf(plan: CeremonyPlan, ceremonyId: string): KeyIdentity {
  const { target } = plan;
  const spec = planKeySpec(plan);
  const owner = planOwner(plan);
  const facts = PROVIDERS[target.provider];
  const policy = facts.keyPolicy
    ? [
        `KMS default key policy: the account root (arn:aws:iam::${owner.id}:root) may do anything with the key; IAM policies in account ${owner.id} decide who actually can.`,
      ]
    : [
        `${facts.cloud} keys have no key policy: IAM policies in the account that owns ${owner.label} decide who may use and administer the key.`,
      ];
  if (plan.grant) {
    // An existing key's usage is known once pre-flight has described it; its spec's default until then.
    const c = 'create' in target.key ? target.key.create : undefined;
    const usage = (c && 'keyUsage' in c ? c.keyUsage : undefined) ?? defaultKeyUsage(spec);
    policy.push(
      `After the import is verified, a statement lets account ${plan.grant.accountId} use the key (${plannedGrantActions(plan.grant, usage, spec).join(', ')}).`,
    );
  }
  const common = {
    provider: target.provider,
    accountId: owner.id,
    region: target.region,
    keySpec: planCloudKeySpec(plan),
  };
  if ('create' in target.key) {
    const c = target.key.create;
    const keyUsage = ('keyUsage' in c ? c.keyUsage : undefined) ?? defaultKeyUsage(spec);
    return {
      kind: 'create',
      ...common,
      keyUsage,
      ...(c.alias ? { alias: c.alias } : {}),
      ...(c.description ? { description: c.description.slice(0, 1024) } : {}),
      // The engine adds the ceremony tag, so an orphaned key can always be traced to its ceremony.
      tags: Object.entries({ ...c.tags, [facts.ceremonyTag]: ceremonyId }).map(([key, value]) => ({
        key,
        value,
      })),
      policy,
    };
  }
  return {
    kind: 'existing',
    ...common,
    keyId: target.key.existing.keyId,
    tags: [],
    policy: [
      'The existing key keeps the key policy it has; Keyrite does not change it unless the plan grants access.',
    ],
  };
}

/** What the log says people did, with times: confirmations ("stepId/custodianId") and witness sign-offs. */
export interface RoomRecords {
  confirmations: ReadonlyMap<string, string>;
  signoffs: ReadonlyMap<string, string>;
  /** The plan's outputs the wrap step wrote, by file (a later wrap of the same file replaces it). */
  outputs: readonly PlanOutputView[];
}

function outputOf(p: Record<string, unknown>): PlanOutputView | undefined {
  const s = (k: string) => (typeof p[k] === 'string' ? p[k] : undefined);
  const cloud = s('cloud');
  const [file, sha256, method, destination, command] = [
    s('file'),
    s('outputDigest'),
    s('method'),
    s('destination'),
    s('command'),
  ];
  if ((cloud !== 'gcp' && cloud !== 'azure') || !file || !sha256 || !method || !destination || !command)
    return undefined;
  const bytes = typeof p['bytes'] === 'number' ? p['bytes'] : 0;
  const [station, folder] = [s('offlineStationFingerprint'), s('folder')];
  return {
    cloud,
    file,
    bytes,
    sha256,
    method,
    destination,
    command,
    ...(station && folder ? { loggedOffline: { station, folder } } : {}),
  };
}

/**
 * Reads the room's records from the log, again only when the database or its WAL changed (a stat is
 * cheap; the view is built at every change event).
 */
export class RoomRecordReader {
  #key = '';
  #records: RoomRecords = { confirmations: new Map(), signoffs: new Map(), outputs: [] };

  read(auditDb: string): RoomRecords {
    const key = [auditDb, `${auditDb}-wal`]
      .map((f) => (existsSync(f) ? `${statSync(f).size}:${statSync(f).mtimeMs}` : '-'))
      .join('|');
    if (key === this.#key) return this.#records;
    const confirmations = new Map<string, string>();
    const signoffs = new Map<string, string>();
    const outputs = new Map<string, PlanOutputView>();
    for (const r of loadLog(auditDb).records) {
      const p = r.payload;
      // A later confirmation of the same step (a retry) replaces the earlier one.
      if (
        r.type === 'step.confirmed' &&
        typeof p['stepId'] === 'string' &&
        typeof p['custodian'] === 'string'
      )
        confirmations.set(`${p['stepId']}/${p['custodian']}`, r.time);
      if (r.type === 'ceremony.witness-signoff' && typeof p['witnessId'] === 'string')
        signoffs.set(p['witnessId'], r.time);
      const output = r.type === 'wrap.output' ? outputOf(p) : undefined;
      if (output) outputs.set(output.file, output);
    }
    this.#key = key;
    this.#records = { confirmations, signoffs, outputs: [...outputs.values()] };
    return this.#records;
  }
}

/** The engine's view with confirmations named and timed and witness sign-offs marked, as the room reads them. */
export function withRoomRecords(
  view: CeremonyView,
  room: RoomRecords,
): Pick<CeremonyView, 'steps' | 'participants' | 'outputs'> {
  const names = new Map(view.participants.map((p) => [p.id, p.name]));
  return {
    ...(room.outputs.length > 0 ? { outputs: [...room.outputs] } : {}),
    participants: view.participants.map((p) => {
      const at = p.role === 'witness' ? room.signoffs.get(p.id) : undefined;
      return at ? { ...p, signedOffAt: at } : p;
    }),
    steps: view.steps.map((s) => ({
      ...s,
      confirmations: s.confirmedBy.map((id) => {
        const at = room.confirmations.get(`${s.id}/${id}`);
        return { custodianId: id, name: names.get(id) ?? id, ...(at ? { at } : {}) };
      }),
    })),
  };
}

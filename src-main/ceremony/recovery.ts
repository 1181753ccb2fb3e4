import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import {
  nextStep,
  planKind,
  type CeremonyEvent,
  type StepId,
} from '../../src-shared/ceremony/state-machine.js';
import { sha256OfFile, syncDirectory } from '../media/atomic-file.js';
import type { StepFailure } from './ceremony-log.js';
import type { CeremonyParts } from './ceremony-parts.js';
import { listShareFiles } from './steps/backup-shares.js';
import { grantSid } from './steps/grant.js';
import { stagedMaterial } from './steps/rotation.js';
import { regionalPort } from './steps/multi-region.js';
import { hasReplicaRegions } from '../../src-shared/ceremony/multi-region-rules.js';
import { rewrapImpossible, rewrapping } from './steps/replica-rewrap.js';
import { isPeerStep } from '../../src-shared/ceremony/stations.js';
import { regionOfArn } from '../../src-shared/kms/aws-partition.js';
import type { KmsPort } from '../kms/kms-port.js';

/** The port for the region an ARN names (a multi-Region replica's), else the ceremony's own. */
function portForArn(p: CeremonyParts, arn: string): KmsPort {
  const home = p.log.plan.target.region;
  return regionalPort(p.kms, regionOfArn(arn) ?? home, home);
}

/**
 * Whether an import into `keyArn` took effect, as KMS shows it: in a rotation, whether this ceremony's
 * new material is staged (on the primary, as this ceremony described it; a replica lists the primary's
 * id imported); otherwise whether the key is Enabled.
 */
async function importInWorld(
  p: CeremonyParts,
  keyArn: string,
): Promise<{ ok: boolean; stagedId?: string; found: string }> {
  if (planKind(p.log.plan) === 'rotate') {
    const primaryArn = p.log.facts.keyArn ?? keyArn;
    const staged = await stagedMaterial(p.kms, p.log.plan, p.log.ceremonyId, primaryArn);
    const inArn =
      keyArn === primaryArn || !staged
        ? staged
        : ((await portForArn(p, keyArn).listKeyMaterials(keyArn)).find(
            (m) => m.keyMaterialId === staged.keyMaterialId,
          ) ?? null);
    const ok = inArn !== null && inArn.importState !== 'PENDING_IMPORT';
    const stagedId = ok && staged ? staged.keyMaterialId : undefined;
    return {
      ok,
      ...(stagedId ? { stagedId } : {}),
      found: ok
        ? `the import took effect (material ${stagedId ?? ''} pending rotation)`
        : 'the import did not take effect (no material of this ceremony pending rotation)',
    };
  }
  const k = await portForArn(p, keyArn).describeKey(keyArn);
  const ok = k.keyState === 'Enabled';
  return {
    ok,
    found: ok
      ? `the import took effect (key ${k.keyState})`
      : `the import did not take effect (key ${k.keyState})`,
  };
}

/** The key of the last import this run of the import step sent and recorded as answered, if any. */
function answeredImport(p: CeremonyParts): string | undefined {
  const records = p.journal.records();
  let from = 0;
  records.forEach((r, i) => {
    if (r.type === 'step.started' && r.payload.stepId === 'import') from = i;
  });
  const answered = new Set<number>();
  for (const r of records.slice(from))
    if (r.type === 'outcome' && r.payload.action === 'kms.import-key-material' && r.payload.ok)
      answered.add(r.payload.intentSeq);
  let keyArn: string | undefined;
  for (const r of records.slice(from))
    if (r.type === 'intent' && r.payload.action === 'kms.import-key-material' && answered.has(r.seq))
      keyArn = r.payload.details.keyArn;
  return keyArn;
}

/** Steps that need the plaintext material in memory, which a restart never has. */
const NEEDS_MATERIAL: ReadonlySet<StepId> = new Set(['backup-shares', 'verify-shares', 'wrap']);

/**
 * Reconciles a reopened ceremony with the world and returns an account for people. The rules:
 * 1. Every intent without an outcome is settled by asking the world (the file on disk, DescribeKey,
 *    GetKeyPolicy), never by guessing; the answer is recorded as its outcome.
 * 2. A step interrupted mid-way is marked failed so it runs again — except an import that the world
 *    says took effect (its intent open, or its outcome recorded before the step's), which is completed.
 * 3. Material never survives a restart. If it is needed (shares, wrap) and the key is still
 *    PendingImport, nothing was imported, so the ceremony rewinds to generate material again (CSPRNG
 *    and split knowledge make new material; file and share modes re-read the same material). Shares
 *    of abandoned material are moved to shares/void-N/ so nobody mistakes them for the key's backup.
 * 4. Once wrapped, the blob on disk is what gets imported: byte-identical, so a resumed import can
 *    never carry different material. If its import parameters expired, the ceremony rewinds to fetch
 *    new ones (and, the material being gone, to generate again) — again only while PendingImport.
 */
export async function reconcile(
  p: CeremonyParts,
  apply: (ev: CeremonyEvent, failure?: StepFailure) => void,
): Promise<string[]> {
  const account: string[] = [];
  const j = p.journal;
  let importTookEffect = false;
  let importAsked = false;
  let stagedId: string | undefined;

  for (const intent of j.openIntents()) {
    const ip = intent.payload;
    let ok = false;
    let found: string;
    switch (ip.action) {
      case 'media.write-file': {
        const d = ip.details;
        ok = sha256OfFile(path.join(p.paths.dir, d.file)) === d.digest;
        found = ok ? `${d.file} is on disk, complete` : `${d.file} was not written`;
        break;
      }
      case 'media.write-bundle':
        // The medium may have left with it: a new bundle gets the next number and the same content.
        found = `the ${ip.details.kind} bundle number ${ip.details.sequence} may or may not be on the medium; write it again (it gets the next number)`;
        break;
      case 'media.move-files':
        found = `moving share files to ${ip.details.to} may not have finished: check shares/`;
        break;
      case 'kms.create-key':
        // AWS: the step's rerun looks for that key (createKeyOnce's search) and uses it if it is there.
        found =
          p.log.plan.target.provider === 'aws'
            ? `CreateKey may or may not have run; the step runs again and first looks for a PendingImport key tagged keyrite:ceremony=${p.log.ceremonyId}, using it if there is one`
            : `CreateKey may or may not have run; if it did, a PendingImport key tagged keyrite:ceremony=${p.log.ceremonyId} is orphaned — schedule its deletion`;
        break;
      case 'kms.create-alias': {
        const d = ip.details;
        try {
          ok = (await p.kms.describeKey(d.alias)).arn === d.keyArn;
        } catch {
          ok = false;
        }
        found = ok ? `alias ${d.alias} exists` : `alias ${d.alias} was not created`;
        break;
      }
      case 'kms.replicate-key': {
        const d = ip.details;
        const made = (await p.kms.describeKey(d.keyArn)).replicas?.find((r) => r.region === d.region);
        ok = made !== undefined;
        found = made
          ? `the replica in ${d.region} exists: ${made.arn}`
          : `no replica in ${d.region} was made`;
        break;
      }
      case 'kms.get-parameters-for-import':
        found = 'import parameters were not kept; they are fetched again';
        break;
      case 'kms.import-key-material': {
        const w = await importInWorld(p, ip.details.keyArn);
        ok = w.ok;
        if (w.stagedId) stagedId = w.stagedId;
        found = w.found;
        // A multi-Region import is complete only when every region has the material: the step runs
        // again and imports only where it is missing.
        importTookEffect = ok && !hasReplicaRegions(p.log.plan);
        importAsked = true;
        break;
      }
      case 'kms.rotate-key-on-demand': {
        const k = await p.kms.describeKey(ip.details.keyArn);
        ok = k.keyMaterialId === ip.details.keyMaterialId;
        found = ok
          ? `the rotation took effect (material ${ip.details.keyMaterialId} current)`
          : `the rotation did not take effect (material ${k.keyMaterialId ?? '(none)'} current)`;
        break;
      }
      case 'kms.put-key-policy': {
        const keyId = p.log.facts.keyId ?? '';
        ok = (await p.kms.getKeyPolicy(keyId)).includes(`"${grantSid(ip.details.grantee)}"`);
        found = ok ? 'the key policy statement is in place' : 'the key policy was not changed';
        break;
      }
    }
    j.settle(intent.seq, ok, found);
    account.push(`${ip.action} (record ${intent.seq}): ${found}`);
  }

  const running = p.log.state.order.find((s) => p.log.state.steps[s] === 'running');
  // Stopped after the import's outcome was recorded and before its step was (a power cut in that
  // instant): the outcome says the import was sent and answered; the world is asked which, as above.
  if (running === 'import' && !importAsked) {
    const keyArn = answeredImport(p);
    if (keyArn !== undefined) {
      const w = await importInWorld(p, keyArn);
      if (w.stagedId) stagedId = w.stagedId;
      importTookEffect = w.ok && !hasReplicaRegions(p.log.plan);
      account.push(`kms.import-key-material (recorded as answered): ${w.found}`);
    }
  }
  if (running) {
    if (running === 'import' && importTookEffect) {
      apply({
        kind: 'step-completed',
        step: 'import',
        facts: {
          keyArn: p.log.facts.keyArn ?? '',
          ...(stagedId ? { keyMaterialId: stagedId } : {}),
          note: 'import completed (found by recovery)',
        },
      });
      account.push(
        stagedId
          ? `step import: completed — KMS lists this ceremony's material ${stagedId} pending rotation`
          : 'step import: completed — KMS shows the imported key Enabled',
      );
    } else {
      apply(
        { kind: 'step-failed', step: running, reason: 'interrupted' },
        { code: 'INTERRUPTED', message: 'the station stopped during this step' },
      );
      account.push(`step ${running}: interrupted; it runs again`);
    }
  }

  account.push(...(await realign(p, apply)));
  return account;
}

/**
 * Steps that need the current import parameters still valid. In a split ceremony the online station
 * also needs them while it waits for the offline station's steps (the response would be refused).
 */
function waitsOnParams(p: CeremonyParts, next: StepId): boolean {
  if (['generate-material', 'backup-shares', 'verify-shares', 'wrap', 'import'].includes(next)) return true;
  return p.log.role === 'online' && isPeerStep('online', next);
}

/** True when the next step cannot run as things stand (material gone, parameters expired). */
export function needsRealign(p: CeremonyParts): boolean {
  const next = nextStep(p.log.state);
  if (!next) return false;
  const validTo = p.log.facts.validTo;
  const paramsExpired = validTo !== undefined && Date.parse(validTo) <= p.settings.clock().getTime();
  const afterParams = waitsOnParams(p, next);
  return (afterParams && paramsExpired) || (NEEDS_MATERIAL.has(next) && !p.secrets.material);
}

/**
 * Rule 3 and 4 above, applied whenever the next step cannot run as things stand: after a restart,
 * and in a running ceremony after an error zeroed the material or the import parameters expired.
 */
export async function realign(
  p: CeremonyParts,
  apply: (ev: CeremonyEvent, failure?: StepFailure) => void,
): Promise<string[]> {
  const account: string[] = [];
  const j = p.journal;
  if (!needsRealign(p)) return account;
  const next = nextStep(p.log.state);
  if (!next) return account;
  const validTo = p.log.facts.validTo;
  const paramsExpired = validTo !== undefined && Date.parse(validTo) <= p.settings.clock().getTime();
  const pendingImport = async () => {
    // The offline station cannot ask KMS; nothing can have been imported while no response left it.
    if (p.log.role === 'offline')
      return !p.log.writtenBundles.some(
        (b) => b.kind === 'response' && b.importTokenDigest === p.log.facts.importTokenDigest,
      );
    const keyId = p.log.facts.keyId;
    if (!keyId) return true;
    if (planKind(p.log.plan) === 'rotate')
      return (await stagedMaterial(p.kms, p.log.plan, p.log.ceremonyId, keyId)) === null;
    return (await p.kms.describeKey(keyId)).keyState === 'PendingImport';
  };

  if (waitsOnParams(p, next) && paramsExpired) {
    if (!(await pendingImport())) {
      if (rewrapping(p.log)) return rewrapInstead(p, apply, 'import-parameters');
      account.push(
        'the key is no longer PendingImport: the ceremony cannot continue; investigate before anything else',
      );
      return account;
    }
    await voidShares(p, account);
    apply({
      kind: 'rewound',
      to: 'import-parameters',
      reason: 'import parameters expired; material is gone from memory',
    });
    account.push(
      'import parameters expired: rewound to fetch new ones and generate material again (nothing was imported)',
    );
  } else if (NEEDS_MATERIAL.has(next) && !p.secrets.material) {
    if (!(await pendingImport())) {
      if (rewrapping(p.log)) return rewrapInstead(p, apply, 'generate-material');
      account.push(
        'the key is no longer PendingImport: the ceremony cannot continue; investigate before anything else',
      );
      return account;
    }
    await voidShares(p, account);
    j.append('material.lost', {
      stepId: next,
      note: 'material was in memory only; nothing was imported (key PendingImport)',
    });
    apply({
      kind: 'rewound',
      to: 'generate-material',
      reason: 'material lost in a restart before it was wrapped',
    });
    account.push(
      `material was lost before ${next}: rewound to generate material (${p.log.plan.material.mode}); the key is still PendingImport`,
    );
  }
  return account;
}

/**
 * A multi-Region import whose primary already took the material (replica-rewrap.ts): never new
 * material, never voided shares — new parameters for the replicas still waiting (`import-parameters`)
 * or, the material lost from memory, the same material rebuilt (`generate-material`), then wrapped again.
 */
function rewrapInstead(
  p: CeremonyParts,
  apply: (ev: CeremonyEvent, failure?: StepFailure) => void,
  to: 'import-parameters' | 'generate-material',
): string[] {
  const impossible = rewrapImpossible(p.log);
  if (impossible) return [`${impossible.message}; ${impossible.hint}`];
  const source =
    p.log.plan.material.mode === 'csprng' || p.log.plan.material.mode === 'split-knowledge'
      ? "rebuilt from this ceremony's own backup shares (custodians open them)"
      : `read again (${p.log.plan.material.mode})`;
  if (to === 'generate-material')
    p.journal.append('material.lost', {
      stepId: nextStep(p.log.state) ?? 'wrap',
      note: 'material was in memory only; the primary key holds it, so the same material is rebuilt',
    });
  apply({
    kind: 'rewound',
    to,
    reason:
      to === 'import-parameters'
        ? "a replica's import parameters expired after the primary took the material"
        : 'material lost before it was wrapped again for the waiting replicas',
  });
  return [
    to === 'import-parameters'
      ? `import parameters expired after the primary key took the material: rewound to fetch new ones for the replicas still waiting only; the same material is ${source} and wrapped again under quorum`
      : `material was lost before it was wrapped again: rewound to rebuild the same material (${source}); the primary key holds it`,
  ];
}

async function voidShares(p: CeremonyParts, account: string[]): Promise<void> {
  const files = listShareFiles(p.paths.sharesDir);
  if (files.length === 0) return;
  let n = 1;
  while (existsSync(path.join(p.paths.sharesDir, `void-${n}`))) n++;
  const dest = path.join(p.paths.sharesDir, `void-${n}`);
  await p.journal.effect(
    'media.move-files',
    `move ${files.length} share file(s) to shares/void-${n}`,
    { to: `shares/void-${n}` },
    () => {
      mkdirSync(dest, { recursive: true, mode: 0o700 });
      for (const f of files) renameSync(f, path.join(dest, path.basename(f)));
      syncDirectory(p.paths.sharesDir);
    },
    () => ({}),
  );
  p.journal.append('backup.voided', { moved: files.length, to: `shares/void-${n}` });
  account.push(`${files.length} share file(s) of the abandoned material moved to shares/void-${n}/`);
}

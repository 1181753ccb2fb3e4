import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { nextStep, type CeremonyEvent, type StepId } from '../../src-shared/ceremony/state-machine.js';
import { sha256OfFile, syncDirectory } from '../media/atomic-file.js';
import type { Runtime, StepFailure } from './runtime.js';
import { listShareFiles } from './steps/material-steps.js';
import { grantSid } from './steps/import-steps.js';

/** Steps that need the plaintext material in memory, which a restart never has. */
const NEEDS_MATERIAL: ReadonlySet<StepId> = new Set(['backup-shares', 'verify-shares', 'wrap']);

/**
 * Reconciles a reopened ceremony with the world and returns an account for people. The rules:
 * 1. Every intent without an outcome is settled by asking the world (the file on disk, DescribeKey,
 *    GetKeyPolicy), never by guessing; the answer is recorded as its outcome.
 * 2. A step interrupted mid-way is marked failed so it runs again — except an import that the world
 *    says took effect, which is completed.
 * 3. Material never survives a restart. If it is needed (shares, wrap) and the key is still
 *    PendingImport, nothing was imported, so the ceremony rewinds to generate material again (CSPRNG
 *    and split knowledge make new material; file and share modes re-read the same material). Shares
 *    of abandoned material are moved to shares/void-N/ so nobody mistakes them for the key's backup.
 * 4. Once wrapped, the blob on disk is what gets imported: byte-identical, so a resumed import can
 *    never carry different material. If its import parameters expired, the ceremony rewinds to fetch
 *    new ones (and, the material being gone, to generate again) — again only while PendingImport.
 */
export async function reconcile(
  rt: Runtime,
  apply: (ev: CeremonyEvent, failure?: StepFailure) => void,
): Promise<string[]> {
  const account: string[] = [];
  const j = rt.journal;
  let importTookEffect = false;

  for (const intent of j.openIntents()) {
    const p = intent.payload;
    let ok = false;
    let found: string;
    switch (p.action) {
      case 'media.write-file': {
        const d = p.details;
        ok = sha256OfFile(path.join(rt.paths.dir, d.file)) === d.digest;
        found = ok ? `${d.file} is on disk, complete` : `${d.file} was not written`;
        break;
      }
      case 'media.move-files':
        found = `moving share files to ${p.details.to} may not have finished: check shares/`;
        break;
      case 'kms.create-key':
        found = `CreateKey may or may not have run; if it did, a PendingImport key tagged keyrite:ceremony=${rt.ceremonyId} is orphaned — schedule its deletion`;
        break;
      case 'kms.create-alias': {
        const d = p.details;
        try {
          ok = (await rt.kms.describeKey(d.alias)).arn === d.keyArn;
        } catch {
          ok = false;
        }
        found = ok ? `alias ${d.alias} exists` : `alias ${d.alias} was not created`;
        break;
      }
      case 'kms.get-parameters-for-import':
        found = 'import parameters were not kept; they are fetched again';
        break;
      case 'kms.import-key-material': {
        const k = await rt.kms.describeKey(p.details.keyArn);
        ok = k.keyState === 'Enabled';
        importTookEffect = ok;
        found = ok
          ? `the import took effect (key ${k.keyState})`
          : `the import did not take effect (key ${k.keyState})`;
        break;
      }
      case 'kms.put-key-policy': {
        const keyId = rt.state.facts.keyId ?? '';
        ok = (await rt.kms.getKeyPolicy(keyId)).includes(`"${grantSid(p.details.grantee)}"`);
        found = ok ? 'the key policy statement is in place' : 'the key policy was not changed';
        break;
      }
    }
    j.settle(intent.seq, ok, found);
    account.push(`${p.action} (record ${intent.seq}): ${found}`);
  }

  const running = rt.state.order.find((s) => rt.state.steps[s] === 'running');
  if (running) {
    if (running === 'import' && importTookEffect) {
      apply({
        kind: 'step-completed',
        step: 'import',
        facts: { keyArn: rt.state.facts.keyArn ?? '', note: 'import completed (found by recovery)' },
      });
      account.push('step import: completed — KMS shows the imported key Enabled');
    } else {
      apply(
        { kind: 'step-failed', step: running, reason: 'interrupted' },
        { code: 'INTERRUPTED', message: 'the station stopped during this step' },
      );
      account.push(`step ${running}: interrupted; it runs again`);
    }
  }

  account.push(...(await realign(rt, apply)));
  return account;
}

/** True when the next step cannot run as things stand (material gone, parameters expired). */
export function needsRealign(rt: Runtime): boolean {
  const next = nextStep(rt.state);
  if (!next) return false;
  const validTo = rt.state.facts.validTo;
  const paramsExpired = validTo !== undefined && Date.parse(validTo) <= rt.opts.clock().getTime();
  const afterParams = ['generate-material', 'backup-shares', 'verify-shares', 'wrap', 'import'].includes(
    next,
  );
  return (
    (afterParams && paramsExpired) || (NEEDS_MATERIAL.has(next) && (!rt.material || rt.material.disposed))
  );
}

/**
 * Rule 3 and 4 above, applied whenever the next step cannot run as things stand: after a restart,
 * and in a running ceremony after an error zeroed the material or the import parameters expired.
 */
export async function realign(
  rt: Runtime,
  apply: (ev: CeremonyEvent, failure?: StepFailure) => void,
): Promise<string[]> {
  const account: string[] = [];
  const j = rt.journal;
  if (!needsRealign(rt)) return account;
  const next = nextStep(rt.state);
  if (!next) return account;
  const idx = (s: StepId) =>
    ['generate-material', 'backup-shares', 'verify-shares', 'wrap', 'import'].indexOf(s);
  const validTo = rt.state.facts.validTo;
  const paramsExpired = validTo !== undefined && Date.parse(validTo) <= rt.opts.clock().getTime();
  const pendingImport = async () => {
    const keyId = rt.state.facts.keyId;
    if (!keyId) return true;
    return (await rt.kms.describeKey(keyId)).keyState === 'PendingImport';
  };

  if (idx(next) >= 0 && paramsExpired) {
    if (!(await pendingImport())) {
      account.push(
        'the key is no longer PendingImport: the ceremony cannot continue; investigate before anything else',
      );
      return account;
    }
    await voidShares(rt, account);
    apply({
      kind: 'rewound',
      to: 'import-parameters',
      reason: 'import parameters expired; material is gone from memory',
    });
    account.push(
      'import parameters expired: rewound to fetch new ones and generate material again (nothing was imported)',
    );
  } else if (NEEDS_MATERIAL.has(next) && (!rt.material || rt.material.disposed)) {
    if (!(await pendingImport())) {
      account.push(
        'the key is no longer PendingImport: the ceremony cannot continue; investigate before anything else',
      );
      return account;
    }
    await voidShares(rt, account);
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
      `material was lost before ${next}: rewound to generate material (${rt.plan.material.mode}); the key is still PendingImport`,
    );
  }
  return account;
}

async function voidShares(rt: Runtime, account: string[]): Promise<void> {
  const files = listShareFiles(rt.paths.sharesDir);
  if (files.length === 0) return;
  let n = 1;
  while (existsSync(path.join(rt.paths.sharesDir, `void-${n}`))) n++;
  const dest = path.join(rt.paths.sharesDir, `void-${n}`);
  await rt.journal.effect(
    'media.move-files',
    `move ${files.length} share file(s) to shares/void-${n}`,
    { to: `shares/void-${n}` },
    () => {
      mkdirSync(dest, { recursive: true, mode: 0o700 });
      for (const f of files) renameSync(f, path.join(dest, path.basename(f)));
      syncDirectory(rt.paths.sharesDir);
    },
    () => ({}),
  );
  rt.journal.append('backup.voided', { moved: files.length, to: `shares/void-${n}` });
  account.push(`${files.length} share file(s) of the abandoned material moved to shares/void-${n}/`);
}

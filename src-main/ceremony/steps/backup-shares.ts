import { readdirSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import { createSealedShares } from '../../secrets/backup-shares.js';
import type { ShareFileOnDisk } from '../ceremony-files.js';
import type { StepContext } from '../step-context.js';
import type { LogView } from '../ceremony-log.js';
import { rewrapping } from './replica-rewrap.js';

export async function runBackupShares(ctx: StepContext): Promise<FactsOf<'backup-shares'>> {
  const material = ctx.secrets.requireMaterial();
  // Wrapping the same material again for a replica (replica-rewrap.ts): its shares exist and stay.
  if (rewrapping(ctx.log))
    return {
      note: 'the backup shares made before the first import back up this same material; none are made again',
    };
  const kcv = ctx.log.facts.kcv ?? ctx.log.facts.publicKeyFingerprint ?? '';
  const custodians = ctx.log.plan.participants.custodians;
  const recipients = custodians.map((c) => {
    const e = ctx.log.enrollment(c.id);
    if (!e) throw new Error(`custodian ${c.id} not enrolled`);
    return { custodianId: c.id, sharePublicKey: e.sharePublicKey };
  });
  const files = await createSealedShares(
    ctx.log.ceremonyId,
    material,
    kcv,
    recipients,
    ctx.log.plan.quorum.m,
  );
  const commitments: { holder: string; digest: string; fileDigest: string }[] = [];
  for (const f of files) {
    const e = ctx.log.enrollment(f.custodianId);
    if (!e) throw new Error('unreachable');
    const onDisk: ShareFileOnDisk = {
      ...f,
      holder: {
        signingPublicKey: e.signingPublicKey,
        sharePublicKey: e.sharePublicKey,
        sealedKeys: e.sealedKeys,
      },
    };
    const fileDigest = await ctx.journal.writeFile(
      ctx.paths.share(f.custodianId),
      `shares/${f.custodianId}.share.json`,
      JSON.stringify(onDisk, null, 2) + '\n',
    );
    commitments.push({ holder: f.custodianId, digest: f.commitment, fileDigest });
  }
  // Folded into the log's picture: these commitments are the current ones, and no share is verified yet.
  ctx.journal.append('backup.created', {
    threshold: ctx.log.plan.quorum.m,
    total: files.length,
    commitments,
  });
  return { note: `${files.length} sealed shares, any ${ctx.log.plan.quorum.m} rebuild the key` };
}

/**
 * The backup is proven when a quorum of shares has been opened against its commitments: that many
 * rebuild the material. Custodians who were not present stay pending, named in the step's record.
 */
export async function runVerifyShares(ctx: StepContext): Promise<FactsOf<'verify-shares'>> {
  const { verified, pending } = shareVerification(ctx.log);
  const m = ctx.log.plan.quorum.m;
  if (verified.length < m)
    throw new KeyriteError(
      'SHARES_NOT_VERIFIED',
      `${verified.length} of the ${m} share(s) needed are verified; not yet: ${pending.join(', ')}`,
      'custodians open their own share with their passphrase; any ' + m + ' prove the backup',
    );
  return {
    note:
      pending.length === 0
        ? `all ${verified.length} shares open and match their commitments`
        : `${verified.length} of ${verified.length + pending.length} shares verified now (${verified.join(', ')}); pending: ${pending.join(', ')}`,
  };
}

/** Who has opened their share against its commitment, and who has not yet (plan order). */
export function shareVerification(log: LogView): { verified: string[]; pending: string[] } {
  const ids = log.plan.participants.custodians.map((c) => c.id);
  return {
    verified: ids.filter((id) => log.shareVerified(id)),
    pending: ids.filter((id) => !log.shareVerified(id)),
  };
}

export function listShareFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith('.share.json'))
      .map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

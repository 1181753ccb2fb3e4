import { readdirSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import { createSealedShares } from '../../secrets/backup-shares.js';
import type { ShareFileOnDisk } from '../ceremony-files.js';
import type { StepContext } from '../step-context.js';

export async function runBackupShares(ctx: StepContext): Promise<FactsOf<'backup-shares'>> {
  const material = ctx.secrets.requireMaterial();
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

export async function runVerifyShares(ctx: StepContext): Promise<FactsOf<'verify-shares'>> {
  const missing = ctx.log.plan.participants.custodians.filter((c) => !ctx.log.shareVerified(c.id));
  if (missing.length > 0)
    throw new KeyriteError(
      'SHARES_NOT_VERIFIED',
      `${missing.length} share(s) not yet verified: ${missing.map((c) => c.id).join(', ')}`,
      'each custodian opens their own share with their passphrase',
    );
  return { note: `all ${ctx.log.sharesVerified} shares open and match their commitments` };
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

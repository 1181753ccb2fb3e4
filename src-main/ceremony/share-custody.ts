import { KeyriteError } from '../../src-shared/errors.js';
import type { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { openShare } from '../secrets/backup-shares.js';
import { unlockCustodian, type UnlockedCustodian } from '../secrets/custodian-keys.js';
import { readShareFile } from './ceremony-files.js';
import type { CeremonyParts } from './ceremony-parts.js';

/**
 * Backup-share custody: a custodian proves their new share opens and matches the commitment made
 * when it was created; in a reconstitution, custodians open shares of an earlier backup, which the
 * secrets in hand keep until the material is rebuilt. Passphrases are disposed whatever happens.
 */
export async function verifyShare(
  p: CeremonyParts,
  custodianId: string,
  passphrase: SecretBuffer,
): Promise<void> {
  let unlocked: UnlockedCustodian | undefined;
  try {
    const e = p.log.enrollment(custodianId);
    if (!e)
      throw new KeyriteError(
        'NOT_A_CUSTODIAN',
        `${custodianId} is not an enrolled custodian`,
        'only custodians hold shares',
      );
    const commitment = p.log.commitments.get(custodianId);
    if (!commitment)
      throw new KeyriteError(
        'SHARES_NOT_CREATED',
        'no backup shares have been created yet',
        'run the backup-shares step first',
      );
    const file = readShareFile(p.paths.share(custodianId));
    unlocked = await p.attempts.guard(custodianId, 'verify-shares', 'verify-share', () =>
      unlockCustodian(p.log.ceremonyId, e, passphrase),
    );
    openShare(file, unlocked, commitment).dispose();
    p.journal.append('backup.share-verified', { holder: custodianId, digest: commitment }, custodianId);
    p.signals.changed();
  } finally {
    unlocked?.dispose();
    passphrase.dispose();
  }
}

/** Existing-shares mode: a custodian opens a share from an earlier ceremony for reconstitution. */
export async function provideShare(
  p: CeremonyParts,
  shareFile: string,
  passphrase: SecretBuffer,
): Promise<{ holder: string; kcv: string }> {
  let unlocked: UnlockedCustodian | undefined;
  try {
    const file = readShareFile(shareFile);
    assertSameBackup(p, file);
    unlocked = await p.attempts.guard(file.custodianId, 'generate-material', 'open-share', () =>
      unlockCustodian(file.ceremonyId, { custodianId: file.custodianId, ...file.holder }, passphrase),
    );
    const share = openShare(file, unlocked, file.commitment);
    // Again after the key derivation: other custodians' shares may have been opened meanwhile.
    try {
      assertSameBackup(p, file);
    } catch (e) {
      share.dispose();
      throw e;
    }
    p.secrets.holdShare(file.custodianId, share, {
      ceremonyId: file.ceremonyId,
      materialKcv: file.materialKcv,
      threshold: file.threshold,
    });
    p.journal.append('backup.share-opened', {
      holder: file.custodianId,
      digest: file.commitment,
      sourceCeremony: file.ceremonyId,
    });
    return { holder: file.custodianId, kcv: file.materialKcv };
  } finally {
    unlocked?.dispose();
    passphrase.dispose();
  }
}

/** Shamir cannot tell shares of two backups apart: mixed shares would rebuild a wrong key silently. */
function assertSameBackup(p: CeremonyParts, file: { ceremonyId: string; materialKcv: string }): void {
  const src = p.secrets.shareSource;
  if (src && (src.ceremonyId !== file.ceremonyId || src.materialKcv !== file.materialKcv))
    throw new KeyriteError(
      'SHARES_INCONSISTENT',
      `this share belongs to another backup (ceremony ${file.ceremonyId}) than the shares already opened`,
      'open shares of one backup only',
    );
}

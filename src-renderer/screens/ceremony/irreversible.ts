import type { CeremonyView } from '../../../src-shared/ipc/ceremony-view.js';

/** The steps that cannot be undone, and what exactly cannot be undone about each, said before Run. */
export function irreversibility(view: CeremonyView, stepId: string): string | null {
  const id = view.keyIdentity;
  switch (stepId) {
    case 'create-key':
      // Huawei keeps a key scheduled for deletion 7 to 1,096 days (its schedule-key-deletion API), AWS 7 to 30.
      return id?.provider === 'huawei'
        ? `Create-key makes a KMS key in project ${id.accountId} that stays until it is scheduled for deletion (7 to 1,096 days).`
        : `CreateKey makes a KMS key in account ${id?.accountId ?? 'the planned account'} that stays until it is scheduled for deletion (7 to 30 days).`;
    case 'import':
      // In a rotation the import only stages the new material (PENDING_ROTATION): it can still be
      // deleted, and the key takes other material at every rotation. The rotate step is the final one.
      if (view.steps.some((s) => s.id === 'rotate' && s.status !== 'skipped')) return null;
      return 'Importing binds this material to the KMS key for good: KMS refuses any other material for it from then on.';
    case 'rotate':
      return 'Rotating makes the new material current for every new encryption; KMS cannot make the earlier material current again (a later rotation needs new material).';
    case 'close':
      return 'Closing zeroizes every secret this station holds for the ceremony and signs the final checkpoint; nothing can be added afterwards.';
    default:
      return null;
  }
}

import { KeyriteError } from '../../src-shared/errors.js';
import type { CeremonyParts } from './ceremony-parts.js';

/** A sealed share as the log knows it: where the station keeps it and the digests logged when sealed. */
export interface SealedShare {
  holder: string;
  /** The station's copy in the ceremony directory (never sent to the renderer). */
  file: string;
  /** SHA-256 of the share file as written at the backup-shares step. */
  fileDigest: string;
  commitment: string;
  /** The last verified copy to a custodian's medium since these shares were sealed. */
  /** `mediumDigest`: the device's tag (backup.share-copied), absent in logs from before it was recorded. */
  copied?: { fileName: string; fileDigest: string; at: string; mediumDigest?: string };
}

/**
 * What leaves the station after the ceremony — the report saved elsewhere, each backup share copied to
 * its custodian's medium — recorded in the log, each record then covered by a station-signed
 * checkpoint so the log's tail stays sealed after the ceremony closed.
 */
export class CeremonyExports {
  constructor(private readonly p: CeremonyParts) {}

  /** The current backup's shares (the last `backup.created`) and which were copied since. */
  sealedShares(): SealedShare[] {
    const created = this.p.journal.records('backup.created').at(-1);
    if (!created) return [];
    const copies = new Map(
      this.p.journal
        .records('backup.share-copied')
        .filter((r) => r.seq > created.seq)
        .map((r) => [
          r.payload.holder,
          {
            fileName: r.payload.fileName,
            fileDigest: r.payload.fileDigest,
            at: r.time,
            ...(r.payload.mediumDigest ? { mediumDigest: r.payload.mediumDigest } : {}),
          },
        ]),
    );
    return created.payload.commitments.map((c) => {
      const copied = copies.get(c.holder);
      return {
        holder: c.holder,
        file: this.p.paths.share(c.holder),
        fileDigest: c.fileDigest,
        commitment: c.digest,
        ...(copied ? { copied } : {}),
      };
    });
  }

  sealedShare(holder: string): SealedShare {
    const s = this.sealedShares().find((x) => x.holder === holder);
    if (!s)
      throw new KeyriteError(
        'SHARES_NOT_CREATED',
        `there is no sealed backup share for ${holder} in this ceremony`,
        'copy shares to media after the "Write backup shares" step, one per custodian of the plan',
      );
    return s;
  }

  shareCopied(copy: {
    holder: string;
    fileName: string;
    fileDigest: string;
    bytes: number;
    mediumDigest?: string;
  }): void {
    this.sealedShare(copy.holder);
    this.p.journal.append('backup.share-copied', copy);
    this.#seal();
  }

  reportExported(info: {
    format: 'html' | 'pdf';
    destination: string;
    fileDigest: string;
    bytes: number;
  }): void {
    this.p.journal.append('ceremony.report-exported', info);
    this.#seal();
  }

  #seal(): void {
    this.p.journal.checkpoint();
    this.p.signals.changed();
  }
}

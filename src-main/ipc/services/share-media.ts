import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import { readShareFile } from '../../ceremony/ceremony-files.js';
import type { SealedShare } from '../../ceremony/exports.js';
import { copyToMedium, mediumError, mediumOf, type MediumId } from '../../media/share-medium.js';
import { isWithinDirectory } from '../../media/within-directory.js';
import type { KeyriteServices } from '../services.js';
import type { ShellPorts } from '../shell-ports.js';
import type { CeremonyHost } from './ceremony-host.js';

type ShareMediaOps = 'ceremony.shareMedia' | 'ceremony.copyShare';

/**
 * Backup shares to the media their custodians take away. The operator picks a directory in main's
 * dialog for one custodian at a time (the renderer names no path); the sealed share is copied there,
 * read back, compared with the digest logged when it was sealed, its envelope's structure checked
 * (never opened: that needs the custodian's passphrase), and synced — only then is the copy recorded
 * and the medium shown as safe to remove. One medium per custodian: a directory or device that holds
 * another custodian's share is refused, and so is the station's own data directory.
 */
export function shareMediaOps(
  host: CeremonyHost,
  ports: Pick<ShellPorts, 'chooseDirectory' | 'dataDirectory'>,
): Pick<KeyriteServices, ShareMediaOps> {
  /**
   * The directories used in this session, per ceremony and custodian (the log keeps no paths); the
   * devices are in the log as tags, so one medium per custodian also holds after a restart.
   */
  const used = new Map<string, Map<string, string>>();

  const nameOf = (id: string) =>
    host.require().plan.participants.custodians.find((c) => c.id === id)?.name ?? id;
  const list = () => {
    const svc = host.require();
    return svc.exports.sealedShares().map((s) => ({
      custodianId: s.holder,
      name: nameOf(s.holder),
      ...(s.copied
        ? {
            state: 'safe-to-remove' as const,
            fileName: s.copied.fileName,
            sha256: s.copied.fileDigest,
            at: s.copied.at,
          }
        : { state: 'on-station' as const }),
    }));
  };

  return {
    'ceremony.shareMedia': async () => ({ shares: host.current ? list() : [] }),
    'ceremony.copyShare': async ({ custodianId }) => {
      const svc = host.require();
      const share = svc.exports.sealedShare(custodianId);
      const whose = nameOf(custodianId);
      const dir = await ports.chooseDirectory('share-medium', whose);
      if (!dir) return { status: 'cancelled' };
      const medium = mediumOf(dir, whose);
      const directories = used.get(svc.ceremonyId) ?? new Map<string, string>();
      const tag = mediumTag(svc.ceremonyId, medium);
      const devices = new Map(
        svc.exports
          .sealedShares()
          .flatMap((s) => (s.copied?.mediumDigest ? [[s.holder, s.copied.mediumDigest]] : [])),
      );
      refuseSharedMedium(
        { directory: medium.directory, tag },
        custodianId,
        { directories, devices },
        nameOf,
        path.resolve(ports.dataDirectory),
      );
      const fileName = `${svc.ceremonyId}-${custodianId}.share.json`;
      let data: Buffer;
      try {
        data = readFileSync(share.file);
      } catch (e) {
        throw mediumError(e, 'the station');
      }
      // Only the bytes sealed at the backup-shares step leave the station.
      if (createHash('sha256').update(data).digest('hex') !== share.fileDigest)
        throw new KeyriteError(
          'SHARE_CHANGED_ON_STATION',
          `${custodianId}'s share on the station is not the file sealed at the backup-shares step`,
          'do not hand it out; stop and compare the ceremony directory with the log',
        );
      const copy = copyToMedium(data, dir, fileName, whose, (file) =>
        checkEnvelope(file, share, svc.ceremonyId),
      );
      svc.exports.shareCopied({
        holder: custodianId,
        fileName,
        fileDigest: copy.sha256,
        bytes: copy.bytes,
        mediumDigest: tag,
      });
      directories.set(custodianId, medium.directory);
      used.set(svc.ceremonyId, directories);
      return { status: 'chosen', value: { custodianId, fileName, bytes: copy.bytes, sha256: copy.sha256 } };
    },
  };
}

/** The device of a medium as the log keeps it: comparable by this station, meaningless to a reader. */
function mediumTag(ceremonyId: string, medium: MediumId): string {
  return createHash('sha256').update(`keyrite/medium/v1\0${ceremonyId}\0${medium.device}`).digest('hex');
}

function refuseSharedMedium(
  medium: { directory: string; tag: string },
  custodianId: string,
  used: { directories: ReadonlyMap<string, string>; devices: ReadonlyMap<string, string> },
  nameOf: (id: string) => string,
  station: string,
): void {
  if (isWithinDirectory(medium.directory, station))
    throw new KeyriteError(
      'MEDIUM_IS_STATION',
      "That directory is inside the station's own data directory, not a medium a custodian takes away",
      "choose the custodian's removable medium",
    );
  const refuse = (what: string, other: string) =>
    new KeyriteError(
      'MEDIUM_ALREADY_USED',
      `${what} already holds ${nameOf(other)}'s share`,
      'One medium per custodian, so no one carries two shares away: insert another medium.',
    );
  for (const [other, directory] of used.directories)
    if (other !== custodianId && directory === medium.directory) throw refuse('That directory', other);
  for (const [other, tag] of used.devices)
    if (other !== custodianId && tag === medium.tag) throw refuse('That device', other);
}

/** The copy's envelope: the sealed share of this ceremony for this custodian, with its commitment. */
function checkEnvelope(file: string, share: SealedShare, ceremonyId: string): void {
  const f = readShareFile(file);
  if (f.ceremonyId !== ceremonyId || f.custodianId !== share.holder || f.commitment !== share.commitment)
    throw new KeyriteError(
      'MEDIUM_VERIFY_FAILED',
      `the copy on the medium is not ${share.holder}'s sealed share of this ceremony`,
      'use another medium; the share stays on the station',
    );
}

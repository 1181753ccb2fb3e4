import { createHash } from 'node:crypto';
import path from 'node:path';
import { normalizeFingerprint } from '../../../src-shared/audit/station-chain.js';
import { KeyriteError } from '../../../src-shared/errors.js';
import type { ResponseOf } from '../../../src-shared/ipc/index.js';
import type { mediumChoice } from '../../../src-shared/ipc/station-contract.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import { listBundles, type BundleOnMedium } from '../../media/bundle-dir.js';
import { isWithinDirectory } from '../../media/within-directory.js';
import { listRemovableVolumes, type RemovableVolume } from '../../media/removable-volumes.js';
import type { KeyriteServices } from '../services.js';
import type { ShellPorts } from '../shell-ports.js';
import type { CeremonyHost } from './ceremony-host.js';
import { consoleRequestView } from './console-ops.js';
import { CONSOLE_FILES } from '../../ceremony/console-response.js';
import type { z } from 'zod';

type BundleOps = 'media.volumes' | 'bundle.state' | 'bundle.write' | 'bundle.read' | 'ceremony.startOffline';
type MediumChoice = z.output<typeof mediumChoice>;

/** A volume's id: the same mount point keeps the same id from one list to the next. */
const volumeId = (v: RemovableVolume) =>
  `vol-${createHash('sha256').update(v.mountPoint).digest('hex').slice(0, 12)}`;

const fingerprint = (hex: string) => ({ hex, words: toWords(hex) });

/** The other station's fingerprint as its room read it aloud; refused in words when it is not one. */
function typedPeer(text: string | undefined): string | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const fp = normalizeFingerprint(text);
  if (!fp)
    throw new KeyriteError(
      'PEER_FINGERPRINT_INVALID',
      'The other station’s fingerprint must be 64 hexadecimal digits (spaces and colons may separate them).',
      'Ask the other room to read its station fingerprint again, or leave the field empty to pin the station that signed this bundle.',
    );
  return fp;
}

/** A bundle of this kind on the medium, for this ceremony (or, at the offline start, for exactly one). */
function bundleOn(
  dir: string,
  label: string,
  kind: 'request' | 'response',
  ceremonyId?: string,
): BundleOnMedium {
  const all = listBundles(dir).filter((b) => b.kind === kind);
  const mine = ceremonyId ? all.filter((b) => b.ceremonyId === ceremonyId) : all;
  if (!ceremonyId && new Set(mine.map((b) => b.ceremonyId)).size > 1)
    throw new KeyriteError(
      'BUNDLE_AMBIGUOUS',
      `${label} holds request bundles of ${new Set(mine.map((b) => b.ceremonyId)).size} ceremonies.`,
      'Use a medium that holds only this ceremony’s bundles.',
    );
  const found = mine[0];
  if (!found)
    throw new KeyriteError(
      'BUNDLE_NONE_ON_MEDIUM',
      `There is no ${kind} bundle${ceremonyId ? ` of ceremony ${ceremonyId}` : ''} on ${label}.`,
      kind === 'request'
        ? 'Carry the medium from the online station after it wrote the request, or choose the medium that holds it.'
        : 'Carry the medium from the offline station after it wrote the response, or choose the medium that holds it.',
    );
  return found;
}

/**
 * The bundles of a split ceremony as the room handles them: which removable drives are there, what this
 * station must write or read now, and the writing and reading themselves (the engine verifies, records,
 * and refuses in words). The renderer names a listed volume by its id or asks for main's folder dialog;
 * no path crosses from the renderer.
 */
export function bundleOps(
  host: CeremonyHost,
  ports: Pick<ShellPorts, 'chooseDirectory' | 'dataDirectory' | 'volumes'>,
): Pick<KeyriteServices, BundleOps> {
  let listed = new Map<string, RemovableVolume>();

  /** The chosen medium's directory and a name for it in messages; null when the dialog was cancelled. */
  const medium = async (
    m: MediumChoice,
    forWhat: string,
    writing = false,
  ): Promise<{ dir: string; label: string } | null> => {
    if ('folder' in m) {
      const dir = await ports.chooseDirectory('bundle-medium', forWhat);
      if (!dir) return null;
      refuseStationDirectory(dir, ports.dataDirectory);
      return { dir, label: `the folder ${path.basename(dir)}` };
    }
    const v = listed.get(m.volumeId);
    if (!v)
      throw new KeyriteError(
        'MEDIUM_NOT_LISTED',
        'That removable drive is not in the list any more.',
        'Look for removable drives again, or choose a folder by hand.',
      );
    if (writing && v.readOnly)
      throw new KeyriteError(
        'MEDIUM_READ_ONLY',
        `${v.label} is mounted read-only: ${forWhat} cannot be written there.`,
        'Choose another drive, or remount this one writable (check its lock switch).',
      );
    return { dir: v.mountPoint, label: v.label };
  };

  const state = (): ResponseOf<'bundle.state'> => {
    const svc = host.current;
    const role = svc?.stationRole;
    if (!svc || !role) return { written: [], accepted: [] };
    const { written, accepted } = svc.bundles;
    const peer = svc.peerStation;
    const due = svc.bundleDue();
    const fromConsole = role === 'offline' ? svc.consoleRequest : undefined;
    return {
      role,
      ...(due ? { due } : {}),
      station: fingerprint(svc.stationFingerprint),
      ...(peer ? { peer: fingerprint(peer) } : {}),
      written: written.map((b) => ({
        kind: b.kind,
        sequence: b.sequence,
        ...(b.bundleDigest ? { digest: b.bundleDigest, digestWords: toWords(b.bundleDigest) } : {}),
      })),
      accepted: accepted.map((b) => ({
        kind: b.kind,
        sequence: b.sequence,
        digest: b.bundleDigest,
        digestWords: toWords(b.bundleDigest),
      })),
      ...(fromConsole ? { consoleRequest: consoleRequestView(fromConsole) } : {}),
    };
  };

  return {
    'media.volumes': async () => {
      const r = await listRemovableVolumes(ports.volumes);
      listed = new Map(r.volumes.map((v) => [volumeId(v), v]));
      return {
        volumes: [...listed].map(([id, v]) => ({
          id,
          label: v.label,
          mountPoint: v.mountPoint,
          readOnly: v.readOnly,
          ...(v.fileSystem ? { fileSystem: v.fileSystem } : {}),
        })),
        ...(r.problem ? { problem: r.problem } : {}),
      };
    },
    'bundle.state': async () => state(),
    'bundle.write': async ({ medium: m }) => {
      const svc = host.require();
      const due = svc.bundleDue();
      if (due !== 'write-request' && due !== 'write-response')
        throw new KeyriteError(
          'BUNDLE_NOT_DUE',
          'This station owes the other station no bundle now.',
          due ? 'Read the bundle the other station wrote first.' : 'Carry on with the step on screen.',
        );
      const kind = due === 'write-request' ? 'request' : 'response';
      const where = await medium(m, `the ${kind} bundle`, true);
      if (!where) return { status: 'cancelled' };
      const w = await svc.writeBundle(where.dir);
      return {
        status: 'chosen',
        value: {
          kind: w.kind,
          sequence: w.sequence,
          directoryName: path.basename(w.dir),
          medium: where.label,
          digest: w.bundleDigest,
          digestWords: w.bundleDigestWords,
          ...(w.commandLines
            ? { console: { files: Object.values(CONSOLE_FILES), commandLines: w.commandLines } }
            : {}),
        },
      };
    },
    'bundle.read': async ({ medium: m, peerStation }) => {
      const svc = host.require();
      const due = svc.bundleDue();
      if (due !== 'read-request' && due !== 'read-response')
        throw new KeyriteError(
          'BUNDLE_NOT_DUE',
          'This station expects no bundle from the other station now.',
          due ? 'Write the bundle this station owes first.' : 'Carry on with the step on screen.',
        );
      const peer = typedPeer(peerStation);
      const kind = due === 'read-request' ? 'request' : 'response';
      const where = await medium(m, `the ${kind} bundle`);
      if (!where) return { status: 'cancelled' };
      const found = bundleOn(where.dir, where.label, kind, svc.ceremonyId);
      const b = await svc.readBundle(found.dir, peer);
      return {
        status: 'chosen',
        value: {
          kind: b.kind,
          sequence: b.sequence,
          digest: b.bundleDigest,
          digestWords: b.bundleDigestWords,
          station: { hex: b.stationFingerprint, words: b.stationWords },
          pinned: b.pinned,
        },
      };
    },
    'ceremony.startOffline': async ({ medium: m, peerStation }) => {
      const peer = typedPeer(peerStation);
      const where = await medium(m, 'the request bundle');
      if (!where) return { status: 'cancelled' };
      const found = bundleOn(where.dir, where.label, 'request');
      const svc = await host.startOffline(found.dir, peer);
      return svc ? { status: 'chosen', value: host.view() } : { status: 'cancelled' };
    },
  };
}

/** The station's own data directory is not a medium: nothing carried across may live in it. */
function refuseStationDirectory(dir: string, dataDirectory: string): void {
  if (isWithinDirectory(dir, dataDirectory))
    throw new KeyriteError(
      'MEDIUM_IS_STATION',
      "That folder is inside the station's own data directory, not a medium carried to the other station.",
      'Choose the removable medium, or a folder outside the data directory.',
    );
}

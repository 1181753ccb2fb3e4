import { z } from 'zod';
import { hexDigest, identifier, words } from './schemas.js';

/**
 * The air-gapped flow's part of the contract (issue 11): the station's role, removable media, and the
 * signed bundles carried between the online and the offline station. Paths never cross from the
 * renderer: a medium is named by the id main gave it in its last list, or chosen in main's dialog.
 */
export const STATION_ROLES = ['single', 'online', 'offline'] as const;
export const stationRoleChoice = z.enum(STATION_ROLES);

/** A station key fingerprint as people compare it: 64 hex digits and PGP words. */
const fingerprint = z.object({ hex: hexDigest, words });

export const stationView = z.object({
  /** Unset until someone chooses (or a loaded ceremony says) what this station is. */
  role: stationRoleChoice.optional(),
  /** True while a loaded ceremony fixes the role: it changes only with the next ceremony. */
  locked: z.boolean(),
  /** This station's key, which signs its log and its bundles; the other room pins it. */
  station: fingerprint.optional(),
  /** Why the station key is not available (no OS keystore), when it is not. */
  stationProblem: z.string().max(512).optional(),
});

/** A removable volume main found: named by an id that is valid until the next list. */
export const volumeView = z.object({
  id: identifier,
  label: z.string().max(256),
  mountPoint: z.string().max(4096),
  fileSystem: z.string().max(64).optional(),
  readOnly: z.boolean(),
});

export const volumeList = z.object({
  volumes: z.array(volumeView).max(32),
  problem: z.string().max(512).optional(),
});

/** Where a bundle goes or comes from: a listed volume, or a folder chosen by hand in main's dialog. */
export const mediumChoice = z.union([
  z.strictObject({ volumeId: identifier }),
  z.strictObject({ folder: z.literal(true) }),
]);

/** A 64-hex fingerprint as people type it from the other room (spaces and colons allowed). */
export const typedFingerprint = z.string().min(1).max(200);

const bundleKind = z.enum(['request', 'response']);

export const bundleRecord = z.object({
  kind: bundleKind,
  sequence: z.number().int().min(1),
  digest: hexDigest.optional(),
  digestWords: words.optional(),
});

/**
 * A request from the AWS console or the AWS CLI, as the offline station accepted it. It carries NO
 * station signature: people compare its SHA-256 and the wrapping key's fingerprint with the console.
 */
export const consoleRequestView = z.object({
  /** Which files it came as: the console's zip, or the CLI's JSON. */
  source: z.string().max(64),
  digest: hexDigest,
  digestWords: words,
  keyId: z.string().max(256),
  keyArn: z.string().max(2048).optional(),
  wrappingKeySpec: z.string().max(64),
  wrappingKey: fingerprint,
  validTo: z.string().max(64),
  algorithm: z.string().max(64),
  /** False when the files do not name the algorithm: the plan's is assumed (KMS refuses a mismatch). */
  algorithmStated: z.boolean(),
});

/** What a split ceremony's station must do with the medium now, and every bundle it wrote or accepted. */
export const bundleState = z.object({
  role: z.enum(['online', 'offline']).optional(),
  due: z.enum(['write-request', 'read-request', 'write-response', 'read-response']).optional(),
  station: fingerprint.optional(),
  /** The other station, pinned by the first bundle read from it. */
  peer: fingerprint.optional(),
  written: z.array(bundleRecord).max(64),
  accepted: z.array(bundleRecord).max(64),
  /** The offline station's ceremony started from a request of the AWS console or CLI. */
  consoleRequest: consoleRequestView.optional(),
});

export const writtenBundle = z.object({
  kind: bundleKind,
  sequence: z.number().int().min(1),
  directoryName: z.string().max(255),
  medium: z.string().max(4096),
  digest: hexDigest,
  digestWords: words,
  /**
   * The response for the AWS console or CLI (its digest is README.txt's): the files in the folder and
   * the `aws kms import-key-material` command to run in it.
   */
  console: z
    .object({
      files: z.array(z.string().max(255)).max(8),
      commandLines: z.array(z.string().max(2048)).max(16),
    })
    .optional(),
});

export const acceptedBundle = z.object({
  kind: bundleKind,
  sequence: z.number().int().min(1),
  digest: hexDigest,
  digestWords: words,
  station: fingerprint,
  /** True when this bundle introduced the other station: its fingerprint is pinned from now on. */
  pinned: z.boolean(),
});

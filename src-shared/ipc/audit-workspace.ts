import { z } from 'zod';
import { hexDigest, identifier, isoTime, words } from './schemas.js';
import { keyMaterialView } from './ceremony-view.js';

/**
 * The auditor workspace's view of a ceremony log opened read-only: the verification first (what an
 * auditor must see before reading anything), then what the filters can choose from and the log's
 * timeline by step. Records themselves come a page at a time (`auditRecordsPage`).
 */
const station = z.object({
  stationId: z.string().max(128),
  fingerprint: hexDigest,
  fingerprintWords: words,
  seq: z.number().int().min(0),
  introducedBy: z.string().max(128).optional(),
  trusted: z.boolean(),
});

const participantKey = z.object({
  seq: z.number().int().min(0),
  name: z.string().max(200),
  role: z.string().max(64),
  fingerprint: hexDigest,
});

export const openedLogVerification = z.object({
  intact: z.boolean(),
  records: z.number().int().min(0),
  checkpoints: z.number().int().min(0),
  rootHash: hexDigest.optional(),
  rootWords: words.optional(),
  /** The first record found wrong (0: not tied to one record), why, and the row as stored. */
  firstBad: z
    .object({
      seq: z.number().int().min(0),
      reason: z.string().max(1024),
      asStored: z
        .object({ time: z.string().max(64), actor: z.string().max(200), type: z.string().max(64) })
        .optional(),
    })
    .optional(),
  /** Records after the newest checkpoint: protected by the hash chain only, no signature. */
  unsealedTail: z
    .object({ from: z.number().int().min(1), to: z.number().int().min(1), count: z.number().int().min(1) })
    .optional(),
  stations: z.array(station).max(64),
  /** Fingerprints the auditor pinned for this verification (empty: none). */
  pins: z.array(hexDigest).max(16),
  /** Pins were given and the newest checkpoint is signed by a trusted station. */
  pinned: z.boolean(),
  participantKeys: z.array(participantKey).max(256),
  warnings: z.array(z.string().max(512)).max(16),
});

const timelineStep = z.object({
  stepId: identifier,
  title: z.string().max(200),
  startedAt: isoTime,
  endedAt: isoTime,
  status: z.enum(['completed', 'failed', 'open']),
  records: z.number().int().min(0),
  /** Failures and witness exceptions within the step. */
  alerts: z.number().int().min(0),
});

const choices = z.array(z.string().max(200)).max(500);

/** A key's materials as the log's hand-over record (`kms.key-materials`) lists them. */
export const recordedKeyMaterials = z.object({
  keyArn: z.string().max(2048),
  /** The record that lists them, and its time. */
  seq: z.number().int().min(1),
  at: isoTime,
  materials: z.array(keyMaterialView).max(64),
});
export type RecordedKeyMaterials = z.infer<typeof recordedKeyMaterials>;

export const auditWorkspace = z.object({
  fileName: z.string().max(255),
  verification: openedLogVerification,
  /** Records that could be read: all of them unless a row is damaged (then up to it). */
  readable: z.number().int().min(0),
  unreadable: z.object({ seq: z.number().int(), problem: z.string().max(512) }).optional(),
  filters: z.object({ ceremonies: choices, steps: choices, actors: choices, types: choices }),
  timeline: z.array(timelineStep).max(200),
  /** AWS symmetric keys: every material of each key, as the hand-over recorded it. */
  keyMaterials: z.array(recordedKeyMaterials).max(16).optional(),
});

export const auditRecordFilter = z.strictObject({
  ceremonyId: z.string().max(200).optional(),
  stepId: z.string().max(200).optional(),
  actor: z.string().max(200).optional(),
  type: z.string().max(200).optional(),
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(200).default(50),
});

export const auditRecordRow = z.object({
  seq: z.number().int(),
  time: z.string().max(64),
  ceremonyId: z.string().max(200),
  actor: z.string().max(200),
  type: z.string().max(64),
  /** The step the record belongs to ('' before the first step and between steps). */
  stepId: z.string().max(200),
  /** What happened, as a sentence. */
  text: z.string().max(4096),
  alert: z.boolean(),
  /** The payload as stored (canonical JSON), cut at 16 KiB with a note. */
  payload: z.string().max(16_500),
  hash: hexDigest,
});

export const auditRecordsPage = z.object({
  matched: z.number().int().min(0),
  offset: z.number().int().min(0),
  records: z.array(auditRecordRow).max(200),
});

export const AUDIT_EXPORT_FORMATS = ['jsonl', 'csv', 'html', 'pdf'] as const;

export type AuditWorkspace = z.infer<typeof auditWorkspace>;
export type OpenedLogVerification = z.infer<typeof openedLogVerification>;
export type AuditRecordRow = z.infer<typeof auditRecordRow>;
export type AuditRecordFilter = z.input<typeof auditRecordFilter>;

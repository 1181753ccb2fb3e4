import { z } from 'zod';
import { payloadSchemas } from '../audit/payload-schemas.js';
import type { AuditRecord } from '../audit/record.js';
import { FACT_SCHEMAS as F } from './facts.js';
import { intentPayload, outcomePayload } from './effects.js';
import { keyMaterialEntry } from './key-materials.js';
import { STEP_CATALOGUE, isStepId, type StepId } from './steps.js';
import { passphraseStrength } from './passphrase-strength.js';

/*
 * The record catalogue: every record type a ceremony log holds, each declared once with its payload
 * schema. The engine's journal takes only these types, with payloads the compiler checks and the
 * schema checks again before anything is written; replay, recovery and the report read records back
 * through the same schemas, so a record is never read by guessing at its fields.
 *
 * The audit log format underneath (src-shared/audit) is generic and checks less: field formats, the
 * secret guard, station keys, checkpoints. These schemas are the ceremony's own, stricter contract.
 */
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/);
const name = z.string().min(1).max(200);
const id = z.string().min(1).max(64);
const stepId = z.string().refine((s): s is StepId => isStepId(s), 'not a step of the catalogue');
const isoTime = z.iso.datetime({ offset: true });

/** One output for another cloud as the station that wrote it records it (`wrap.output`). */
export const wrapOutput = z.strictObject({
  cloud: z.enum(['gcp', 'azure']),
  /** Relative to the ceremony directory, e.g. outputs/gcp-1-payments.bin. */
  file: z.string().min(1).max(256),
  bytes: z.number().int().min(1),
  outputDigest: hex64,
  wrappingKeyFingerprint: hex64,
  method: z.string().min(1).max(64),
  /** In words: the import job's name (Google) or the key exchange key's kid (Azure). */
  destination: z.string().min(1).max(512),
  /** The upload command, word for word, run from the ceremony directory. */
  command: z.string().min(1).max(2048),
});
export type WrapOutput = z.output<typeof wrapOutput>;

/** Every fact is optional here: which ones a step must give is its catalogue entry's business. */
export const ceremonyFacts = z.strictObject(F).partial();

/** What a custodian confirms: where the key and material stand, and the plan they agreed to. */
export const challengeFacts = z.strictObject({
  keyArn: F.keyArn.optional(),
  algorithm: F.algorithm.optional(),
  wrappingKeyFingerprint: F.wrappingKeyFingerprint.optional(),
  kcv: F.kcv.optional(),
  publicKeyFingerprint: F.publicKeyFingerprint.optional(),
  wrappedKeyDigest: F.wrappedKeyDigest.optional(),
  validTo: F.validTo.optional(),
  /** Multi-Region: every replica's region, ARN, wrapping key and wrapped blob, confirmed with the primary's. */
  replicaKeys: F.replicaKeys.optional(),
  planDigest: F.planDigest,
  keySpec: F.keySpec,
});
export type ChallengeFacts = z.output<typeof challengeFacts>;

const stepCompleted = z.strictObject({ stepId, facts: ceremonyFacts }).superRefine((p, ctx) => {
  const r = STEP_CATALOGUE[p.stepId].facts.safeParse(p.facts);
  if (!r.success)
    ctx.addIssue({
      code: 'custom',
      path: ['facts', ...(r.error.issues[0]?.path ?? [])],
      message: `not the facts of step ${p.stepId}: ${r.error.issues[0]?.message ?? 'invalid'}`,
    });
});

const scryptCost = z.strictObject({ N: z.number().int(), r: z.number().int(), p: z.number().int() });

/** A custodian's keys: Ed25519 to sign confirmations, X25519 to receive backup shares. */
const custodianEnrolled = z.strictObject({
  name,
  custodianId: id,
  role: z.literal('custodian'),
  publicKey: base64,
  sharePublicKey: base64,
  fingerprint: hex64,
  scrypt: scryptCost,
  strength: passphraseStrength.optional(),
});

/** A witness's Ed25519 key: it signs their sign-off and their exceptions. */
const witnessEnrolled = z.strictObject({
  name,
  witnessId: id,
  role: z.literal('witness'),
  publicKey: base64,
  fingerprint: hex64,
  scrypt: scryptCost,
  strength: passphraseStrength.optional(),
});

const witnessSignature = { publicKey: base64.optional(), signature: base64.optional() };

const entry = <T extends string, S extends z.ZodType>(type: T, payload: S) =>
  z.strictObject({ type: z.literal(type), payload });

export const ceremonyRecord = z.discriminatedUnion('type', [
  // ceremony
  entry(
    'ceremony.started',
    z.strictObject({
      planDigest: hex64,
      title: z.string().max(500),
      // A split ceremony: which station this log belongs to (stations.ts).
      station: z.enum(['online', 'offline']).optional(),
    }),
  ),
  entry('ceremony.closed', z.strictObject({ status: z.literal('completed'), keyArn: F.keyArn.optional() })),
  // Signed by the witness with the key they enrolled (src-shared/audit/witness-statement.ts). Optional
  // in the schema so logs written before witnesses had keys still read; the engine signs every new one.
  entry('ceremony.witness-signoff', z.strictObject({ witness: name, witnessId: id, ...witnessSignature })),
  // A copy of the ceremony's report saved where the operator chose (the station's own report.html is
  // rewritten from the log; this records which bytes left the station, and where to).
  entry(
    'ceremony.report-exported',
    z.strictObject({
      format: z.enum(['html', 'pdf']),
      destination: z.string().min(1).max(1024),
      fileDigest: hex64,
      bytes: z.number().int().min(0),
    }),
  ),
  entry('participant.enrolled', z.union([custodianEnrolled, witnessEnrolled])),
  entry(
    'witness.exception',
    z.strictObject({ witness: name, witnessId: id, stepId, text: z.string().max(2000), ...witnessSignature }),
  ),
  // steps
  entry('step.started', z.strictObject({ stepId })),
  entry('step.completed', stepCompleted),
  entry(
    'step.failed',
    z.strictObject({
      stepId,
      code: z.string().min(1).max(100),
      message: z.string().max(1000),
      hint: z.string().max(1000).optional(),
    }),
  ),
  entry('step.rewound', z.strictObject({ stepId, reason: z.string().max(1000) })),
  // quorum
  entry(
    'step.challenge',
    z.strictObject({
      stepId,
      digest: hex64,
      nonce: z.string().max(64),
      chainHead: hex64,
      expiresAt: isoTime,
      facts: challengeFacts,
    }),
  ),
  entry(
    'step.confirmed',
    z.strictObject({
      stepId,
      custodian: id,
      digest: hex64,
      signature: base64,
      publicKey: base64,
      nonce: z.string().max(64),
    }),
  ),
  entry('step.confirmation-refused', z.strictObject({ stepId, custodian: id, code: z.string().max(100) })),
  // A passphrase that did not open a custodian's key: who, at which step, for what (the record's time
  // says when). Replayed on reopening, so a restart neither forgets the count nor shortens the wait.
  entry(
    'step.passphrase-refused',
    z.strictObject({
      custodian: id,
      stepId,
      // 'witness': a witness's passphrase for their sign-off or an exception (the custodian field holds the witness id).
      purpose: z.enum(['confirm', 'verify-share', 'open-share', 'witness']),
      /** Wrong passphrases this custodian has typed at this step, this one included. */
      attempt: z.number().int().min(1),
      /** Attempts the plan still allows at this step; absent when the plan sets no cap. */
      remaining: z.number().int().min(0).optional(),
      /** No passphrase of this custodian is tried at this step before this time (doubling back-off). */
      notBefore: isoTime,
    }),
  ),
  entry(
    'step.quorum-met',
    z.strictObject({ stepId, nonce: z.string().max(64), custodians: z.array(id).max(64) }),
  ),
  entry(
    'audit.cosignature',
    z.strictObject({
      treeSize: z.number().int().min(1),
      rootHash: hex64,
      signer: name,
      publicKey: base64,
      signature: base64,
    }),
  ),
  // KMS
  entry(
    'kms.identity',
    // callerArn where the cloud names the caller (AWS); otherwise the principal in words (Huawei: the
    // shortened access key, and that KMS has no caller-identity call).
    z.strictObject({
      // The AWS account, or (Huawei) the project the signed call was accepted in.
      account: z.string().max(64).optional(),
      projectId: z
        .string()
        .regex(/^[0-9a-f]{32}$/)
        .optional(),
      callerArn: F.keyArn.optional(),
      principal: z.string().max(512).optional(),
      region: F.region,
      // Absent: the regional endpoint (and in logs written before the endpoint was recorded).
      endpoint: z.string().max(2048).optional(),
    }),
  ),
  entry('kms.key-reused', z.strictObject({ keyArn: F.keyArn, note: F.note })),
  entry(
    'kms.verified',
    z.strictObject({
      keyArn: F.keyArn,
      keyState: F.keyState,
      check: z.string().max(1000),
      keyMaterialId: F.keyMaterialId.optional(),
    }),
  ),
  entry(
    'kms.rotated',
    z.strictObject({
      keyArn: F.keyArn,
      keyMaterialId: F.keyMaterialId,
      priorKeyMaterialId: F.priorKeyMaterialId,
      check: z.string().max(1000),
    }),
  ),
  entry(
    'kms.key-materials',
    z.strictObject({ keyArn: F.keyArn, materials: z.array(keyMaterialEntry).max(64) }),
  ),
  // Multi-Region: each replica as ReplicateKey made it, and what was fetched and wrapped for it.
  entry(
    'kms.replicated',
    z.strictObject({ keyArn: F.keyArn, region: F.region, replicaArn: F.keyArn, keyState: F.keyState }),
  ),
  entry(
    'params.replica-fetched',
    z.strictObject({
      keyArn: F.keyArn,
      region: F.region,
      algorithm: F.algorithm,
      wrappingKeySpec: z.string().max(64),
      wrappingKeyFingerprint: F.wrappingKeyFingerprint,
      importTokenDigest: F.importTokenDigest,
      validTo: F.validTo,
    }),
  ),
  entry(
    'wrap.replica',
    z.strictObject({
      keyArn: F.keyArn,
      region: F.region,
      wrappingKeyFingerprint: F.wrappingKeyFingerprint,
      wrappedKeyDigest: F.wrappedKeyDigest,
    }),
  ),
  entry(
    'params.fetched',
    z.strictObject({
      keyArn: F.keyArn,
      algorithm: F.algorithm,
      wrappingKeySpec: z.string().max(64),
      wrappingKeyFingerprint: F.wrappingKeyFingerprint,
      importTokenDigest: F.importTokenDigest,
      validTo: F.validTo,
    }),
  ),
  // material and backup
  entry(
    'material.kcv',
    z.strictObject({ kcv: F.kcv, scope: z.enum(['material', 'combined']), method: z.string().max(64) }),
  ),
  entry(
    'material.public-key',
    z.strictObject({ publicKeyFingerprint: F.publicKeyFingerprint, method: z.string().max(64) }),
  ),
  entry('material.zeroized', z.strictObject({ note: F.note })),
  entry('material.lost', z.strictObject({ stepId, note: F.note })),
  entry(
    'backup.created',
    z.strictObject({
      threshold: z.number().int().min(1),
      total: z.number().int().min(1),
      commitments: z.array(z.strictObject({ holder: id, digest: hex64, fileDigest: hex64 })).max(64),
    }),
  ),
  entry('backup.share-verified', z.strictObject({ holder: id, digest: hex64 })),
  entry(
    'backup.share-opened',
    z.strictObject({ holder: id, digest: hex64, sourceCeremony: z.string().max(64) }),
  ),
  entry('backup.voided', z.strictObject({ moved: z.number().int().min(1), to: z.string().max(512) })),
  // A sealed share copied to the medium its custodian takes away: read back, its digest equal to the
  // one logged when it was sealed, synced. The file name only: a medium's path says nothing to a reader.
  entry(
    'backup.share-copied',
    z.strictObject({
      holder: id,
      fileName: z.string().min(1).max(255),
      fileDigest: hex64,
      bytes: z.number().int().min(1),
      /**
       * Which device the copy went to, as a tag only the station can compare: SHA-256 over the ceremony
       * id and the device number. One medium per custodian holds across restarts; a reader learns nothing.
       */
      mediumDigest: hex64.optional(),
    }),
  ),
  entry(
    'wrap.done',
    z.strictObject({
      algorithm: F.algorithm,
      wrappingKeyFingerprint: F.wrappingKeyFingerprint,
      wrappedKeyDigest: F.wrappedKeyDigest,
    }),
  ),
  // The plan's outputs for other clouds (Google Cloud KMS, Azure Key Vault): what was written, never the material.
  entry(
    'wrap.output',
    wrapOutput.extend({
      /**
       * Split ceremonies: the online station's copy of a record the offline station logged (its station
       * fingerprint), relayed by the response bundle; the files are in `folder` beside that bundle.
       */
      offlineStationFingerprint: hex64.optional(),
      folder: z
        .string()
        .regex(/^keyrite-cer-[0-9a-f]{1,32}-outputs-\d{1,7}$/)
        .optional(),
    }),
  ),
  // bundles between the stations of a split ceremony (docs/BUNDLES.md)
  entry(
    'bundle.accepted',
    z.strictObject({
      kind: z.enum(['request', 'response']),
      sequence: z.number().int().min(1),
      bundleDigest: hex64,
      stationFingerprint: hex64,
      /** The first bundle pins its writer: every later one must come from the same station. */
      pinned: z.boolean(),
    }),
  ),
  entry(
    'bundle.refused',
    z.strictObject({
      code: z.string().min(1).max(100),
      message: z.string().max(1000),
      bundleDigest: hex64.optional(),
      // Only before the offline station's ceremony began (no ceremony id yet): the plan it read under.
      planDigest: hex64.optional(),
    }),
  ),
  // The offline station's request from the AWS console or CLI (no station signature: see docs/BUNDLES.md).
  entry(
    'bundle.console-request',
    z.strictObject({
      /** How it arrived: "console zip", "CLI JSON", "keyrite parameters file". */
      source: z.string().min(1).max(64),
      /** SHA-256 of the file exactly as read. */
      requestDigest: hex64,
      keyId: F.keyId,
      keyArn: F.keyArn.optional(),
      wrappingKeyFingerprint: F.wrappingKeyFingerprint,
      importTokenDigest: F.importTokenDigest,
      validTo: F.validTo,
      /** False when the parameters do not name their algorithm and the plan's was assumed. */
      algorithmStated: z.boolean(),
      signed: z.literal(false),
    }),
  ),
  entry(
    'bundle.console-response',
    z.strictObject({
      /** The directory's name on the medium. */
      dir: z.string().min(1).max(256),
      files: z
        .array(
          z.strictObject({ name: z.string().min(1).max(128), bytes: z.number().int().min(1), digest: hex64 }),
        )
        .min(1)
        .max(8),
      /** The upload command, word for word, run in that directory. */
      command: z.string().min(1).max(2048),
    }),
  ),
  // Written by the audit store, not by the journal: read here so every record reads the same way.
  entry('intent', intentPayload),
  entry('outcome', outcomePayload),
  entry('audit.checkpoint', payloadSchemas['audit.checkpoint']),
  entry('station.key', payloadSchemas['station.key']),
]);

/** A record of the catalogue: its type and its payload as the schema parsed it. */
export type CeremonyRecordBody = z.output<typeof ceremonyRecord>;
export type RecordType = CeremonyRecordBody['type'];
export type PayloadOf<T extends RecordType> = Extract<CeremonyRecordBody, { type: T }>['payload'];
/** What the engine writes itself; the store writes the rest (intents, outcomes, checkpoints, station keys). */
export type JournalRecordType = Exclude<
  RecordType,
  'intent' | 'outcome' | 'audit.checkpoint' | 'station.key'
>;
/** What a writer passes: the schema's input (an optional field may be left out). */
export type PayloadInput<T extends RecordType> = Extract<
  z.input<typeof ceremonyRecord>,
  { type: T }
>['payload'];

/** A stored record read through the catalogue: the audit fields plus the typed type and payload. */
export type CeremonyRecord = Omit<AuditRecord, 'type' | 'payload'> & CeremonyRecordBody;

/** Parses one stored record; the reason when it is not a record of the catalogue. */
export function readRecord(r: AuditRecord): CeremonyRecord | { seq: number; problem: string } {
  const parsed = ceremonyRecord.safeParse({ type: r.type, payload: r.payload });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    return {
      seq: r.seq,
      problem: `record ${r.seq} (${r.type}) does not fit the catalogue at ${where}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return withEnvelope(r, parsed.data);
}

/**
 * A stored record with its type and payload as the catalogue read them: for a writer that read the
 * payload through the catalogue just before the store wrote it, so it need not read it again.
 */
export function withEnvelope(r: AuditRecord, read: CeremonyRecordBody): CeremonyRecord {
  return {
    seq: r.seq,
    time: r.time,
    ceremonyId: r.ceremonyId,
    stationId: r.stationId,
    actor: r.actor,
    prevHash: r.prevHash,
    hash: r.hash,
    ...read,
  };
}

/** Narrows a read record to one type (for filtering a log by type). */
export function isRecordOf<T extends RecordType>(
  type: T,
  r: CeremonyRecord,
): r is Extract<CeremonyRecord, { type: T }> {
  return r.type === type;
}

import { z } from 'zod';
import { HASH_HEX } from './hashing.js';
import { KEY_NAME } from './key-name.js';

/*
 * Every record type has a payload schema, checked when a record is appended and again when a log is
 * verified. Well-known types have explicit shapes (the report reads them); the families `ceremony.`,
 * `step.`, `kms.`, `material.`, `backup.`, `bundle.`, `params.` and `wrap.` accept any object, but the
 * well-known field names below keep their meaning wherever they appear (a `kcv` is always 6 hex digits).
 * Extra fields are allowed: the secret guard still inspects every one of them.
 */
const hex64 = z.string().regex(HASH_HEX, 'expected 64 lowercase hex digits');
const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected base64');
const name = z.string().min(1).max(200);
const kcv = z.string().regex(/^[0-9A-F]{6}$/, 'a KCV is 6 upper-case hex digits');
const stepId = z.string().min(1).max(100);
const details = z.record(z.string(), z.unknown());

export const ROLES = ['administrator', 'custodian', 'witness', 'auditor'] as const;

export const payloadSchemas = {
  'station.key': z.looseObject({
    stationId: z.string().regex(/^[0-9a-f]{32}$/),
    publicKey: base64,
    algorithm: z.literal('ed25519'),
    // A station replacing the log's station carries the replaced station's signature (station-chain.ts).
    introduction: z
      .strictObject({ stationId: z.string().regex(/^[0-9a-f]{32}$/), signature: base64 })
      .optional(),
  }),
  'audit.checkpoint': z.looseObject({
    treeSize: z.number().int().min(1),
    rootHash: hex64,
    time: z.string(),
    stationSignature: base64,
    cosigners: z.array(name),
  }),
  // A custodian's Ed25519 signature over the digest of the checkpoint at `treeSize` (see docs/FORMAT.md).
  'audit.cosignature': z.looseObject({
    treeSize: z.number().int().min(1),
    rootHash: hex64,
    signer: name,
    publicKey: base64,
    signature: base64,
  }),
  'ceremony.started': z.looseObject({ planDigest: hex64, title: z.string().max(500).optional() }),
  'ceremony.closed': z.looseObject({ status: z.enum(['completed', 'aborted', 'failed']) }),
  'participant.enrolled': z.looseObject({
    name,
    role: z.enum(ROLES),
    publicKey: base64.optional(),
    fingerprint: hex64.optional(),
    // A witness's key: their statements (sign-off, exceptions) are signed with it (witness-statement.ts).
    witnessId: z.string().min(1).max(64).optional(),
  }),
  // Signed by the witness since witnesses enroll keys; older logs hold unsigned ones (no key, no signature).
  'ceremony.witness-signoff': z.looseObject({
    witness: name,
    witnessId: z.string().min(1).max(64),
    publicKey: base64.optional(),
    signature: base64.optional(),
  }),
  'step.started': z.looseObject({ stepId }),
  'step.confirmed': z.looseObject({
    stepId,
    custodian: name,
    digest: hex64,
    signature: base64,
    publicKey: base64.optional(),
  }),
  'step.completed': z.looseObject({ stepId }),
  'step.failed': z.looseObject({ stepId, code: z.string().min(1).max(100), message: z.string().max(1000) }),
  'material.kcv': z.looseObject({
    kcv,
    scope: z.enum(['material', 'component', 'combined', 'backup']),
    holder: name.optional(),
  }),
  'witness.exception': z.looseObject({
    witness: name,
    text: z.string().min(1).max(5000),
    stepId: stepId.optional(),
    witnessId: z.string().min(1).max(64).optional(),
    publicKey: base64.optional(),
    signature: base64.optional(),
  }),
  intent: z.looseObject({ action: z.string().min(1).max(100), effect: z.string().min(1).max(500), details }),
  outcome: z.looseObject({
    intentSeq: z.number().int().min(1),
    action: z.string().min(1).max(100),
    ok: z.boolean(),
    details,
  }),
  note: z.looseObject({ text: z.string().min(1).max(5000) }),
} as const;

export type KnownRecordType = keyof typeof payloadSchemas;

/** The payload shape of a well-known record type, for callers that want the compiler to check them. */
export type PayloadOf<T extends KnownRecordType> = z.input<(typeof payloadSchemas)[T]>;

const FAMILY =
  /^(ceremony|step|kms|material|backup|bundle|params|wrap)\.[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/** Field names whose format is fixed wherever they appear in a payload. */
const fieldFormats: Array<[RegExp, z.ZodType]> = [
  [/^([A-Za-z]*Kcv|kcv)$/, kcv],
  [/^(fingerprint|[A-Za-z]*Fingerprint|digest|planDigest|rootHash|chainHead)$/, hex64],
  [/^(keyArn|[A-Za-z]*Arn)$/, z.string().regex(KEY_NAME, 'expected an ARN or a Huawei KMS key URN')],
  [/^keyMaterialId$/, hex64],
];

/** Any name in fieldFormats: one test per key before the four (most keys have no fixed format). */
const FORMATTED_FIELD = new RegExp(fieldFormats.map(([re]) => `(?:${re.source})`).join('|'));

function checkFieldFormats(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = checkFieldFormats(value[i], `${path}[${i}]`);
      if (p) return p;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && FORMATTED_FIELD.test(k)) {
        for (const [re, schema] of fieldFormats) {
          if (re.test(k) && !schema.safeParse(v).success) return `${path}.${k} has the wrong format`;
        }
      }
      const p = checkFieldFormats(v, `${path}.${k}`);
      if (p) return p;
    }
  }
  return undefined;
}

export function isKnownRecordType(type: string): type is KnownRecordType {
  return Object.prototype.hasOwnProperty.call(payloadSchemas, type);
}

/** A well-known record's type and payload, parsed: what the verifier reads instead of guessing. */
export type KnownRecord = {
  [T in KnownRecordType]: { type: T; payload: z.output<(typeof payloadSchemas)[T]> };
}[KnownRecordType];

/**
 * Checks a payload against its record type: the reason it does not fit, or the well-known record it
 * parses to (null for a type of an open family, which has no schema of its own).
 */
export function readPayload(
  type: string,
  payload: unknown,
): { problem: string } | { known: KnownRecord | null } {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return { problem: 'payload is not an object' };
  let parsed: KnownRecord | null = null;
  if (isKnownRecordType(type)) {
    // The type's own schema, not the union over {type, payload}: the same parse without a wrapper
    // object and a dispatch per record (verification parses every record of a log).
    const r = payloadSchemas[type].safeParse(payload);
    if (!r.success) {
      const issue = r.error.issues[0];
      const where = issue?.path.join('.') || '(root)';
      return { problem: `payload does not fit ${type}: ${where}: ${issue?.message ?? 'invalid'}` };
    }
    parsed = { type, payload: r.data } as KnownRecord;
  } else if (!FAMILY.test(type)) {
    return { problem: `unknown record type "${type}"` };
  }
  const format = checkFieldFormats(payload, 'payload');
  return format ? { problem: format } : { known: parsed };
}

/** Answers why a payload does not fit its record type, or undefined when it fits. */
export function payloadProblem(type: string, payload: unknown): string | undefined {
  const r = readPayload(type, payload);
  return 'problem' in r ? r.problem : undefined;
}

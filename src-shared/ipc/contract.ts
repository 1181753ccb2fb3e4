import { z } from 'zod';
import {
  AUDIT_EXPORT_FORMATS,
  auditRecordFilter,
  auditRecordsPage,
  auditWorkspace,
} from './audit-workspace.js';
import { ceremonyView, keyMaterialsListing } from './ceremony-view.js';
import type { EventName, OperationName } from './names.js';
import {
  empty,
  hexDigest,
  identifier,
  isoTime,
  passphrase,
  secretBytes,
  stepFacts,
  words,
} from './schemas.js';
import {
  acceptedBundle,
  bundleState,
  consoleRequestView,
  mediumChoice,
  stationRoleChoice,
  stationView,
  typedFingerprint,
  volumeList,
  writtenBundle,
} from './station-contract.js';

/**
 * The IPC contract: every operation once, with its request and response schema. main.ts registers
 * handlers from this table, the preload exposes one method per entry, and the renderer's client is
 * typed from it. Requests are strict (unknown keys refused); responses strip unknown keys so nothing
 * the services add by accident crosses to the renderer.
 */
export interface Operation<Req extends z.ZodType, Res extends z.ZodType> {
  request: Req;
  response: Res;
  /** Upper bound of the serialized request in bytes, checked before the schema is. */
  maxRequestBytes: number;
}

function op<Req extends z.ZodType, Res extends z.ZodType>(
  request: Req,
  response: Res,
  maxRequestBytes = 4096,
): Operation<Req, Res> {
  return { request, response, maxRequestBytes };
}

const appInfo = z.object({
  name: z.literal('Keyrite'),
  version: z.string().max(32),
  stationId: z.string().max(128),
  stationKeyFingerprint: hexDigest.optional(),
  mode: z.enum(['online', 'offline', 'rehearsal']),
  dataDirectory: z.string().max(4096),
});

/** Import parameters are public, but their bytes still stay in main: the renderer sees the summary. */
const paramsSummary = z.object({
  files: z.array(z.string().max(255)).max(8),
  /** The cloud that issued them, when the files say so (Huawei's console files and JSON do). */
  provider: z.enum(['aws', 'huawei']).optional(),
  keyId: z.string().max(128).optional(),
  algorithm: z.string().max(64).optional(),
  wrappingKeySpec: z.string().max(32),
  wrappingKeyFingerprint: hexDigest,
  wrappingKeyFingerprintWords: words.optional(),
  validTo: isoTime.optional(),
  expired: z.boolean(),
  hasImportToken: z.boolean(),
});

const chosen = <T extends z.ZodType>(inner: T) =>
  z.discriminatedUnion('status', [
    z.object({ status: z.literal('cancelled') }),
    z.object({ status: z.literal('chosen'), value: inner }),
  ]);

const auditVerification = z.object({
  intact: z.boolean(),
  records: z.number().int().min(0),
  checkpoints: z.number().int().min(0),
  firstBad: z.object({ seq: z.number().int(), reason: z.string().max(512) }).optional(),
});

const auditSummary = z.object({
  records: z.number().int().min(0),
  headHash: hexDigest.optional(),
  headWords: words.optional(),
  lastCheckpoint: z
    .object({
      treeSize: z.number().int().min(0),
      rootHash: hexDigest,
      rootWords: words.optional(),
      time: isoTime,
    })
    .optional(),
  recent: z
    .array(
      z.object({
        seq: z.number().int(),
        time: isoTime,
        type: z.string().max(64),
        actor: z.string().max(128),
      }),
    )
    .max(50),
});

/**
 * Who the station would act as in the current ceremony's cloud (or AWS before a plan is loaded): the
 * AWS account and caller ARN, or the Huawei Cloud project and the access key that signed (Huawei KMS
 * has no caller-identity call, so `principal` says what was proven instead of an ARN).
 */
const kmsIdentity = z.object({
  provider: z.enum(['aws', 'huawei']),
  /**
   * Where the identity came from: the cloud's own endpoint, a Keyrite emulator (a rehearsal: it answered
   * as one), or another endpoint the operator configured, which is named as such and never as an emulator.
   */
  endpoint: z.enum(['aws', 'huawei', 'emulator', 'other']),
  endpointUrl: z.string().max(2048).optional(),
  region: z.string().max(32),
  account: z.string().max(32),
  arn: z.string().max(2048).optional(),
  principal: z.string().max(1024).optional(),
});

const stepRef = z.strictObject({ stepId: identifier });

/** The passphrase policy the engine enforces, for front ends to explain (they never decide it). */
const passphrasePolicy = z.object({
  rule: z.string().max(1024),
  minCharacters: z.number().int().min(1),
  maxBytes: z.number().int().min(1),
  minScore: z.number().int().min(0).max(4),
  minGuessesLog10: z.number().min(0),
  generatedWords: z.number().int().min(1),
  generatedBits: z.number().int().min(1),
  kdf: z.object({
    algorithm: z.literal('scrypt'),
    N: z.number().int().min(2),
    r: z.number().int().min(1),
    p: z.number().int().min(1),
    memoryMiB: z.number().int().min(1),
  }),
});

/** The estimator's verdict on one passphrase; never the passphrase. */
const passphraseVerdict = z.object({
  acceptable: z.boolean(),
  score: z.number().int().min(0).max(4),
  guessesLog10: z.number().min(0),
  problems: z.array(z.string().max(256)).max(8),
  warning: z.string().max(256).optional(),
  suggestions: z.array(z.string().max(256)).max(8),
});

export const operations = {
  'app.info': op(empty, appInfo),
  // Opens (or focuses) the witness display: a second window on the witness route, public facts only.
  'app.openWitnessDisplay': op(empty, z.object({ opened: z.boolean() })),
  // The file is chosen in main (a dialog in Electron, the test's choice in the harness): the request
  // names no path, so a compromised renderer cannot make main read a file of its choosing.
  'params.inspect': op(empty, chosen(paramsSummary)),
  'audit.verify': op(empty, auditVerification),
  'audit.summary': op(empty, auditSummary),
  // The auditor workspace: main asks for the log with its own dialog (no path crosses) and opens it
  // read-only; pinning re-verifies that same file against the fingerprints the auditor typed.
  'audit.openLog': op(empty, chosen(auditWorkspace)),
  'audit.pinStations': op(
    z.strictObject({ stations: z.array(z.string().min(1).max(200)).max(16) }),
    auditWorkspace,
  ),
  'audit.records': op(auditRecordFilter, auditRecordsPage),
  'audit.exportLog': op(
    z.strictObject({ format: z.enum(AUDIT_EXPORT_FORMATS) }),
    chosen(
      z.object({
        fileName: z.string().max(255),
        bytes: z.number().int().min(0),
        format: z.enum(AUDIT_EXPORT_FORMATS),
      }),
    ),
  ),
  'kms.identity': op(empty, kmsIdentity),
  'ceremony.loadPlan': op(empty, chosen(ceremonyView)),
  'ceremony.state': op(empty, ceremonyView),
  // The key's materials live from KMS (every region of a multi-Region key), or — KMS unreachable —
  // the list the hand-over recorded, labelled so; absent before the ceremony has a key with material ids.
  'ceremony.keyMaterials': op(empty, z.object({ listing: keyMaterialsListing.optional() })),
  'ceremony.enroll': op(
    z.strictObject({ custodianId: identifier, passphrase }),
    z.object({ custodianId: identifier, publicKeyFingerprint: hexDigest }),
  ),
  'ceremony.confirm': op(
    z.strictObject({ stepId: identifier, custodianId: identifier, passphrase }),
    z.object({
      stepId: identifier,
      custodianId: identifier,
      confirmations: z.number().int().min(0),
      required: z.number().int().min(1),
    }),
  ),
  // Split knowledge: a custodian types their component (hex) at the station when the engine asks for
  // it; the renderer decodes the hex into bytes. Like a passphrase it goes renderer → main only, as
  // bytes; the reply carries the component's check value, which that custodian alone compares.
  'ceremony.enterComponent': op(
    z.strictObject({
      custodianId: identifier,
      component: secretBytes(1, 64),
    }),
    z.object({ custodianId: identifier, checkValue: z.string().max(128) }),
  ),
  // A custodian proves their backup share opens and matches its commitment, without reconstruction.
  'ceremony.verifyShare': op(z.strictObject({ custodianId: identifier, passphrase }), ceremonyView),
  // Existing-shares mode: a custodian opens their backup share from an earlier ceremony (found in
  // the plan's shares directory by their id) for reconstitution; the reply is the material's check value.
  'ceremony.openShare': op(
    z.strictObject({ custodianId: identifier, passphrase }),
    z.object({ custodianId: identifier, checkValue: z.string().max(128) }),
  ),
  'ceremony.runStep': op(stepRef, ceremonyView),
  // A witness's statements are signed with the key they enrolled: their passphrase unlocks it, as
  // bytes like every passphrase (a renderer cannot act as a witness without it).
  'ceremony.witnessException': op(
    z.strictObject({
      stepId: identifier,
      witnessId: identifier,
      text: z.string().min(1).max(2000),
      passphrase,
    }),
    ceremonyView,
    8192,
  ),
  'ceremony.witnessSignOff': op(z.strictObject({ witnessId: identifier, passphrase }), ceremonyView),
  'ceremony.report': op(empty, z.object({ fileName: z.string().max(255), bytes: z.number().int().min(0) })),
  // The report printed to PDF (Electron's printToPDF; Chromium's PDF in the harness), saved where the
  // operator chooses in main's dialog; the reply names the file and its digest, which the log records.
  'ceremony.reportPdf': op(
    empty,
    chosen(z.object({ fileName: z.string().max(255), bytes: z.number().int().min(0), sha256: hexDigest })),
  ),
  // Backup shares to media: each sealed share, and whether a verified, synced copy reached its
  // custodian's medium (the log records each copy); a copy goes where main's directory dialog says.
  'ceremony.shareMedia': op(
    empty,
    z.object({
      shares: z
        .array(
          z.object({
            custodianId: identifier,
            name: z.string().max(200),
            state: z.enum(['on-station', 'safe-to-remove']),
            fileName: z.string().max(255).optional(),
            sha256: hexDigest.optional(),
            at: isoTime.optional(),
          }),
        )
        .max(64),
    }),
  ),
  'ceremony.copyShare': op(
    z.strictObject({ custodianId: identifier }),
    chosen(
      z.object({
        custodianId: identifier,
        fileName: z.string().max(255),
        bytes: z.number().int().min(0),
        sha256: hexDigest,
      }),
    ),
  ),
  'passphrase.policy': op(empty, passphrasePolicy),
  // The meter: judged exactly as enrollment will judge it (same estimator, same names counted against
  // it: the loaded ceremony's id and this custodian's id). Nothing is stored or logged.
  'passphrase.check': op(
    z.strictObject({ passphrase, custodianId: identifier.optional() }),
    passphraseVerdict,
  ),
  // The easy path: six random words of the EFF list, shown to the one custodian who enrolls with it.
  'passphrase.generate': op(
    z.strictObject({ custodianId: identifier.optional() }),
    z.object({
      passphrase: z.string().max(256),
      words: z.number().int().min(1),
      bits: z.number().int().min(1),
    }),
  ),
  // The air-gapped flow (station-contract.ts). The role is chosen before a plan is loaded; the offline
  // station never talks to KMS, so its role keeps every cloud call (kms.identity included) from running.
  'station.role': op(empty, stationView),
  'station.chooseRole': op(z.strictObject({ role: stationRoleChoice }), stationView),
  'media.volumes': op(empty, volumeList),
  'bundle.state': op(empty, bundleState),
  // Writes the bundle due now to the medium: atomic, read back and verified, synced; then "safe to remove".
  'bundle.write': op(z.strictObject({ medium: mediumChoice }), chosen(writtenBundle)),
  // Reads the bundle due now from the medium; `peerStation` is the other station's fingerprint as its
  // room read it aloud (pins it before the first bundle). A refusal comes back as a coded failure.
  'bundle.read': op(
    z.strictObject({ medium: mediumChoice, peerStation: typedFingerprint.optional() }),
    chosen(acceptedBundle),
  ),
  // The offline station starts from the reviewed plan (main's file dialog) and the request on the medium.
  'ceremony.startOffline': op(
    z.strictObject({ medium: mediumChoice, peerStation: typedFingerprint.optional() }),
    chosen(ceremonyView),
  ),
  // The offline station starts from a request of the AWS console or CLI (ImportParameters.zip or the
  // CLI's JSON) and the reviewed plan, both chosen in main's file dialogs. The request carries no station
  // signature; a refused one is recorded in the ceremony it started, which then waits for the right one.
  'ceremony.startOfflineFromConsole': op(empty, chosen(ceremonyView)),
  // Reads the request the offline station waits for from the AWS console or CLI (main's file dialog).
  'bundle.readConsoleRequest': op(empty, chosen(consoleRequestView)),
} satisfies Record<OperationName, Operation<z.ZodType, z.ZodType>>;

export const events = {
  'ceremony.progress': z.object({
    stepId: identifier,
    phase: z.string().max(64),
    message: z.string().max(512),
    facts: stepFacts.optional(),
    at: isoTime,
  }),
  'ceremony.changed': ceremonyView,
} satisfies Record<EventName, z.ZodType>;

export type Operations = typeof operations;
export type RequestOf<N extends OperationName> = z.input<Operations[N]['request']>;
export type ParsedRequestOf<N extends OperationName> = z.output<Operations[N]['request']>;
export type ResponseOf<N extends OperationName> = z.output<Operations[N]['response']>;
export type EventOf<E extends EventName> = z.output<(typeof events)[E]>;

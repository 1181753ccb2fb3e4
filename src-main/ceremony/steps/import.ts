import { readFileSync } from 'node:fs';
import { KeyriteError } from '../../../src-shared/errors.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import { sha256OfFile } from '../../media/atomic-file.js';
import type { KeyFacts, KmsPort } from '../../kms/kms-port.js';
import type { StepContext } from '../step-context.js';
import { keyIdOf, keyMaterialIdFact } from './kms-lookups.js';
import { isRotation, materialDescription } from './rotation.js';
import { hasMaterialIds } from './reimport.js';
import { isMultiRegion } from './multi-region.js';
import { importEveryRegion } from './multi-region-import.js';

/**
 * The import, under the step's quorum: into the key, and in a multi-Region ceremony into every region
 * in turn (multi-region-import.ts), skipping each region that already holds the material.
 */
export async function runImport(ctx: StepContext): Promise<FactsOf<'import'>> {
  if (isMultiRegion(ctx)) return importEveryRegion(ctx);
  const f = ctx.log.facts;
  assertParamsFresh(ctx, f.validTo);
  return importPrimary(ctx, await ctx.kms.describeKey(keyIdOf(ctx)));
}

/** A region's import parameters must still be valid when its import is sent (KMS would refuse the token). */
export function assertParamsFresh(ctx: StepContext, validTo: string | undefined, region?: string): void {
  if (validTo && Date.parse(validTo) <= ctx.settings.clock().getTime())
    throw new KeyriteError(
      'PARAMS_EXPIRED',
      `the import parameters${region ? ` for ${region}` : ''} expired at ${validTo}`,
      'reopen the ceremony: it fetches fresh import parameters',
    );
}

/** The import into the ceremony's own key, whose state (`before`) the caller has just asked KMS for. */
export async function importPrimary(ctx: StepContext, before: KeyFacts): Promise<FactsOf<'import'>> {
  const keyId = keyIdOf(ctx);
  const f = ctx.log.facts;
  // Only the blob this ceremony wrapped, byte for byte: a changed file is never imported.
  if (
    !fileMatches(ctx.paths.wrapped, f.wrappedKeyDigest) ||
    !fileMatches(ctx.paths.importToken, f.importTokenDigest) ||
    !f.wrappedKeyDigest ||
    !f.importTokenDigest
  )
    throw new KeyriteError(
      'IMPORT_FILES_CHANGED',
      'the wrapped material or import token on disk is not what this ceremony wrote',
      'do not import; reopen the ceremony so it can account for the files',
    );
  const rotation = isRotation(ctx);
  const expected = rotation ? 'Enabled' : 'PendingImport';
  const reimportId = rotation ? undefined : ctx.log.stepFacts('preflight')?.keyMaterialId;
  // This very blob was sent to this key before and no answer said it landed (lost, and the gateway's
  // check after it failed too): the key may be Enabled with this ceremony's material. The same bytes go
  // again, as a reimport KMS checks against the material the key holds (a different one is refused),
  // so its answer says whose material it is. A symmetric key says which material by its id; without
  // one the bytes would go as NEW material and be staged, not checked, so that key is refused.
  const resendAgainst = reimportId ?? (hasMaterialIds(ctx) ? before.keyMaterialId : undefined);
  const landedBefore =
    !rotation &&
    before.keyState === 'Enabled' &&
    (resendAgainst !== undefined || !hasMaterialIds(ctx)) &&
    sentBeforeUnanswered(ctx, before.arn, f.wrappedKeyDigest ?? '');
  if (before.keyState !== expected && !landedBefore)
    throw new KeyriteError(
      'IMPORT_KEY_NOT_PENDING',
      `key ${before.arn} is ${before.keyState}, not ${expected}`,
      'someone changed the key during the ceremony; stop and investigate',
    );
  if (rotation && before.keyMaterialId !== f.priorKeyMaterialId)
    throw new KeyriteError(
      'IMPORT_KEY_ROTATED',
      `key ${before.arn} has current material ${before.keyMaterialId ?? '(none)'}, not ${f.priorKeyMaterialId ?? '(none recorded)'} as at pre-flight`,
      'someone rotated the key during the ceremony; stop and investigate',
    );
  // Which material: new (first import or rotation), described with this ceremony so its backup shares
  // can find it again; or, into a key that held material, the one pre-flight chose to restore (or, sent
  // again, the one the key holds).
  const existingId = landedBefore ? resendAgainst : reimportId;
  const which: Partial<
    Pick<
      Parameters<KmsPort['importKeyMaterial']>[0],
      'importType' | 'keyMaterialId' | 'keyMaterialDescription'
    >
  > =
    existingId !== undefined
      ? { importType: 'EXISTING_KEY_MATERIAL' as const, keyMaterialId: existingId }
      : rotation || hasMaterialIds(ctx)
        ? { importType: 'NEW_KEY_MATERIAL' as const, keyMaterialDescription: materialDescription(ctx) }
        : {};
  const exp = ctx.log.plan.expiration;
  const validTo = exp.model === 'KEY_MATERIAL_EXPIRES' ? new Date(exp.validTo) : undefined;
  // KeyMaterialId (64 hex) is public (DescribeKey shows it to anyone who asks KMS); the secret guard
  // knows the field name, so it is logged in the outcome and the step's facts.
  const imported = await ctx.journal
    .effect(
      'kms.import-key-material',
      `ImportKeyMaterial ${exp.model}`,
      {
        keyArn: before.arn,
        wrappedKeyDigest: f.wrappedKeyDigest,
        importTokenDigest: f.importTokenDigest,
        expirationModel: exp.model,
        ...(which.importType ? { importType: which.importType } : {}),
      },
      () =>
        ctx.kms.importKeyMaterial({
          keyId,
          importToken: readFileSync(ctx.paths.importToken),
          encryptedKeyMaterial: readFileSync(ctx.paths.wrapped),
          expirationModel: exp.model,
          ...(validTo ? { validTo } : {}),
          ...which,
        }),
      (r) => keyMaterialIdFact(r.keyMaterialId),
    )
    .catch((e: unknown) => {
      // KMS refused this ceremony's material for a key that holds material: not ours, someone else's.
      if (landedBefore && e instanceof KeyriteError && e.code === 'KMS_INCORRECT_KEY_MATERIAL')
        throw new KeyriteError(
          'IMPORT_KEY_NOT_PENDING',
          `key ${before.arn} is Enabled with material this ceremony did not import: KMS refused this ceremony's material for it`,
          'someone changed the key during the ceremony; stop and investigate',
          { cause: e },
        );
      throw e;
    });
  if (reimportId !== undefined && imported.keyMaterialId !== reimportId)
    throw new KeyriteError(
      'IMPORT_OTHER_MATERIAL',
      `KMS reports material ${imported.keyMaterialId ?? '(none)'} imported into ${before.arn}, not ${reimportId}`,
      'list the key material (ListKeyRotations --include-key-material ALL_KEY_MATERIAL) and investigate',
    );
  if (rotation && keyMaterialIdFact(imported.keyMaterialId).keyMaterialId === undefined)
    throw new KeyriteError(
      'IMPORT_NO_MATERIAL_ID',
      `KMS imported new material into ${before.arn} but named no KeyMaterialId`,
      'list the key material (ListKeyRotations --include-key-material ALL_KEY_MATERIAL) and investigate before rotating',
    );
  return { keyArn: before.arn, ...keyMaterialIdFact(imported.keyMaterialId) };
}

/** Whether this ceremony sent the blob with `digest` to `keyArn` and no answer recorded it as imported. */
function sentBeforeUnanswered(ctx: StepContext, keyArn: string, digest: string): boolean {
  const answered = new Set<number>();
  for (const r of ctx.journal.records('outcome'))
    if (r.payload.action === 'kms.import-key-material' && r.payload.ok) answered.add(r.payload.intentSeq);
  return ctx.journal
    .records('intent')
    .some(
      (r) =>
        r.payload.action === 'kms.import-key-material' &&
        r.payload.details.keyArn === keyArn &&
        r.payload.details.wrappedKeyDigest === digest &&
        !answered.has(r.seq),
    );
}

function fileMatches(file: string, digest: string | undefined): boolean {
  return digest !== undefined && sha256OfFile(file) === digest;
}

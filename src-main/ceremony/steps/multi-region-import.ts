import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KeyriteError } from '../../../src-shared/errors.js';
import { sha256OfFile } from '../../media/atomic-file.js';
import type { KeyFacts, KmsPort } from '../../kms/kms-port.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import type { StepContext } from '../step-context.js';
import { recordedReplicas, regionalPort } from './multi-region.js';
import { isRotation, materialDescription, stagedMaterial } from './rotation.js';
import { keyIdOf } from './kms-lookups.js';
import { assertParamsFresh, importPrimary } from './import.js';

/*
 * Import and verify in every replica region. Each replica takes the primary's material as
 * EXISTING_KEY_MATERIAL under the primary's KeyMaterialId, so KMS itself checks that it is the very
 * material the primary holds. Every import asks KMS first whether that region already has it: a
 * resumed step imports only where the material is missing, never twice, never other material.
 */

/**
 * Every region in turn, the primary first: one DescribeKey per region says whether it already holds
 * this ceremony's material (a resumed step) or still waits for it; a region that waits must still have
 * valid import parameters of its own. The primary takes NEW_KEY_MATERIAL (or, on a first import, the
 * id-less form), each replica EXISTING_KEY_MATERIAL under the primary's KeyMaterialId.
 */
export async function importEveryRegion(ctx: StepContext): Promise<FactsOf<'import'>> {
  const home = ctx.log.plan.target.region;
  const before = await ctx.kms.describeKey(keyIdOf(ctx));
  let keyMaterialId = isRotation(ctx)
    ? await stagedOwn(ctx, before)
    : await ownMaterial(ctx, ctx.kms, before);
  const done: string[] = [];
  if (keyMaterialId !== null) {
    ctx.progress('import', `${home}: the material is already imported (an earlier run)`);
    done.push(`${home} (already)`);
  } else {
    assertParamsFresh(ctx, primaryParamsValidTo(ctx), home);
    const primary = await importPrimary(ctx, before);
    keyMaterialId = primary.keyMaterialId ?? null;
    if (keyMaterialId === null)
      throw new KeyriteError(
        'IMPORT_NO_MATERIAL_ID',
        `KMS imported material into ${primary.keyArn} but named no KeyMaterialId`,
        'the replicas cannot be given the same material without it; list the key material and investigate',
      );
    done.push(home);
  }
  done.push(...(await importIntoReplicas(ctx, keyMaterialId)));
  return {
    keyArn: before.arn,
    keyMaterialId,
    note: `material ${keyMaterialId.slice(0, 12)}… imported in ${done.join(', ')}`,
  };
}

/** When the primary's own import parameters expire (the ceremony's `validTo` is the earliest of all regions'). */
function primaryParamsValidTo(ctx: StepContext): string | undefined {
  return ctx.journal.records('params.fetched').at(-1)?.payload.validTo ?? ctx.log.facts.validTo;
}

/** When a replica's import parameters expire, as its latest fetch recorded. */
export function replicaParamsValidTo(ctx: StepContext, arn: string): string | undefined {
  return ctx.journal.records('params.replica-fetched').findLast((x) => x.payload.keyArn === arn)?.payload
    .validTo;
}

/**
 * The material this ceremony imported into a key (KMS's answer `k`): its id when the key is Enabled
 * with this ceremony's described material current; null while the key still waits for it; anything
 * else is someone else's doing and stops the ceremony.
 */
export async function ownMaterial(ctx: StepContext, kms: KmsPort, k: KeyFacts): Promise<string | null> {
  if (k.keyState === 'PendingImport') return null;
  const own = materialDescription(ctx);
  const m = (await kms.listKeyMaterials(k.arn)).find((x) => x.keyMaterialId === k.keyMaterialId);
  if (k.keyState !== 'Enabled' || !m || m.description !== own)
    throw new KeyriteError(
      'IMPORT_KEY_NOT_PENDING',
      `key ${k.arn} is ${k.keyState} with material ${k.keyMaterialId ?? '(none)'} that this ceremony did not import`,
      'someone changed the key during the ceremony; stop and investigate',
    );
  return m.keyMaterialId;
}

/** Rotating: this ceremony's new material, when the primary already holds it (pending rotation). */
async function stagedOwn(ctx: StepContext, primary: KeyFacts): Promise<string | null> {
  const staged = await stagedMaterial(ctx.kms, ctx.log.plan, ctx.log.ceremonyId, primary.arn);
  return staged && staged.importState !== 'PENDING_IMPORT' ? staged.keyMaterialId : null;
}

/**
 * Whether a replica already holds the material (an earlier run imported it), or waits for it in the
 * state the ceremony expects: PendingImport for a new multi-Region key; Enabled with the prior
 * material current when rotating. Anything else is someone else's doing.
 */
async function replicaHas(
  ctx: StepContext,
  kms: KmsPort,
  before: KeyFacts,
  keyMaterialId: string,
): Promise<boolean> {
  if (!isRotation(ctx)) {
    if (before.keyState === 'Enabled' && before.keyMaterialId === keyMaterialId) return true;
    if (before.keyState === 'PendingImport') return false;
  } else if (before.keyState === 'Enabled' && before.keyMaterialId === ctx.log.facts.priorKeyMaterialId) {
    const m = (await kms.listKeyMaterials(before.arn)).find((x) => x.keyMaterialId === keyMaterialId);
    return m !== undefined && m.importState !== 'PENDING_IMPORT';
  }
  throw new KeyriteError(
    'IMPORT_KEY_NOT_PENDING',
    `replica ${before.arn} is ${before.keyState}${before.keyMaterialId ? ` with material ${before.keyMaterialId} current` : ''}, not ${isRotation(ctx) ? `Enabled with ${ctx.log.facts.priorKeyMaterialId ?? '(none)'} current` : 'PendingImport'}`,
    'someone changed the replica during the ceremony; stop and investigate',
  );
}

/** ImportKeyMaterial EXISTING_KEY_MATERIAL into each replica still waiting for the primary's material. */
async function importIntoReplicas(ctx: StepContext, keyMaterialId: string): Promise<string[]> {
  const exp = ctx.log.plan.expiration;
  const validTo = exp.model === 'KEY_MATERIAL_EXPIRES' ? new Date(exp.validTo) : undefined;
  const done: string[] = [];
  for (const r of recordedReplicas(ctx)) {
    const kms = regionalPort(ctx.kms, r.region, ctx.log.plan.target.region);
    const before = await kms.describeKey(r.arn);
    if (await replicaHas(ctx, kms, before, keyMaterialId)) {
      ctx.progress('import', `${r.region}: the material is already imported (an earlier run)`);
      done.push(`${r.region} (already)`);
      continue;
    }
    assertParamsFresh(ctx, replicaParamsValidTo(ctx, r.arn), r.region);
    const files = ctx.paths.replicaImport(r.region);
    const tokenDigest = sha256OfFile(files.importToken);
    if (
      r.wrappedKeyDigest === undefined ||
      sha256OfFile(files.wrapped) !== r.wrappedKeyDigest ||
      ctx.journal.records('params.replica-fetched').findLast((x) => x.payload.keyArn === r.arn)?.payload
        .importTokenDigest !== tokenDigest
    )
      throw new KeyriteError(
        'IMPORT_FILES_CHANGED',
        `the wrapped material or import token on disk for ${r.region} is not what this ceremony wrote`,
        'do not import; reopen the ceremony so it can account for the files',
      );
    const imported = await ctx.journal.effect(
      'kms.import-key-material',
      `ImportKeyMaterial EXISTING_KEY_MATERIAL ${exp.model} in ${r.region}`,
      {
        keyArn: r.arn,
        wrappedKeyDigest: r.wrappedKeyDigest,
        importTokenDigest: tokenDigest,
        expirationModel: exp.model,
        importType: 'EXISTING_KEY_MATERIAL',
      },
      () =>
        kms.importKeyMaterial({
          keyId: r.arn,
          importToken: readFileSync(files.importToken),
          encryptedKeyMaterial: readFileSync(files.wrapped),
          expirationModel: exp.model,
          ...(validTo ? { validTo } : {}),
          importType: 'EXISTING_KEY_MATERIAL',
          keyMaterialId,
        }),
      (x) => (x.keyMaterialId ? { keyMaterialId: x.keyMaterialId } : {}),
      // Crash tests stop here between regions: `effect:kms.import-key-material:<region>`.
      r.region,
    );
    if (imported.keyMaterialId !== undefined && imported.keyMaterialId !== keyMaterialId)
      throw new KeyriteError(
        'IMPORT_OTHER_MATERIAL',
        `KMS reports material ${imported.keyMaterialId} imported into ${r.arn}, not ${keyMaterialId}`,
        'list the key material in that region (ListKeyRotations) and investigate',
      );
    ctx.progress('import', `${r.region}: imported`);
    done.push(r.region);
  }
  return done;
}

/**
 * Every replica Enabled with the primary's material current, and the material the same in fact: a
 * ciphertext made in the primary's region decrypts in each replica's, and one made in each replica's
 * decrypts in the primary's.
 */
export async function verifyReplicas(ctx: StepContext, keyMaterialId: string | undefined): Promise<string> {
  const replicas = recordedReplicas(ctx);
  const primaryId = ctx.log.facts.keyId ?? '';
  for (const r of replicas) {
    const kms = regionalPort(ctx.kms, r.region, ctx.log.plan.target.region);
    const k = await kms.describeKey(r.arn);
    if (k.keyState !== 'Enabled' || k.origin !== 'EXTERNAL' || k.keyMaterialId !== keyMaterialId)
      throw new KeyriteError(
        'VERIFY_FAILED',
        `verification of ${r.arn} failed: it is ${k.keyState} with material ${k.keyMaterialId ?? '(none)'}, the primary's is ${keyMaterialId ?? '(none)'}`,
        'do not use this key; keep the audit log and investigate',
      );
    await crossRegion(ctx.kms, kms, primaryId, r.arn, `${ctx.log.plan.target.region} → ${r.region}`);
    await crossRegion(kms, ctx.kms, primaryId, r.arn, `${r.region} → ${ctx.log.plan.target.region}`);
    const check = `replica in ${r.region}: Enabled, material ${(keyMaterialId ?? '').slice(0, 12)}… current; ciphertexts cross both ways with ${ctx.log.plan.target.region}`;
    ctx.journal.append('kms.verified', {
      keyArn: k.arn,
      keyState: k.keyState,
      check,
      ...(keyMaterialId ? { keyMaterialId } : {}),
    });
  }
  return `${replicas.length} replica(s) hold the same material; ciphertexts cross regions both ways`;
}

async function crossRegion(
  from: KmsPort,
  to: KmsPort,
  primaryId: string,
  replicaArn: string,
  route: string,
): Promise<void> {
  const probe = randomBytes(32);
  // Multi-Region keys share their key id: each region is asked by that id, as applications do.
  const ct = await from.encrypt(primaryId, probe);
  const back = await to.decrypt(primaryId, ct);
  if (!back.equals(probe))
    throw new KeyriteError(
      'VERIFY_FAILED',
      `verification of ${replicaArn} failed: a ciphertext made ${route} did not decrypt to the message`,
      'do not use this key; keep the audit log and investigate',
    );
}

import { environmentBanner, environmentLabel } from '../../../src-shared/ceremony/environment.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import type { StepContext } from '../step-context.js';
import { planCloudKeySpec, planOwner } from '../../../src-shared/ceremony/plan.js';
import { PROVIDERS } from '../../../src-shared/ceremony/providers.js';
import { materialLines } from '../../../src-shared/ceremony/key-materials.js';
import { keyMaterialEntries } from './materials.js';
import { hasMaterialIds } from './reimport.js';
import { recordedReplicas, regionalPort } from './multi-region.js';
import { spkiFingerprint } from '../../../src-shared/digests.js';
import { witnessStatementStatus } from '../../audit/report-witnesses.js';

export async function runHandover(ctx: StepContext): Promise<FactsOf<'handover'>> {
  const f = ctx.log.facts;
  const plan = ctx.log.plan;
  const cloud = PROVIDERS[plan.target.provider];
  const owner = planOwner(plan);
  const env = ctx.log.environment;
  // AWS symmetric keys hold several materials (rotations): each with its state, expiry and share set.
  const materials = hasMaterialIds(ctx) && f.keyId ? await keyMaterialEntries(ctx.kms, f.keyId) : [];
  if (materials.length > 0 && f.keyArn)
    ctx.journal.append('kms.key-materials', { keyArn: f.keyArn, materials });
  // Each replica's too, so the recorded list (shown when KMS cannot be reached) covers every region.
  if (materials.length > 0)
    for (const r of recordedReplicas(ctx)) {
      const kms = regionalPort(ctx.kms, r.region, plan.target.region);
      ctx.journal.append('kms.key-materials', {
        keyArn: r.arn,
        materials: await keyMaterialEntries(kms, r.arn),
      });
    }
  const own = { ceremonyId: ctx.log.ceremonyId, wroteShares: plan.backup.shares };
  const lines = [
    'Keyrite key hand-over sheet',
    '',
    // First, so nobody takes a rehearsal's sheet for a real key's (or the reverse).
    env ? `*** ${environmentBanner(env)} ***` : '*** environment not recorded ***',
    '',
    `environment:   ${env ? environmentLabel(env) : 'not recorded'}`,
    `ceremony:      ${ctx.log.ceremonyId}`,
    `plan digest:   ${ctx.log.planDigest}`,
    `cloud:         ${cloud.cloud}`,
    `${owner.kind}:`.padEnd(15) + owner.id,
    `region:        ${plan.target.region}`,
    `${cloud.keyName}:`.padEnd(15) + (f.keyArn ?? ''),
    `key id:        ${f.keyId ?? ''}`,
    ...(await replicaLines(ctx)),
    `key spec:      ${planCloudKeySpec(plan)}`,
    `key state:     ${f.keyState ?? ''}`,
    f.kcv
      ? `KCV:           ${f.kcv} (${f.kcvWords ?? ''})`
      : `public key:    SHA-256 ${f.publicKeyFingerprint ?? ''}`,
    `expiration:    ${ctx.log.plan.expiration.model}${ctx.log.plan.expiration.model === 'KEY_MATERIAL_EXPIRES' ? ' ' + ctx.log.plan.expiration.validTo : ''}`,
    ...(ctx.log.plan.grant ? [`granted to:    account ${ctx.log.plan.grant.accountId}`] : []),
    ...outputLines(ctx),
    ...(materials.length > 0
      ? [
          '',
          `key materials (${materials.length}; the key is unusable while any is MISSING):`,
          ...materialLines(materials, own),
        ]
      : []),
    ...witnessLines(ctx),
    '',
  ];
  const digest = await ctx.journal.writeFile(ctx.paths.handover, 'handover.txt', lines.join('\n'));
  return { note: `hand-over sheet written (sha256 ${digest.slice(0, 16)}…)` };
}

/** Multi-Region: every replica's region, ARN and state as KMS reports it now. */
async function replicaLines(ctx: StepContext): Promise<string[]> {
  const replicas = recordedReplicas(ctx);
  if (replicas.length === 0) return [];
  const lines = [`replicas (${replicas.length}; the same key id and material in each region):`];
  for (const r of replicas) {
    const k = await regionalPort(ctx.kms, r.region, ctx.log.plan.target.region).describeKey(r.arn);
    lines.push(`  ${r.region.padEnd(15)}${r.arn} (${k.keyState})`);
  }
  return lines;
}

/** The witnesses' keys and what they stated so far (sign-offs come at close, after this sheet). */
function witnessLines(ctx: StepContext): string[] {
  const witnesses = ctx.log.plan.participants.witnesses;
  if (witnesses.length === 0) return [];
  const signatures = witnessStatementStatus(ctx.journal.records());
  return [
    '',
    'witnesses (each signs their sign-off and exceptions with the key they enrolled):',
    ...witnesses.map((w) => {
      const e = ctx.log.witnessEnrollment(w.id);
      return `  ${w.id} (${w.name}): ${e ? `key fingerprint ${spkiFingerprint(e.publicKey)}` : 'no key enrolled'}`;
    }),
    ...ctx.log.exceptions.map(
      (x) => `  exception by ${x.witnessId} at ${x.stepId} (record ${x.seq}): ${signatures.get(x.seq) ?? ''}`,
    ),
  ];
}

/**
 * The plan's outputs for other clouds, as the wrap step recorded them: file, digest, and the upload
 * command. In a split ceremony the offline station wrote them; this station shows its records as the
 * response carried them (checked against the folder on the medium when the response was read).
 */
function outputLines(ctx: StepContext): string[] {
  const outputs = ctx.journal.records('wrap.output').map((r) => r.payload);
  if (outputs.length === 0) return [];
  const cloudName = { gcp: 'Google Cloud KMS', azure: 'Azure Key Vault' } as const;
  const relayed = outputs[0]?.offlineStationFingerprint;
  const where = relayed
    ? [
        `other clouds (${outputs.length}; as logged on the offline station ${relayed}):`,
        `  the offline station wrote the files beside its response bundle on the medium, in the folder ${outputs[0]?.folder ?? ''};`,
        '  carry that folder to a machine with gcloud / az and run the commands in it',
      ]
    : [
        `other clouds (${outputs.length}; the same material, wrapped for each; run the commands in this ceremony's directory):`,
      ];
  return [
    '',
    ...where,
    ...outputs.flatMap((o) => [
      `  ${cloudName[o.cloud]}: ${o.file} (${o.bytes} bytes, SHA-256 ${o.outputDigest})`,
      `    for ${o.destination}`,
      `    wrapped with ${o.method} under the key with SHA-256 ${o.wrappingKeyFingerprint}`,
      `    ${o.command}`,
    ]),
  ];
}

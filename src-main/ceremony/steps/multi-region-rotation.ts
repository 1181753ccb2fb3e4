import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KeyriteError } from '../../../src-shared/errors.js';
import { replicaRegions } from '../../../src-shared/ceremony/multi-region-rules.js';
import { formatReplicaKeys } from '../../../src-shared/ceremony/replica-keys.js';
import { sha256Hex } from '../../../src-shared/digests.js';
import type { KeyFacts } from '../../kms/kms-port.js';
import type { StepContext } from '../step-context.js';
import { recordedReplicas, regionalPort } from './multi-region.js';

/*
 * Rotating a multi-Region key with imported material, as AWS defines it (ImportKeyMaterial, 2025):
 * new material is imported into the primary as NEW_KEY_MATERIAL, then into each replica as
 * EXISTING_KEY_MATERIAL under the primary's new KeyMaterialId ("You cannot directly import new key
 * material into the replica Region keys"); the primary's material stays
 * PENDING_MULTI_REGION_IMPORT_AND_ROTATION until every replica has it, and "to perform on-demand
 * rotation of a set of related multi-Region keys, invoke the on-demand rotation on the primary key".
 * The import steps are shared with the multi-Region ceremony (multi-region-import.ts); these are the
 * rotation's own checks before, after the import and after the rotation.
 */

/**
 * Pre-flight: the key is a multi-Region PRIMARY whose replicas are exactly the plan's regions, each
 * Enabled with the primary's current material and nothing pending. Returns the `replicaKeys` fact.
 */
export async function rotationReplicasPreflight(
  ctx: StepContext,
  k: KeyFacts,
  priorId: string,
): Promise<string> {
  const planned = [...replicaRegions(ctx.log.plan)].sort();
  if (k.multiRegionKeyType !== 'PRIMARY')
    throw new KeyriteError(
      'PREFLIGHT_NOT_PRIMARY',
      `key ${k.arn} is ${k.multiRegionKeyType === 'REPLICA' ? 'a multi-Region replica' : 'not a multi-Region key'}; the plan names replica regions ${planned.join(', ')}`,
      k.multiRegionKeyType === 'REPLICA'
        ? 'AWS takes new material and rotates only on the primary key: name the primary in target.key.existing'
        : 'remove replicaRegions from the plan (a single-Region key rotates on its own)',
    );
  const actual = (k.replicas ?? []).map((r) => r.region).sort();
  if (actual.join(',') !== planned.join(','))
    throw new KeyriteError(
      'PREFLIGHT_REPLICAS_DIFFER',
      `key ${k.arn} has replicas in ${actual.join(', ') || 'no region'}, the plan names ${planned.join(', ')}`,
      'AWS rotates only once every replica holds the new material (until then it is PENDING_MULTI_REGION_IMPORT_AND_ROTATION): list every replica region of the key in target.replicaRegions, and only those',
    );
  const home = ctx.log.plan.target.region;
  const out: { region: string; arn: string }[] = [];
  // In the plan's order: the order the custodians read and the regions are imported in.
  for (const region of replicaRegions(ctx.log.plan)) {
    const r = (k.replicas ?? []).find((x) => x.region === region) ?? { region, arn: '' };
    const kms = regionalPort(ctx.kms, r.region, home);
    const replica = await kms.describeKey(r.arn);
    const pending = (await kms.listKeyMaterials(r.arn)).find((m) => m.state.startsWith('PENDING_'));
    if (replica.keyState !== 'Enabled' || replica.keyMaterialId !== priorId || pending)
      throw new KeyriteError(
        'PREFLIGHT_REPLICA_STATE',
        `replica ${r.arn} is ${replica.keyState} with material ${replica.keyMaterialId ?? '(none)'} current${pending ? ` and ${pending.keyMaterialId} ${pending.state}` : ''}; the primary's current material is ${priorId}`,
        'every replica must be Enabled with the primary’s material in place before a rotation: reimport what is missing in that region first',
      );
    out.push({ region: r.region, arn: r.arn });
  }
  return formatReplicaKeys(out);
}

/** After the import: every replica lists the new material imported, and still uses the prior one. */
export async function verifyReplicasStaged(
  ctx: StepContext,
  newId: string,
  priorId: string,
): Promise<string> {
  const replicas = recordedReplicas(ctx);
  for (const r of replicas) {
    const kms = regionalPort(ctx.kms, r.region, ctx.log.plan.target.region);
    const k = await kms.describeKey(r.arn);
    const m = (await kms.listKeyMaterials(r.arn)).find((x) => x.keyMaterialId === newId);
    if (k.keyState !== 'Enabled' || k.keyMaterialId !== priorId || !m || m.importState === 'PENDING_IMPORT')
      throw new KeyriteError(
        'VERIFY_FAILED',
        `verification of ${r.arn} failed: it is ${k.keyState} with ${k.keyMaterialId ?? '(none)'} current, and material ${newId} is ${m ? (m.importState ?? m.state) : 'not listed'}`,
        'do not rotate; keep the audit log and investigate',
      );
    ctx.journal.append('kms.verified', {
      keyArn: k.arn,
      keyState: k.keyState,
      check: `replica in ${r.region}: material ${newId.slice(0, 12)}… imported (${m.state}); prior material still current`,
      keyMaterialId: newId,
    });
  }
  return `${replicas.length} replica(s) hold the new material`;
}

/**
 * After RotateKeyOnDemand on the primary: every replica has the new material CURRENT and the prior
 * NON_CURRENT, the ciphertext made under the prior material before the rotation decrypts there, and
 * a ciphertext made there now decrypts in the primary's region.
 */
export async function checkReplicasRotated(
  ctx: StepContext,
  newId: string,
  priorId: string,
): Promise<string> {
  const replicas = recordedReplicas(ctx);
  const home = ctx.log.plan.target.region;
  const keyId = ctx.log.facts.keyId ?? '';
  const canary = JSON.parse(readFileSync(ctx.paths.canary, 'utf8')) as {
    ciphertext: string;
    plaintextSha256: string;
  };
  for (const r of replicas) {
    const kms = regionalPort(ctx.kms, r.region, home);
    const k = await kms.describeKey(r.arn);
    const states = new Map((await kms.listKeyMaterials(r.arn)).map((m) => [m.keyMaterialId, m.state]));
    const fail = (why: string) =>
      new KeyriteError(
        'ROTATE_NOT_CURRENT',
        `after the rotation, replica ${r.arn}: ${why}`,
        'the rotation did not reach this region as planned; investigate before using the key there',
      );
    if (k.keyMaterialId !== newId || states.get(newId) !== 'CURRENT' || states.get(priorId) !== 'NON_CURRENT')
      throw fail(
        `material ${k.keyMaterialId ?? '(none)'} current (new ${states.get(newId) ?? 'missing'}, prior ${states.get(priorId) ?? 'missing'})`,
      );
    // The canary was made in the primary's region under the prior material: the replica decrypts it too.
    const back = await kms.decrypt(keyId, Buffer.from(canary.ciphertext, 'base64'));
    if (sha256Hex(back) !== canary.plaintextSha256)
      throw fail('the ciphertext made before the rotation did not decrypt to its message');
    const probe = randomBytes(32);
    if (!(await ctx.kms.decrypt(keyId, await kms.encrypt(keyId, probe))).equals(probe))
      throw fail(`a ciphertext made in ${r.region} did not decrypt in ${home}`);
  }
  return `every replica (${replicas.map((r) => r.region).join(', ')}) has the new material current and reads the earlier ciphertext`;
}

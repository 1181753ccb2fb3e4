import { KeyriteError } from '../../src-shared/errors.js';
import { planKeySpec } from '../../src-shared/ceremony/plan.js';
import { parseReplicaKeys } from '../../src-shared/ceremony/replica-keys.js';
import type { KeyMaterialsListing } from '../../src-shared/ipc/ceremony-view.js';
import type { KmsPort } from '../kms/kms-port.js';
import type { LogView } from './ceremony-log.js';
import { materialEntry } from './steps/materials.js';
import { regionalPort } from './steps/multi-region.js';
import { materialView } from './view.js';

/**
 * The key's materials as KMS lists them now (ListKeyRotations ALL_KEY_MATERIAL, DescribeKey), in the
 * primary's region and each multi-Region replica's, each with the share set that re-imports it. A
 * material may have expired or been deleted since the hand-over, so `keyrite ceremony status` and the
 * app ask KMS; when KMS cannot be reached they say so and show what the log recorded, and when.
 * Null when the ceremony has no key yet, or its key has no material ids (only AWS symmetric keys do).
 */
export async function keyMaterialsNow(
  kms: KmsPort,
  log: LogView,
  now: () => Date,
): Promise<KeyMaterialsListing | null> {
  const plan = log.plan;
  const { keyArn, keyId } = log.facts;
  if (!keyArn || !keyId || plan.target.provider !== 'aws' || planKeySpec(plan) !== 'SYMMETRIC_DEFAULT')
    return null;
  const primary = { region: plan.target.region, arn: keyArn };
  let keys = [primary];
  let malformed: unknown;
  try {
    keys = [
      primary,
      ...parseReplicaKeys(log.facts.replicaKeys).map((r) => ({ region: r.region, arn: r.arn })),
    ];
  } catch (e) {
    malformed = e;
  }
  // Every region the hand-over listed (a multi-Region key's replicas too), as the log has it.
  const recorded = (why: string): KeyMaterialsListing => ({
    source: 'recorded',
    ...(log.keyMaterialsAt ? { at: log.keyMaterialsAt } : {}),
    unreachable: why.slice(0, 1024),
    keys: keys.flatMap((k) => {
      const r = log.recordedKeyMaterials.get(k.arn);
      return r && r.materials.length > 0
        ? [{ region: k.region, keyArn: k.arn, materials: r.materials.map((m) => materialView(log, m)) }]
        : [];
    }),
  });
  // The offline station of a split ceremony never talks to KMS, not even to list what it holds.
  if (log.role === 'offline') return recorded('this is the offline station: it never contacts KMS');
  try {
    if (malformed !== undefined) throw malformed;
    const out: KeyMaterialsListing['keys'] = [];
    for (const k of keys) {
      const port = regionalPort(kms, k.region, plan.target.region);
      const d = await port.describeKey(k.arn);
      const materials = (await port.listKeyMaterials(k.arn)).flatMap((m) => materialEntry(m) ?? []);
      out.push({
        region: k.region,
        keyArn: d.arn,
        keyState: d.keyState,
        materials: materials.slice(0, 64).map((m) => materialView(log, m)),
      });
    }
    return { source: 'kms', at: now().toISOString(), keys: out };
  } catch (e) {
    // Only Keyrite's own words leave main: library errors may name endpoints, paths or response text.
    return recorded(
      e instanceof KeyriteError ? `${e.code}: ${e.message}` : 'KMS did not answer (see the station log)',
    );
  }
}

/** The listing as terminal lines (`keyrite ceremony status`). */
export function materialsListingLines(l: KeyMaterialsListing): string[] {
  const head =
    l.source === 'kms'
      ? [`key materials, live from KMS at ${l.at ?? ''}:`]
      : [
          `KMS could not be reached: ${l.unreachable ?? ''}`,
          l.at
            ? `key materials as RECORDED in the log at ${l.at} (the hand-over), not live:`
            : 'key materials: none recorded in the log (the hand-over has not run)',
        ];
  return [
    ...head,
    ...l.keys.flatMap((k) => [
      `  ${k.region} ${k.keyArn}${k.keyState ? ` (${k.keyState})` : ''}: ${k.materials.length} material(s)`,
      ...k.materials.flatMap((m) => [
        `    ${m.keyMaterialId} ${m.state}, ${m.importState === 'PENDING_IMPORT' ? 'MISSING (deleted or expired)' : (m.importState ?? 'imported')}, ${m.validTo ? `valid to ${m.validTo}` : 'does not expire'}`,
        `      re-imported by: ${m.reimportedBy}`,
      ]),
    ]),
  ];
}

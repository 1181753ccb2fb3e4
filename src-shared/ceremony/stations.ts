import type { CeremonyPlan } from './plan.js';
import { CEREMONY_KINDS, planKind, type StepId } from './state-machine.js';
import { STEP_CATALOGUE } from './steps.js';

/**
 * A split (air-gapped) ceremony runs on two stations, each with its own log. Each station's log walks
 * the whole ceremony in the same order: the steps it runs itself, and the steps the other station ran,
 * which it completes from the facts that station's signed bundle carries.
 *
 *   online:  preflight, create-key, import-parameters → request bundle → … → import, verify, grant, handover, close
 *   offline: (request) → enroll, generate-material, backup-shares, verify-shares, wrap → response bundle → close
 *
 * A rotation has no create-key and no grant, and `rotate` (online) after verify.
 */
export type StationRole = 'online' | 'offline';

/** The import ceremony in the order a split runs it: the online half first, then the offline, then online. */
const SPLIT_IMPORT: readonly StepId[] = [
  'preflight',
  'create-key',
  'import-parameters',
  'enroll',
  'generate-material',
  'backup-shares',
  'verify-shares',
  'wrap',
  'import',
  'verify',
  'grant',
  'handover',
  'close',
];

/**
 * The rotation in the order a split runs it: pre-flight of the existing key (its current material
 * recorded) and import parameters online; material, shares and wrap offline; then online the import of
 * NEW_KEY_MATERIAL, its verification, the rotation and the hand-over.
 */
const SPLIT_ROTATE: readonly StepId[] = [
  'preflight',
  'import-parameters',
  'enroll',
  'generate-material',
  'backup-shares',
  'verify-shares',
  'wrap',
  'import',
  'verify',
  'rotate',
  'handover',
  'close',
];

/**
 * Checked by a test: each split order is a permutation of its kind's steps. A multi-Region ceremony
 * is not split (multi-region-rules.ts refuses it).
 */
export const SPLIT_ORDERS = { import: SPLIT_IMPORT, rotate: SPLIT_ROTATE } as const;

function splitOrder(plan: CeremonyPlan): readonly StepId[] {
  return planKind(plan) === 'rotate' ? SPLIT_ROTATE : SPLIT_IMPORT;
}

export function isSplit(plan: CeremonyPlan): boolean {
  return plan.stations === 'split';
}

/**
 * The steps the station's log walks, in order; the offline log ends with its own close after wrap. A
 * one-station ceremony walks its plan's kind (import and rotation ceremonies can be split).
 */
export function stationOrder(role: StationRole | undefined, plan: CeremonyPlan): readonly StepId[] {
  if (role === undefined) return CEREMONY_KINDS[planKind(plan)];
  const order = splitOrder(plan);
  if (role === 'online') return order;
  return order.filter(
    (s) => STEP_CATALOGUE[s].station !== 'online' || order.indexOf(s) < order.indexOf('enroll'),
  );
}

/** True when `step` is run by the other station and only recorded here from its bundle. */
export function isPeerStep(role: StationRole | undefined, step: StepId): boolean {
  if (role === undefined) return false;
  const where = STEP_CATALOGUE[step].station;
  return where !== 'either' && where !== role;
}

/** The other station's role. */
export function peerOf(role: StationRole): StationRole {
  return role === 'online' ? 'offline' : 'online';
}

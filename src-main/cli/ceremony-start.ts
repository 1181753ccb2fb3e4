import { existsSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../src-shared/errors.js';
import type { CeremonyPlan } from '../../src-shared/ceremony/plan.js';
import { assertPlanAcceptable } from '../../src-shared/ceremony/preflight.js';
import { assertCompatible } from '../../src-shared/wrap/index.js';
import { preflightBeforeEnrollment, type PreflightIdentity } from '../ceremony/steps/preflight.js';
import type { KmsPort } from '../kms/kms-port.js';

/** The station key file a front end may seal into the ceremony directory before the ceremony starts. */
export const STATION_KEY_FILE = 'station-ed25519.key';

/** `except`: files the front end put there first (the station key it just sealed). */
export function assertEmptyDir(dir: string, except: readonly string[] = []): void {
  if (existsSync(dir) && readdirSync(dir).some((f) => !except.includes(f)))
    throw new KeyriteError(
      'REHEARSAL_DIR_NOT_EMPTY',
      `${dir} is not empty`,
      'give --out a new or empty directory (or --resume to continue a ceremony there)',
    );
}

/**
 * A ceremony directory this run may create. If the run stops before a ceremony log exists (a refused
 * plan, wrong credentials, an alias already taken), `abandon` takes back what the run put there — the
 * station key it sealed, the directory itself — so a refusal never leaves an empty directory behind
 * that the next try would have to clear first. A directory that existed before is left as it was found.
 */
export function ceremonyDirGuard(dir: string): { abandon(): void } {
  const existed = existsSync(dir);
  return {
    abandon() {
      if (existed || !existsSync(dir) || existsSync(path.join(dir, 'audit.db'))) return;
      const station = path.join(dir, STATION_KEY_FILE);
      if (existsSync(station)) unlinkSync(station);
      if (readdirSync(dir).length === 0) rmdirSync(dir);
    },
  };
}

/** The refusals that need no network, before anything is written (the engine repeats them at create). */
export function assertPlanAcceptableNow(plan: CeremonyPlan, now: Date = new Date()): void {
  assertPlanAcceptable(plan, now, assertCompatible);
}

/**
 * Identity, account, region and the key target, checked against KMS before anyone enrolls, and shown
 * to the administrator: nobody chooses a passphrase for a ceremony that cannot run.
 */
export async function identityBeforeEnrollment(
  kms: KmsPort,
  plan: CeremonyPlan,
  planBase: string,
  say: (line: string) => void,
): Promise<PreflightIdentity> {
  const r = await preflightBeforeEnrollment(kms, plan, planBase);
  say(`pre-flight before enrollment:`);
  say(`  ${`${r.identity.owner.kind}:`.padEnd(12)}${r.identity.account} (the plan's)`);
  say(`  caller:     ${r.identity.callerArn ?? `access key ${r.identity.principal ?? '(not named)'}`}`);
  say(`  region:     ${r.identity.region}`);
  if (r.existingKey)
    say(`  key:        ${r.existingKey.arn} (${r.existingKey.keyState}, ${r.existingKey.keySpec})`);
  else if ('create' in plan.target.key)
    say(
      `  key:        a new ${plan.target.key.create.keySpec} key${plan.target.key.create.alias ? `, alias ${plan.target.key.create.alias} is free` : ''}`,
    );
  return r.identity;
}

import { existsSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { CeremonyPlan } from '../../src-shared/ceremony/plan.js';
import { assertPlanAcceptable } from '../../src-shared/ceremony/preflight.js';
import { assertCompatible } from '../../src-shared/wrap/compat.js';
import { preflightBeforeEnrollment, type PreflightIdentity } from '../ceremony/steps/preflight.js';
import { environmentBanner } from '../../src-shared/ceremony/environment.js';
import { environmentOfIdentity } from '../audit/recorded-environment.js';
import type { KmsPort } from '../kms/kms-port.js';
import { STATION_KEY_FILE } from './empty-dir.js';

export { assertEmptyDir, STATION_KEY_FILE } from './empty-dir.js';

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
 * Identity, account, region and the key target, checked against KMS before anyone enrolls: nobody
 * chooses a passphrase for a ceremony that cannot run. Returns who the credentials are and the lines
 * to show the administrator (under the environment banner, which needs the identity first).
 */
export async function identityBeforeEnrollment(
  kms: KmsPort,
  plan: CeremonyPlan,
  planBase: string,
): Promise<{ identity: PreflightIdentity; lines: string[] }> {
  const r = await preflightBeforeEnrollment(kms, plan, planBase);
  const lines = [
    'pre-flight before enrollment:',
    `  ${`${r.identity.owner.kind}:`.padEnd(12)}${r.identity.account} (the plan's)`,
    `  caller:     ${r.identity.callerArn ?? `access key ${r.identity.principal ?? '(not named)'}`}`,
    `  region:     ${r.identity.region}`,
  ];
  const c = 'create' in plan.target.key ? plan.target.key.create : undefined;
  if (r.existingKey)
    lines.push(`  key:        ${r.existingKey.arn} (${r.existingKey.keyState}, ${r.existingKey.keySpec})`);
  else if (c)
    lines.push(`  key:        a new ${c.keySpec} key${c.alias ? `, alias ${c.alias} is free` : ''}`);
  return { identity: r.identity, lines };
}

/** The environment banner for these credentials and endpoint, read by the same rule as the log's record. */
export function bannerFor(who: PreflightIdentity, endpoint: string | undefined): string {
  return environmentBanner(
    environmentOfIdentity({
      ...(who.owner.kind === 'account' ? { account: who.account } : { projectId: who.account }),
      ...(who.callerArn ? { callerArn: who.callerArn } : {}),
      ...(who.principal ? { principal: who.principal } : {}),
      region: who.region,
      ...(endpoint ? { endpoint } : {}),
    }),
  );
}

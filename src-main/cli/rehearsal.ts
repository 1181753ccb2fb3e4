import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { validatePlan } from '../../src-shared/ceremony/plan.js';
import { PROVIDERS } from '../../src-shared/ceremony/providers.js';
import type { RunningEmulator } from '../emulator/index.js';
import { rehearsalKms } from './rehearsal-kms.js';
import { CeremonyService } from '../ceremony/ceremony-service.js';
import { driveCeremony } from '../ceremony/ceremony-driver.js';
import type { EngineOptions } from '../ceremony/engine-options.js';
import { passphraseHolders, RehearsalCustodians } from './rehearsal-custodians.js';
import {
  assertEmptyDir,
  assertPlanAcceptableNow,
  bannerFor,
  identityBeforeEnrollment,
  STATION_KEY_FILE,
} from './ceremony-start.js';
import { checkIdentity } from '../ceremony/steps/preflight.js';

export interface RehearsalOptions {
  out: string;
  /** A parsed plan document; absent: the built-in rehearsal plan. */
  planDoc: unknown;
  planBase: string;
  /** An emulator (or other KMS) endpoint; absent: an embedded emulator for the run. */
  endpoint?: string;
  /** Resume the ceremony in `out` instead of starting one (after a crash). */
  resume?: boolean;
  /** Custodian passphrases, one per line in plan order; absent: generated and kept in memory only. */
  passphraseLines?: Buffer;
  engine?: EngineOptions;
  say: (line: string) => void;
}

export interface RehearsalResult {
  ceremonyId: string;
  keyArn: string;
  /** What the cloud calls the key's full name (key ARN; Huawei: key URN). */
  keyName: string;
  checkValue: string;
  keyState: string;
  recovery: readonly string[];
}

/** Runs a whole ceremony headlessly with rehearsal custodians against an emulator. */
export async function runRehearsal(o: RehearsalOptions): Promise<RehearsalResult> {
  // On resume the plan comes from the ceremony directory (the reviewed one), unless it is missing.
  const resumedPlan = o.resume ? readResumePlan(o.out) : undefined;
  const planDoc = resumedPlan ?? o.planDoc;
  const { plan } = validatePlan(planDoc);
  if (!o.resume) {
    assertEmptyDir(o.out, [STATION_KEY_FILE]);
    assertPlanAcceptableNow(plan, o.engine?.clock?.());
  }
  let emulator: RunningEmulator | undefined;
  let svc: CeremonyService | undefined;
  let reported = false;
  const ids = passphraseHolders(plan);
  const people = o.passphraseLines
    ? RehearsalCustodians.fromLines(ids, o.passphraseLines)
    : RehearsalCustodians.generate(ids);
  try {
    const connected = await rehearsalKms(plan, o.endpoint);
    emulator = connected.emulator;
    const kms = connected.kms;
    const rehearsalComponents = async (_id: string, length: number) =>
      SecretBuffer.adopt(randomBytes(length));
    // Before anyone enrolls: the identity, the alias, the existing key; the directory is made after.
    const pre = await (
      o.resume
        ? checkIdentity(kms, plan).then((identity) => ({ identity, lines: [] }))
        : identityBeforeEnrollment(kms, plan, o.planBase)
    ).catch((e: unknown) => {
      kms.close();
      throw e;
    });
    const banner = bannerFor(pre.identity, kms.endpoint);
    o.say(banner);
    for (const l of pre.lines) o.say(l);
    const engine: EngineOptions = { componentSource: rehearsalComponents, ...o.engine };
    svc = o.resume
      ? await CeremonyService.open({ dir: o.out, kms, options: engine, planDoc: o.planDoc })
      : await CeremonyService.create({ dir: o.out, planDoc, planBase: o.planBase, kms, options: engine });
    o.say(`ceremony ${svc.ceremonyId}: ${plan.name}`);
    o.say(`plan digest ${svc.planDigest}`);
    o.say(`  (words) ${svc.planDigestWords}`);
    for (const line of svc.recoveryAccount) o.say(`recovery: ${line}`);
    await driveCeremony(
      svc,
      { passphrase: async (id) => people.passphrase(id), say: o.say },
      { signOff: async () => true },
    );
    svc.report();
    reported = true;
    o.say(banner);
    const f = svc.facts();
    return {
      ceremonyId: svc.ceremonyId,
      keyArn: f.keyArn ?? '',
      keyName: PROVIDERS[plan.target.provider].keyName,
      checkValue: f.kcv ?? f.publicKeyFingerprint ?? '',
      keyState: f.keyState ?? '',
      recovery: svc.recoveryAccount,
    };
  } finally {
    people.wipe();
    if (svc) {
      try {
        // Even a failed rehearsal leaves a report of how far it got (a finished one wrote it above:
        // the report verifies the whole log, so writing it twice cost a tenth of a cheap rehearsal).
        if (!reported) svc.report();
      } catch {
        // the log itself is the record; a report failure must not hide the original error
      }
      svc.dispose();
    }
    await emulator?.close();
  }
}

function readResumePlan(dir: string): unknown {
  const file = path.join(dir, 'plan.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : undefined;
}

export function defaultPlanBase(planFile: string | undefined): string {
  return planFile ? path.dirname(path.resolve(planFile)) : process.cwd();
}

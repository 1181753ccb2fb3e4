import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../src-shared/errors.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { validatePlan, type CeremonyPlan } from '../../src-shared/ceremony/plan.js';
import { PROVIDERS } from '../../src-shared/ceremony/providers.js';
import type { CliIO } from './io.js';
import type { KmsPort } from '../kms/kms-port.js';
import { runStation } from './ceremony-station.js';
import { CeremonyService } from '../ceremony/ceremony-service.js';
import { CUSTODIAN_PASSED, driveCeremony, witnessDidNotSign } from '../ceremony/ceremony-driver.js';
import { checkIdentity } from '../ceremony/steps/preflight.js';
import { readPlanFile } from '../ceremony/plan-file.js';
import { passphraseHolders, RehearsalCustodians } from './rehearsal-custodians.js';
import { decodeHexComponent, readAnswer, readSecretLineFromTty } from './secret-line.js';
import { testScryptCost } from '../ceremony/crash-point.js';
import {
  assertEmptyDir,
  assertPlanAcceptableNow,
  bannerFor,
  identityBeforeEnrollment,
} from './ceremony-start.js';
import type { StationKey } from '../audit/station-key.js';
import { readFromFd, readSecretInputFile } from './secret-input.js';
import { askDigestConfirmed, confirmDigest, confirmGenerated } from './ceremony-prompts.js';
import { suppliedStationPassphrase, unlockStationForCli } from './station-unlock.js';
import { TerminalRoom } from './terminal-room.js';

export interface RunFlags {
  plan?: string | undefined;
  profile?: string | undefined;
  endpoint?: string | undefined;
  resume?: boolean | undefined;
  yes?: boolean | undefined;
  'passphrase-fd'?: string | undefined;
  'station-key'?: string | undefined;
  'station-passphrase-file'?: string | undefined;
  'station-passphrase-fd'?: string | undefined;
  'passphrase-file'?: string | undefined;
  step?: string | undefined;
  witness?: string | undefined;
  text?: string | undefined;
  station?: string | undefined;
  media?: string | undefined;
  'peer-station'?: string | undefined;
  'console-request'?: string | undefined;
}

/**
 * The plan's cloud (AWS or Huawei), with --endpoint and --profile (AWS or KooCLI profile). Loaded on
 * demand: an offline station's run never loads an SDK, a gateway or the emulator.
 */
export async function kmsFor(plan: CeremonyPlan, v: RunFlags): Promise<KmsPort> {
  const { kmsPortForPlan } = await import('../kms/kms-for-plan.js');
  return kmsPortForPlan(plan, {
    ...(v.endpoint ? { endpoint: v.endpoint } : {}),
    ...(v.profile ? { profile: v.profile } : {}),
  });
}

/** The station key for this run, unsealed; status and exception need the same --station-key as run. */
export async function stationOption(
  io: CliIO,
  out: string,
  v: RunFlags,
): Promise<{ stationKey: StationKey }> {
  const file = v['station-key'] ? path.resolve(v['station-key']) : path.join(out, 'station-ed25519.key');
  return { stationKey: (await unlockStationForCli(io, file, suppliedStationPassphrase(v))).key };
}

function testOptions() {
  const cost = testScryptCost();
  return cost ? { scryptCost: cost } : {};
}

/** What to type to continue after the run stopped (a last failed try, custodians missing, a crash). */
function resumeCommand(out: string, v: RunFlags): string {
  const parts = ['keyrite ceremony run --out', JSON.stringify(out), '--resume'];
  if (v['station-key']) parts.push('--station-key', JSON.stringify(v['station-key']));
  if (v.profile) parts.push('--profile', v.profile);
  if (v.endpoint) parts.push('--endpoint', v.endpoint);
  return parts.join(' ');
}

export async function runCeremony(io: CliIO, out: string, v: RunFlags): Promise<number> {
  const planDoc = v.plan ? readPlanFile(v.plan) : readPlanFile(path.join(out, 'plan.json'));
  const { plan } = validatePlan(planDoc);
  const fd = v['passphrase-fd'];
  const ids = passphraseHolders(plan);
  const lines =
    fd !== undefined
      ? readFromFd(fd, '--passphrase-fd')
      : v['passphrase-file']
        ? readSecretInputFile(v['passphrase-file'])
        : undefined;
  const supplied = lines ? RehearsalCustodians.fromLines(ids, lines) : null;
  const readSecret = io.readSecretLine ?? readSecretLineFromTty;
  if (!supplied && !io.readSecretLine && !process.stdin.isTTY)
    throw new KeyriteError(
      'CEREMONY_NO_TTY',
      'keyrite ceremony run needs a terminal for the custodians’ passphrases',
      'run it in a terminal (tests pass --passphrase-fd)',
    );
  const planBase = v.plan ? path.dirname(path.resolve(v.plan)) : out;
  const nameOf = (id: string) =>
    [...plan.participants.custodians, ...plan.participants.witnesses].find((c) => c.id === id)?.name ?? id;

  const askPassphrase = async (id: string, purpose: string): Promise<SecretBuffer> => {
    if (supplied) return supplied.passphrase(id);
    const name = nameOf(id);
    const choosing = purpose.startsWith('choose');
    // A witness's only other prompt is their sign-off, which nobody else can give for them.
    const witness = plan.participants.witnesses.some((w) => w.id === id);
    const empty = choosing
      ? ' (or press Enter alone for a generated one)'
      : witness
        ? ' (Enter alone to stop without signing)'
        : ' (Enter alone to pass)';
    const first = await readSecret(`${name} (${id}), ${purpose}${empty}: `);
    if (!choosing) {
      if (first.length === 0 && witness) throw witnessDidNotSign(id);
      // An empty line is a custodian passing (not present after all, or leaving it to another): not a wrong try.
      if (first.length === 0)
        throw new KeyriteError(CUSTODIAN_PASSED, `${id} passed`, 'the room chooses another custodian');
      return SecretBuffer.adopt(first);
    }
    if (first.length === 0) return confirmGenerated(id, name, readSecret);
    const again = await readSecret(`${name}, type it again: `);
    try {
      if (first.length !== again.length || !timingSafeEqual(first, again))
        throw new KeyriteError(
          'PASSPHRASE_MISMATCH',
          'the two passphrases differ',
          'enroll again and type the same passphrase twice',
        );
      return SecretBuffer.adopt(first);
    } finally {
      again.fill(0);
      first.fill(0);
    }
  };

  // Split knowledge: each custodian types their component (hex, no echo); tests get random ones.
  const componentSource = async (id: string, length: number): Promise<SecretBuffer> => {
    if (supplied) return SecretBuffer.adopt(randomBytes(length));
    return decodeHexComponent(
      await readSecret(`${nameOf(id)} (${id}), type your component (${length * 2} hex digits, not shown): `),
      length,
    );
  };
  const privateNotice = (id: string, message: string) => io.err(`[${id} only — others look away] ${message}`);
  const options = { ...testOptions(), componentSource, privateNotice };
  const attempts = supplied ? 1 : 3;
  if (v.station !== undefined || plan.stations === 'split') {
    if (v.station === undefined)
      throw new KeyriteError(
        'CLI_USAGE',
        'this plan is split: say which station this is with --station online|offline',
        'usage: keyrite ceremony run --plan FILE --out DIR --station online|offline --media DIR',
      );
    if (!v.resume) {
      assertEmptyDir(out);
      mkdirSync(out, { recursive: true, mode: 0o700 });
    }
    const station = await stationOption(io, out, v);
    if (!v.yes) await confirmDigest(io, plan);
    return await runStation({
      io,
      out,
      role: v.station,
      media: v.media,
      peer: v['peer-station'],
      consoleRequest: v['console-request'],
      planDoc,
      planBase,
      options: { ...options, ...station },
      people: { passphrase: askPassphrase, say: (l) => io.out(l), attempts },
      signOff: async (witnessId) =>
        v.yes ? true : (await readAnswer(`Witness ${witnessId}: type "sign" to sign off: `)) === 'sign',
      kms: () => kmsFor(plan, v),
    }).finally(() => supplied?.wipe());
  }
  const kms = await kmsFor(plan, v).catch((e: unknown) => {
    supplied?.wipe();
    throw e;
  });
  let svc: CeremonyService;
  let room: TerminalRoom;
  try {
    if (!v.resume) {
      assertEmptyDir(out);
      assertPlanAcceptableNow(plan);
    }
    // Before the station key, the directory or anyone's passphrase: who are we, where, can it run?
    const pre = v.resume
      ? { identity: await checkIdentity(kms, plan), lines: [] }
      : await identityBeforeEnrollment(kms, plan, planBase);
    const banner = bannerFor(pre.identity, kms.endpoint);
    room = new TerminalRoom({ plan, banner, out: (l) => io.out(l), ask: readAnswer });
    room.banner();
    for (const l of pre.lines) io.out(l);
    if (!v.resume) mkdirSync(out, { recursive: true, mode: 0o700 });
    const station = await stationOption(io, out, v);
    const opts = { ...options, ...station };
    svc = v.resume
      ? await CeremonyService.open({ dir: out, kms, planDoc, options: opts })
      : await CeremonyService.create({ dir: out, planDoc, planBase, kms, options: opts });
  } catch (e) {
    kms.close();
    supplied?.wipe();
    throw e;
  }
  try {
    io.out('');
    room.banner();
    io.out(`ceremony ${svc.ceremonyId}: ${plan.name}`);
    io.out(`plan digest (SHA-256): ${svc.planDigest}`);
    io.out(`plan digest (words):   ${svc.planDigestWords}`);
    for (const line of svc.recoveryAccount) io.out(`recovery: ${line}`);
    if (!v.yes) await askDigestConfirmed();
    try {
      await driveCeremony(
        svc,
        {
          passphrase: askPassphrase,
          say: (l) => io.out(l),
          attempts,
          // People at a terminal pick who acts and see each step's screen; scripts go in plan order.
          ...(supplied ? {} : { choose: (c) => room.choose(c), show: (s, ch) => room.show(s, ch) }),
        },
        {
          signOff: async (witnessId) =>
            v.yes
              ? true
              : (await readAnswer(`Witness ${witnessId}: type "sign" to sign off the ceremony: `)) === 'sign',
        },
      );
    } catch (e) {
      // Whatever stopped the run, the log keeps what was done: say how to continue from there.
      if (e instanceof KeyriteError)
        throw new KeyriteError(
          e.code,
          e.message,
          `${e.hint}. The ceremony is saved; to continue: ${resumeCommand(out, v)}`,
        );
      throw e;
    }
    svc.report();
    const f = svc.facts();
    io.out('');
    room.banner();
    io.out(`${`${PROVIDERS[plan.target.provider].keyName}:`.padEnd(13)}${f.keyArn ?? ''}`);
    io.out(`check value: ${f.kcv ? `${f.kcv} (${f.kcvWords ?? ''})` : (f.publicKeyFingerprint ?? '')}`);
    io.out(`key state:   ${f.keyState ?? ''}`);
    io.out(`report:      ${path.join(out, 'report.html')}`);
    return 0;
  } finally {
    supplied?.wipe();
    try {
      svc.report();
    } catch {
      // the log is the record; never hide the original error behind a report failure
    }
    svc.dispose();
  }
}

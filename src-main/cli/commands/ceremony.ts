import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KeyriteError } from '../../../src-shared/errors.js';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { planDigest, validatePlan, type CeremonyPlan } from '../../../src-shared/ceremony/plan.js';
import { PROVIDERS } from '../../../src-shared/ceremony/providers.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import { isStepId } from '../../../src-shared/ceremony/state-machine.js';
import { type CliIO, type Command, usageError } from '../io.js';
import { CeremonyService } from '../../ceremony/ceremony-service.js';
import { driveCeremony } from '../../ceremony/ceremony-driver.js';
import type { KmsPort } from '../../kms/kms-port.js';
import { runStation } from '../ceremony-station.js';
import { readPlanFile } from '../../ceremony/plan-file.js';
import { RehearsalCustodians } from '../rehearsal-custodians.js';
import { decodeHexComponent, readAnswer, readSecretLineFromTty } from '../secret-line.js';
import { testScryptCost } from '../../ceremony/crash-point.js';
import { assertEmptyDir } from '../empty-dir.js';
import { generatePassphrase } from '../../secrets/diceware.js';
import type { StationKey } from '../../audit/station-key.js';
import { readFromFd, readSecretInputFile } from '../secret-input.js';
import { stationOptionsUsage, suppliedStationPassphrase, unlockStationForCli } from '../station-unlock.js';

const runUsage = `keyrite ceremony run --plan FILE --out DIR [--station-key FILE] [--profile P] [--endpoint URL]
                     [--resume] [--yes] [--station online|offline --media DIR [--peer-station FINGERPRINT]]

Runs a real ceremony in this terminal: the plan digest is shown (hex and words) for the room to
compare with the reviewed plan (keyrite plan check printed it); each custodian types their passphrase
at their turn (no echo). Credentials come from the SDK's default chain (environment, profiles, SSO)
or --profile; the region is the plan's.

  --plan FILE        the reviewed ceremony plan (YAML or JSON)
  --out DIR          the ceremony directory, new or empty (audit.db, report.html, shares/, import/)
${stationOptionsUsage}
                     The station key signs every ceremony log the station writes; give the same file
                     to status and exception. Its fingerprint is printed for auditors to pin.
  --profile P        AWS shared-config profile
  --endpoint URL     a KMS endpoint override (e.g. the Keyrite emulator)
  --resume           continue the ceremony in DIR after an interruption (no --plan needed)
  --yes              do not ask the administrator to type the plan digest check and witnesses to sign off
                     (for scripted runs against the emulator only)
  --station ROLE     a split (air-gapped) plan: run this station's half — online (credentials, KMS:
                     pre-flight, create key, import parameters; later import, verify, grant, close) or
                     offline (no network, no KMS: enroll, generate, back up, wrap). Each run goes as far
                     as this station can and says when to carry the medium across; run again with
                     --resume when the other station's bundle is on it
  --media DIR        the mounted removable medium (or any folder carried across) bundles go through
  --peer-station FINGERPRINT  the other station's key fingerprint as it showed it: its first bundle
                     must be signed by that station (it is pinned either way)
  --passphrase-fd N  (tests, scripts) custodian passphrases, one per line in plan order, from descriptor N
  --passphrase-file FILE  the same from a file (works through npx, which does not pass descriptors on)

example:
  keyrite ceremony run --plan ceremony.yaml --out /media/ceremony-2026-12 --station-key ~/.keyrite/station.key`;

const statusUsage = `keyrite ceremony status --out DIR [--station-key FILE] [--station-passphrase-file FILE] [--profile P] [--endpoint URL]

Shows where the ceremony in DIR stands: each step's status, whether it needs the quorum, its error,
what recovery found after an interruption and, for an AWS symmetric key, every key material (id,
state, expiry, and which backup shares re-import it) as KMS listed them at the hand-over.

example:
  keyrite ceremony status --out /media/ceremony-2026-12 --station-key ~/.keyrite/station.key`;

const exceptionUsage = `keyrite ceremony exception --out DIR --step STEP --witness ID --text TEXT [--station-key FILE]

Records a witness's exception for a step, signed into the log by the station; the report lists it.

  --step STEP     the step id, as ceremony status lists it (e.g. import)
  --witness ID    the witness's id in the plan
  --text TEXT     what the witness saw, in their words

example:
  keyrite ceremony exception --out /media/ceremony-2026-12 --step import --witness witness-1 \\
    --text "second custodian left the room during the import"`;

const usage = `${runUsage.split('\n\n')[0]}
${statusUsage.split('\n\n')[0]}
${exceptionUsage.split('\n\n')[0]}

run        runs a real ceremony in this terminal
status     shows where the ceremony in DIR stands
exception  records a witness's exception for a step

keyrite ceremony run --help (status, exception) explains each.`;

export const command: Command = {
  usage,
  subcommands: { run: runUsage, status: statusUsage, exception: exceptionUsage },
  async run(args, io) {
    const [sub, ...rest] = args;
    const { values } = parseArgs({
      args: rest,
      options: {
        plan: { type: 'string' },
        out: { type: 'string' },
        profile: { type: 'string' },
        endpoint: { type: 'string' },
        resume: { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        'passphrase-fd': { type: 'string' },
        'station-key': { type: 'string' },
        'station-passphrase-file': { type: 'string' },
        'station-passphrase-fd': { type: 'string' },
        'passphrase-file': { type: 'string' },
        step: { type: 'string' },
        witness: { type: 'string' },
        text: { type: 'string' },
        station: { type: 'string' },
        media: { type: 'string' },
        'peer-station': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.out) throw usageError('--out DIR is required', usage);
    const out = path.resolve(values.out);
    switch (sub) {
      case 'run':
        return run(io, out, values);
      case 'status':
      case 'exception':
        return inspect(io, out, sub, values);
      default:
        throw usageError(`unknown subcommand ${sub ?? '(none)'}`, usage);
    }
  },
};

interface RunFlags {
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
}

/**
 * The plan's cloud (AWS or Huawei), with --endpoint and --profile (AWS or KooCLI profile). Loaded on
 * demand: an offline station's run never loads an SDK, a gateway or the emulator.
 */
async function kmsFor(plan: CeremonyPlan, v: RunFlags): Promise<KmsPort> {
  const { kmsPortForPlan } = await import('../../kms/kms-for-plan.js');
  return kmsPortForPlan(plan, {
    ...(v.endpoint ? { endpoint: v.endpoint } : {}),
    ...(v.profile ? { profile: v.profile } : {}),
  });
}

async function run(io: CliIO, out: string, v: RunFlags): Promise<number> {
  if (!v.plan && !v.resume) throw usageError('--plan FILE is required', usage);
  const planDoc = v.plan ? readPlanFile(v.plan) : readPlanFile(path.join(out, 'plan.json'));
  const { plan } = validatePlan(planDoc);
  const fd = v['passphrase-fd'];
  const ids = plan.participants.custodians.map((c) => c.id);
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
  if (!v.resume) {
    assertEmptyDir(out);
    mkdirSync(out, { recursive: true, mode: 0o700 });
  }
  const station = await stationOption(io, out, v);

  const askPassphrase = async (id: string, purpose: string): Promise<SecretBuffer> => {
    if (supplied) return supplied.passphrase(id);
    const name = plan.participants.custodians.find((c) => c.id === id)?.name ?? id;
    const choosing = purpose.startsWith('choose');
    const first = await readSecret(
      `${name} (${id}), ${purpose}${choosing ? ' (or press Enter alone for a generated one)' : ''}: `,
    );
    if (!choosing) return SecretBuffer.adopt(first);
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
    const name = plan.participants.custodians.find((c) => c.id === id)?.name ?? id;
    return decodeHexComponent(
      await readSecret(`${name} (${id}), type your component (${length * 2} hex digits, not shown): `),
      length,
    );
  };
  const privateNotice = (id: string, message: string) => io.err(`[${id} only — others look away] ${message}`);
  const options = {
    ...testOptions(),
    componentSource,
    privateNotice,
    ...station,
  };
  if (v.station !== undefined || plan.stations === 'split') {
    if (v.station === undefined)
      throw usageError('this plan is split: say which station this is with --station online|offline', usage);
    if (!v.yes) await confirmDigest(io, plan);
    return await runStation({
      io,
      out,
      role: v.station,
      media: v.media,
      peer: v['peer-station'],
      planDoc,
      planBase: v.plan ? path.dirname(path.resolve(v.plan)) : out,
      options,
      people: { passphrase: askPassphrase, say: (l) => io.out(l), attempts: supplied ? 1 : 3 },
      signOff: async (witnessId) =>
        v.yes ? true : (await readAnswer(`Witness ${witnessId}: type "sign" to sign off: `)) === 'sign',
      kms: () => kmsFor(plan, v),
    }).finally(() => supplied?.wipe());
  }
  const kms = await kmsFor(plan, v);
  const svc = v.resume
    ? await CeremonyService.open({ dir: out, kms, planDoc, options })
    : await CeremonyService.create({
        dir: out,
        planDoc,
        planBase: v.plan ? path.dirname(path.resolve(v.plan)) : out,
        kms,
        options,
      });
  try {
    io.out(`ceremony ${svc.ceremonyId}: ${plan.name}`);
    io.out(`plan digest (SHA-256): ${svc.planDigest}`);
    io.out(`plan digest (words):   ${svc.planDigestWords}`);
    for (const line of svc.recoveryAccount) io.out(`recovery: ${line}`);
    if (!v.yes) await askDigestConfirmed();
    await driveCeremony(
      svc,
      { passphrase: askPassphrase, say: (l) => io.out(l), attempts: supplied ? 1 : 3 },
      {
        signOff: async (witnessId) =>
          v.yes
            ? true
            : (await readAnswer(`Witness ${witnessId}: type "sign" to sign off the ceremony: `)) === 'sign',
      },
    );
    svc.report();
    const f = svc.facts();
    io.out('');
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

async function askDigestConfirmed(): Promise<void> {
  const answer = await readAnswer(
    'Administrator: does this digest match the reviewed plan? Type "yes" to proceed: ',
  );
  if (answer !== 'yes')
    throw new KeyriteError(
      'CEREMONY_PLAN_NOT_CONFIRMED',
      'the administrator did not confirm the plan digest',
      'compare the digest with the reviewed plan and run again',
    );
}

/** A split station shows the plan digest before it starts, as the one-station run does. */
async function confirmDigest(io: CliIO, plan: Parameters<typeof planDigest>[0]): Promise<void> {
  const digest = planDigest(plan);
  io.out(`plan digest (SHA-256): ${digest}`);
  io.out(`plan digest (words):   ${toWords(digest)}`);
  await askDigestConfirmed();
}

/**
 * The easy path to a strong passphrase: six random words, shown once to the custodian alone (written as
 * bytes, never a string), who types them back to prove they have them before the key is sealed.
 */
async function confirmGenerated(
  id: string,
  name: string,
  readSecret: (prompt: string) => Promise<Buffer>,
): Promise<SecretBuffer> {
  const generated = generatePassphrase([id]);
  const shown = generated.use((g) =>
    Buffer.concat([Buffer.from(`[${id} only — others look away] your passphrase: `), g, Buffer.from('\n')]),
  );
  process.stderr.write(shown);
  shown.fill(0);
  const typed = await readSecret(`${name}, write it down, then type it to confirm: `);
  try {
    const same = generated.use((g) => typed.length === g.length && timingSafeEqual(typed, g));
    if (!same)
      throw new KeyriteError(
        'PASSPHRASE_MISMATCH',
        'what was typed is not the generated passphrase',
        'enroll again: press Enter for a new generated passphrase, or choose your own',
      );
    return generated;
  } catch (e) {
    generated.dispose();
    throw e;
  } finally {
    typed.fill(0);
  }
}

/** The station key for this run, unsealed; status and exception need the same --station-key as run. */
async function stationOption(io: CliIO, out: string, v: RunFlags): Promise<{ stationKey: StationKey }> {
  const file = v['station-key'] ? path.resolve(v['station-key']) : path.join(out, 'station-ed25519.key');
  return { stationKey: (await unlockStationForCli(io, file, suppliedStationPassphrase(v))).key };
}

function testOptions() {
  const cost = testScryptCost();
  return cost ? { scryptCost: cost } : {};
}

async function inspect(io: CliIO, out: string, sub: 'status' | 'exception', v: RunFlags): Promise<number> {
  const plan = validatePlan(readPlanFile(path.join(out, 'plan.json'))).plan;
  const svc = await CeremonyService.open({
    dir: out,
    kms: await kmsFor(plan, v),
    options: await stationOption(io, out, v),
  });
  try {
    if (sub === 'exception') {
      if (!v.step || !v.witness || !v.text)
        throw usageError('exception needs --step, --witness and --text', usage);
      if (!isStepId(v.step)) throw usageError(`unknown step ${v.step}`, usage);
      svc.witnessException(v.step, v.witness, v.text);
      svc.report();
      io.out(`exception recorded for step ${v.step} and signed into the log`);
      return 0;
    }
    const view = svc.view();
    io.out(`ceremony ${view.ceremonyId} (${view.status}): ${view.title ?? ''}`);
    for (const s of view.steps)
      io.out(
        `  ${s.status.padEnd(8)} ${s.id}${s.guarded ? ' (quorum)' : ''}${s.error ? ` — ${s.error.message}` : ''}`,
      );
    if (view.keyMaterials) {
      io.out(`key materials (${view.keyMaterials.length}, as KMS listed them at the hand-over):`);
      for (const m of view.keyMaterials) {
        const until = m.validTo ? `valid to ${m.validTo}` : 'does not expire';
        io.out(`  ${m.keyMaterialId} ${m.state}, ${m.importState ?? 'imported'}, ${until}`);
        io.out(`    re-imported by: ${m.reimportedBy}`);
      }
    }
    for (const line of svc.recoveryAccount) io.out(`recovery: ${line}`);
    return 0;
  } finally {
    svc.dispose();
  }
}

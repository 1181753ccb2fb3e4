import '../zod-jitless.js';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { validatePlan } from '../../../src-shared/ceremony/plan.js';
import { isStepId } from '../../../src-shared/ceremony/state-machine.js';
import { type CliIO, type Command, usageError } from '../io.js';
import { CeremonyService } from '../../ceremony/ceremony-service.js';
import { readPlanFile } from '../../ceremony/plan-file.js';
import { ceremonyDirGuard } from '../ceremony-start.js';
import { kmsFor, runCeremony, stationOption, type RunFlags } from '../ceremony-run.js';
import { stationOptionsUsage } from '../station-unlock.js';
import { witnessPassphrase } from '../witness-passphrase.js';
import { verifyShareCommand, verifyShareUsage } from '../ceremony-verify-share.js';
import { materialsListingLines } from '../../ceremony/live-materials.js';

const runUsage = `keyrite ceremony run --plan FILE --out DIR [--station-key FILE] [--profile P] [--endpoint URL]
                     [--resume] [--yes] [--station online|offline --media DIR [--peer-station FINGERPRINT]]
                     [--station offline --media DIR --console-request FILE]

Runs a real ceremony in this terminal. Before anyone enrolls, the credentials' account, caller and
region, the alias and an existing key are checked against KMS and shown; every screen then opens with
a banner saying whether this is AWS (which account), the Keyrite emulator (a rehearsal) or another
endpoint. The plan digest is shown (hex and words) for the room to compare with the reviewed plan
(keyrite plan check printed it). Each step's screen shows the facts custodians approve, with the
words they read aloud; the room picks which custodians present confirm (any M of N; Enter alone at a
passphrase prompt passes to another). Passphrases are typed without echo, after the rule is shown.
If the run stops (three wrong tries, too few custodians), it prints the --resume command to continue. Credentials come from the SDK's default chain (environment, profiles, SSO)
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
                     --resume when the other station's bundle is on it. A request the offline
                     station refuses is recorded in DIR's log even before its ceremony began: put
                     the right request on the medium and run again with --resume and the same --plan
  --media DIR        the mounted removable medium (or any folder carried across) bundles go through
  --peer-station FINGERPRINT  the other station's key fingerprint as it showed it: its first bundle
                     must be signed by that station (it is pinned either way)
  --console-request FILE  offline station, when the online half is the AWS console or CLI: the
                     console's ImportParameters.zip or the JSON of aws kms get-parameters-for-import
                     is the request (NOT signed: the station says so and shows the wrapping key's
                     fingerprint to compare). The plan must name the existing key. The response is a
                     new folder on the medium with EncryptedKeyMaterial.bin, ImportToken.bin and a
                     README.txt; the aws kms import-key-material command is printed. A refused request
                     is recorded in DIR's log: run again with --resume and the right file
  --passphrase-fd N  (tests, scripts) passphrases, one per line: custodians then witnesses, in plan order, from descriptor N
  --passphrase-file FILE  the same from a file (works through npx, which does not pass descriptors on)

example:
  keyrite ceremony run --plan ceremony.yaml --out /media/ceremony-2026-12 --station-key ~/.keyrite/station.key`;

const statusUsage = `keyrite ceremony status --out DIR [--station-key FILE] [--station-passphrase-file FILE] [--profile P] [--endpoint URL]

Shows where the ceremony in DIR stands: each step's status, whether it needs the quorum, its error,
which custodians have verified their backup share and who is pending, what recovery found after an
interruption and, for an AWS symmetric key, every key material (id,
state, expiry, and which backup shares re-import it) as KMS listed them at the hand-over.

example:
  keyrite ceremony status --out /media/ceremony-2026-12 --station-key ~/.keyrite/station.key`;

const exceptionUsage = `keyrite ceremony exception --out DIR --step STEP --witness ID --text TEXT [--station-key FILE]
                     [--passphrase-fd N | --passphrase-file FILE]

Records a witness's exception for a step, signed by the witness with the key they enrolled (their
passphrase is asked without echo) and into the log by the station; the report lists it as verified.

  --step STEP     the step id, as ceremony status lists it (e.g. import)
  --witness ID    the witness's id in the plan
  --text TEXT     what the witness saw, in their words
  --passphrase-fd N  (scripts) the witness's passphrase on the first line of descriptor N
  --passphrase-file FILE  the same from a file

example:
  keyrite ceremony exception --out /media/ceremony-2026-12 --step import --witness witness-1 \\
    --text "second custodian left the room during the import"`;

const usage = `${runUsage.split('\n\n')[0]}
${statusUsage.split('\n\n')[0]}
${exceptionUsage.split('\n\n')[0]}
${verifyShareUsage.split('\n\n')[0]}

run           runs a real ceremony in this terminal
status        shows where the ceremony in DIR stands
exception     records a witness's exception for a step
verify-share  a custodian pending at verify-shares verifies their share later

keyrite ceremony run --help (status, exception, verify-share) explains each.`;

export const command: Command = {
  usage,
  subcommands: {
    run: runUsage,
    status: statusUsage,
    exception: exceptionUsage,
    'verify-share': verifyShareUsage,
  },
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
        custodian: { type: 'string' },
        station: { type: 'string' },
        media: { type: 'string' },
        'peer-station': { type: 'string' },
        'console-request': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.out) throw usageError('--out DIR is required', usage);
    const out = path.resolve(values.out);
    switch (sub) {
      case 'run': {
        if (!values.plan && !values.resume) throw usageError('--plan FILE is required', usage);
        const dir = ceremonyDirGuard(out);
        try {
          return await runCeremony(io, out, values);
        } catch (e) {
          if (!values.resume) dir.abandon();
          throw e;
        }
      }
      case 'verify-share':
        if (!values.custodian) throw usageError('verify-share needs --custodian ID', usage);
        return verifyShareCommand(io, out, values.custodian, values);
      case 'status':
      case 'exception':
        return inspect(io, out, sub, values);
      default:
        throw usageError(`unknown subcommand ${sub ?? '(none)'}`, usage);
    }
  },
};

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
      const w = plan.participants.witnesses.find((x) => x.id === v.witness);
      // A witness who enrolled a key signs the exception with it (older ceremonies: unsigned).
      const passphrase = w && svc.witnessEnrolled(w.id) ? await witnessPassphrase(io, w, v) : undefined;
      await svc.witnessException(v.step, v.witness, v.text, passphrase);
      svc.report();
      io.out(
        passphrase
          ? `exception recorded for step ${v.step}, signed by witness ${v.witness} and by the station`
          : `exception recorded for step ${v.step} and signed into the log`,
      );
      return 0;
    }
    const view = svc.view();
    io.out(`ceremony ${view.ceremonyId} (${view.status}): ${view.title ?? ''}`);
    for (const s of view.steps)
      io.out(
        `  ${s.status.padEnd(8)} ${s.id}${s.guarded ? ' (quorum)' : ''}${s.error ? ` — ${s.error.message}` : ''}`,
      );
    // Live from KMS (materials expire and can be deleted after the hand-over), else as recorded.
    const materials = await svc.keyMaterials();
    if (materials) for (const line of materialsListingLines(materials)) io.out(line);
    if (plan.backup.shares && view.steps.some((s) => s.id === 'backup-shares' && s.status === 'done')) {
      const { verified, pending } = svc.shareStanding();
      io.out(
        pending.length === 0
          ? `backup shares: all ${verified.length} verified`
          : `backup shares: verified ${verified.join(', ') || 'none'}; pending: ${pending.join(', ')} (keyrite ceremony verify-share --custodian ID)`,
      );
    }
    for (const line of svc.recoveryAccount) io.out(`recovery: ${line}`);
    return 0;
  } finally {
    svc.dispose();
  }
}

import '../zod-jitless.js';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type CliIO, type Command, usageError } from '../io.js';
import type { StationKey } from '../../audit/station-key.js';
import { readFromFd, readSecretInputFile } from '../secret-input.js';
import {
  STATION_PASSPHRASE_ENV,
  type StationFlags,
  stationOptionsUsage,
  suppliedStationPassphrase,
  unlockStationForCli,
} from '../station-unlock.js';
import { defaultRehearsalPlan } from '../../ceremony/default-plan.js';
import { readPlanFile } from '../../ceremony/plan-file.js';
import { defaultPlanBase, runRehearsal } from '../rehearsal.js';
import { assertEmptyDir, ceremonyDirGuard } from '../ceremony-start.js';
import { testScryptCost } from '../../ceremony/crash-point.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import { runAirGappedRehearsal } from '../rehearsal-airgapped.js';
import { type KdfStats, kdfStats } from '../../secrets/kdf-pool.js';

/**
 * The time passphrase-key derivation took, on its own line: at a real ceremony a person types while it
 * runs, so it is waiting time of people, not of the machine.
 */
export function kdfLine(k: KdfStats): string {
  const mib = (b: number) => `${Math.round(b / 2 ** 20)} MiB`;
  return `${k.derivations} passphrase-key derivation(s), ${k.deriveSeconds.toFixed(2)} s of work, ${k.waitSeconds.toFixed(2)} s waited (up to ${k.peakConcurrent} at once, ${mib(k.peakBytes)} of scrypt memory)`;
}

const usage = `keyrite rehearse --out DIR [--plan FILE] [--endpoint URL] [--resume] [--station-key FILE] [--air-gapped]

Runs a whole key ceremony headlessly against the embedded KMS emulator (or the emulator at URL),
with rehearsal custodians whose passphrases are generated and kept in memory only. Writes
DIR/audit.db, DIR/report.html, DIR/shares/, DIR/plan.json; prints the key ARN, its check value
and the final key state. DIR must be new or empty.

  --out DIR        where the ceremony's files go
  --plan FILE      a ceremony plan (YAML or JSON); default: the built-in rehearsal plan
  --endpoint URL   a running emulator, e.g. http://127.0.0.1:4599 (keyrite emulator)
  --resume         continue the ceremony in DIR after an interruption (needs the custodian and
                   station passphrases of the first run)
  --air-gapped     rehearse a split ceremony: the online station in DIR/online (emulator), the
                   offline station in DIR/offline (no KMS at all), bundles passing through DIR/media;
                   prints both station fingerprints (one-time keys), the key ARN and check value
  --passphrase-fd N  read passphrases (one per line: custodians, then witnesses, in plan order) from file descriptor N
  --passphrase-file FILE  the same from a file

The log is signed by a one-time station key that never touches the disk, unless a station passphrase
or --station-key is given: then by a station key sealed under that passphrase (needed to resume).
${stationOptionsUsage}

example:
  keyrite rehearse --out rehearsal-1
  keyrite rehearse --plan ceremony.yaml --out rehearsal-2 --endpoint http://127.0.0.1:4599`;

/**
 * A sealed station key when a station passphrase or key file is given (a resumable rehearsal); none
 * otherwise (the engine then signs with a one-time key that never touches the disk).
 */
async function rehearsalStation(io: CliIO, out: string, v: StationFlags): Promise<StationKey | undefined> {
  const supplied = suppliedStationPassphrase(v);
  if (!supplied && !v['station-key']) return undefined;
  const file = v['station-key'] ? path.resolve(v['station-key']) : path.join(out, 'station-ed25519.key');
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  return (await unlockStationForCli(io, file, supplied)).key;
}

async function airGapped(
  io: CliIO,
  out: string,
  planFile: string | undefined,
  endpoint: string | undefined,
  resume: boolean,
): Promise<number> {
  if (resume)
    throw usageError(
      '--air-gapped rehearsals cannot --resume: their station keys are one-time keys; rehearse again in a new directory',
      usage,
    );
  const result = await runAirGappedRehearsal({
    out,
    planDoc: planFile ? readPlanFile(planFile) : defaultRehearsalPlan(),
    planBase: defaultPlanBase(planFile),
    ...(endpoint ? { endpoint } : {}),
    engine: testScryptCost() ? { scryptCost: testScryptCost() } : {},
    say: (l) => io.out(l),
  });
  io.out('');
  io.out(`online station:  ${result.onlineStation}`);
  io.out(`                 ${toWords(result.onlineStation)}`);
  io.out(`offline station: ${result.offlineStation}`);
  io.out(`                 ${toWords(result.offlineStation)}`);
  io.out(`${`${result.keyName}:`.padEnd(13)}${result.keyArn}`);
  io.out(
    `check value: ${result.checkValue}${/^[0-9A-F]{6}$/.test(result.checkValue) ? ` (${toWords(result.checkValue)})` : ''}`,
  );
  io.out(`key state:   ${result.keyState}`);
  io.out(`logs:        ${path.join(out, 'online', 'audit.db')}  ${path.join(out, 'offline', 'audit.db')}`);
  return 0;
}

export const command: Command = {
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        out: { type: 'string' },
        plan: { type: 'string' },
        endpoint: { type: 'string' },
        resume: { type: 'boolean', default: false },
        'air-gapped': { type: 'boolean', default: false },
        'passphrase-fd': { type: 'string' },
        'passphrase-file': { type: 'string' },
        'station-key': { type: 'string' },
        'station-passphrase-file': { type: 'string' },
        'station-passphrase-fd': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.out) throw usageError('--out DIR is required', usage);
    if (values.resume && !values['passphrase-fd'] && !values['passphrase-file'])
      throw usageError(
        '--resume needs --passphrase-fd or --passphrase-file: rehearsal passphrases are otherwise lost with the process',
        usage,
      );
    const fd = values['passphrase-fd'];
    const lines =
      fd !== undefined
        ? readFromFd(fd, '--passphrase-fd')
        : values['passphrase-file']
          ? readSecretInputFile(values['passphrase-file'])
          : undefined;
    const out = path.resolve(values.out);
    if (values['air-gapped']) return airGapped(io, out, values.plan, values.endpoint, values.resume);
    if (!values.resume) assertEmptyDir(out);
    const dir = ceremonyDirGuard(out);
    try {
      return await rehearse(io, out, values, lines);
    } catch (e) {
      dir.abandon();
      throw e;
    }
  },
};

async function rehearse(
  io: CliIO,
  out: string,
  values: RehearseFlags,
  lines: Buffer | undefined,
): Promise<number> {
  const stationKey = await rehearsalStation(io, out, values);
  if (values.resume && !stationKey)
    throw usageError(
      `--resume needs the station passphrase (--station-passphrase-file, --station-passphrase-fd or ${STATION_PASSPHRASE_ENV}): the first run's one-time station key is gone`,
      usage,
    );
  const planDoc = values.plan ? readPlanFile(values.plan) : builtInPlan(io, values.endpoint);
  const result = await runRehearsal({
    out,
    planDoc,
    planBase: defaultPlanBase(values.plan),
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    resume: values.resume,
    ...(lines ? { passphraseLines: lines } : {}),
    say: (l) => io.out(l),
    engine: {
      ...(testScryptCost() ? { scryptCost: testScryptCost() } : {}),
      ...(stationKey ? { stationKey } : {}),
    },
  });
  io.out('');
  io.out(`${`${result.keyName}:`.padEnd(13)}${result.keyArn}`);
  io.out(
    `check value: ${result.checkValue}${/^[0-9A-F]{6}$/.test(result.checkValue) ? ` (${toWords(result.checkValue)})` : ''}`,
  );
  io.out(`key state:   ${result.keyState}`);
  io.out(`report:      ${path.join(out, 'report.html')}`);
  io.out(`kdf:         ${kdfLine(kdfStats())}`);
  return 0;
}

interface RehearseFlags extends StationFlags {
  plan?: string | undefined;
  endpoint?: string | undefined;
  resume?: boolean | undefined;
}

/**
 * The built-in plan. Against an emulator that outlives the run (--endpoint), its alias gets this run's
 * time, so rehearsal after rehearsal works against one emulator; the embedded one starts empty.
 */
function builtInPlan(io: CliIO, endpoint: string | undefined): Record<string, unknown> {
  if (!endpoint) return defaultRehearsalPlan();
  const alias = `alias/keyrite-rehearsal-${new Date().toISOString().replace(/\D/g, '').slice(0, 17)}`;
  io.out(`built-in plan, alias ${alias} (unique to this run: ${endpoint} may hold earlier rehearsals)`);
  return defaultRehearsalPlan(alias);
}

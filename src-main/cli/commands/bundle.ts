import '../zod-jitless.js';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { normalizeFingerprint } from '../../../src-shared/audit/station-chain.js';
import { readRequest, readResponse } from '../../../src-shared/bundle/content.js';
import { verifyBundle, type VerifiedBundle } from '../../../src-shared/bundle/verify.js';
import { isKeyriteError } from '../../../src-shared/errors.js';
import { validatePlan } from '../../../src-shared/ceremony/plan.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import { readPlanFile } from '../../ceremony/plan-file.js';
import { BUNDLE_UNREADABLE, directorySource } from '../../media/bundle-dir.js';
import { type CliIO, type Command, reportError, usageError } from '../io.js';

const verifyUsage = `keyrite bundle verify PATH [--station FINGERPRINT]... [--plan FILE]

Checks a bundle that carries a split ceremony between its online and offline stations, in this
order: size caps, the manifest's signature (and, with --station, that the signer is that station),
every file's size and SHA-256 (none missing, none extra), expiry, then the content. Prints what the
bundle is, the writing station's fingerprint and the bundle digest, in hex and words, for the people
in both rooms to compare. Replay and rollback are judged by the station that reads the bundle in a
ceremony (it knows what it accepted before); this command cannot.

  --station FINGERPRINT  the writing station's key fingerprint as that station showed it (repeatable)
  --plan FILE            the reviewed plan: the bundle must have been made under it

Exit 0 valid, 1 invalid (the reason is printed), 2 unreadable.

example:
  keyrite bundle verify /media/usb/keyrite-cer-1a2b3c4d5e6f-request-1 --station 3f9a…(64 hex digits)`;

const usage = `${verifyUsage.split('\n\n')[0]}

  verify   checks a request or response bundle on removable media; exit 0 valid, 1 invalid, 2 unreadable

keyrite bundle verify --help explains it.`;

/** Prints a verified bundle for people: what it is, who wrote it, its digest. */
export function describeBundle(io: CliIO, dir: string, b: VerifiedBundle): void {
  const m = b.manifest;
  io.out(`bundle valid: ${dir}`);
  io.out(`  kind:          ${m.kind} (number ${m.sequence} from its station)`);
  io.out(`  ceremony:      ${m.ceremonyId}`);
  io.out(`  plan digest:   ${m.planDigest}`);
  io.out(`  created:       ${m.createdAt}`);
  io.out(`  expires:       ${m.expiresAt}`);
  io.out(`  written by:    station ${b.station}`);
  io.out(`         words:  ${toWords(b.station)}`);
  io.out(`  bundle digest: ${b.digest}`);
  io.out(`         words:  ${toWords(b.digest)}`);
  for (const f of m.files) io.out(`  file ${f.name}: ${f.size} bytes, sha256 ${f.sha256}`);
}

/** Usage mistakes exit 2 here, so a script never reads a typo as "the bundle is invalid" (exit 1). */
function verify(args: string[], io: CliIO): number {
  try {
    return verifyParsed(args, io);
  } catch (e) {
    if (isKeyriteError(e)) return reportError(io, e, 2);
    const detail = e instanceof Error ? e.message.split('\n')[0]?.slice(0, 160) : '';
    return reportError(io, usageError(`bundle verify: ${detail ?? 'bad arguments'}`, verifyUsage), 2);
  }
}

function verifyParsed(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args,
    options: { station: { type: 'string', multiple: true }, plan: { type: 'string' } },
    allowPositionals: true,
  });
  const [dir, ...extra] = positionals;
  if (dir === undefined || extra.length > 0)
    throw usageError('bundle verify takes one bundle path', verifyUsage);
  const stations = (values.station ?? []).map((s) => {
    const fp = normalizeFingerprint(s);
    if (!fp)
      throw usageError(`--station ${s.slice(0, 80)} is not a key fingerprint (64 hex digits)`, verifyUsage);
    return fp;
  });
  let planDigest: string | undefined;
  try {
    if (values.plan) planDigest = validatePlan(readPlanFile(values.plan)).digest;
  } catch (e) {
    return reportError(io, e, 2);
  }
  const now = new Date();
  const where = path.resolve(dir);
  try {
    const b = verifyBundle(directorySource(where), {
      now,
      stations,
      ...(planDigest ? { planDigest } : {}),
    });
    if (b.manifest.kind === 'request') readRequest(b, now);
    else readResponse(b);
    describeBundle(io, where, b);
    if (stations.length === 0)
      io.out(
        '  note: no --station given: compare the fingerprint above with the one the writing station shows',
      );
    return 0;
  } catch (e) {
    if (isKeyriteError(e) && e.code !== BUNDLE_UNREADABLE && e.code.startsWith('BUNDLE_')) {
      io.out(`bundle INVALID: ${where}`);
      io.out(`  why: ${e.message} [${e.code}]`);
      io.out(`  what to do: ${e.hint}`);
      return 1;
    }
    return reportError(io, e, 2);
  }
}

export const command: Command = {
  usage,
  subcommands: { verify: verifyUsage },
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'verify') return verify(rest, io);
    throw usageError(sub ? `unknown bundle subcommand "${sub.slice(0, 40)}"` : 'missing subcommand', usage);
  },
};

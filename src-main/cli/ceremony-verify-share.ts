import path from 'node:path';
import { KeyriteError } from '../../src-shared/errors.js';
import { validatePlan } from '../../src-shared/ceremony/plan.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { CeremonyService } from '../ceremony/ceremony-service.js';
import { readPlanFile } from '../ceremony/plan-file.js';
import { kmsFor, stationOption, type RunFlags } from './ceremony-run.js';
import type { CliIO } from './io.js';
import { firstLine, readFromFd, readSecretInputFile } from './secret-input.js';
import { readSecretLineFromTty } from './secret-line.js';
import { stationOptionsUsage } from './station-unlock.js';

export const verifyShareUsage = `keyrite ceremony verify-share --out DIR --custodian ID [--station-key FILE]
                               [--passphrase-fd N | --passphrase-file FILE]

A custodian who was not present when the ceremony's verify-shares step completed (any M of N verified
then; ceremony status lists who is pending) verifies their backup share later: their passphrase opens
their sealed share in DIR/shares, which must match the commitment recorded when it was made. The
verification is recorded in the ceremony's audit log (who, when) and signed by the station, like the
step's own. Refused, with nothing written, for someone not a custodian in the plan, a custodian who
already verified, or a ceremony that has not created its shares yet. A wrong passphrase counts as a
try under the same limit as at the step.

  --out DIR          the ceremony directory
  --custodian ID     the custodian's id in the plan (e.g. custodian-2)
${stationOptionsUsage}
  --passphrase-fd N  (scripts) the custodian's passphrase on the first line read from descriptor N
  --passphrase-file FILE  the same from a file
                     Without either, the passphrase is asked at the terminal, without echo.

example:
  keyrite ceremony verify-share --out /media/ceremony-2026-12 --custodian custodian-2 \\
    --station-key ~/.keyrite/station.key`;

/** The custodian's passphrase: the first line of --passphrase-fd/--passphrase-file, else typed at a terminal. */
async function custodianPassphrase(io: CliIO, v: RunFlags, prompt: string): Promise<SecretBuffer> {
  const fd = v['passphrase-fd'];
  if (fd !== undefined) return firstLine(readFromFd(fd, '--passphrase-fd'), 'passphrase');
  if (v['passphrase-file']) return firstLine(readSecretInputFile(v['passphrase-file']), 'passphrase');
  if (!io.readSecretLine && !process.stdin.isTTY)
    throw new KeyriteError(
      'CEREMONY_NO_TTY',
      'keyrite ceremony verify-share needs a terminal for the custodian’s passphrase',
      'run it in a terminal, or give --passphrase-fd N / --passphrase-file FILE',
    );
  const typed = await (io.readSecretLine ?? readSecretLineFromTty)(prompt);
  if (typed.length === 0)
    throw new KeyriteError('PASSPHRASE_EMPTY', 'no passphrase was typed', 'type the custodian’s passphrase');
  return SecretBuffer.adopt(typed);
}

/** After a wrong passphrase the next try waits (doubling each time): wait it out rather than refuse. */
async function waitOutBackoff(io: CliIO, svc: CeremonyService, custodianId: string): Promise<void> {
  const { notBefore } = svc.passphraseAttempts(custodianId, 'verify-shares');
  const wait = notBefore ? Date.parse(notBefore) - Date.now() : 0;
  if (wait <= 0) return;
  io.out(
    `${custodianId} typed a wrong passphrase before; the next try is allowed in ${Math.ceil(wait / 1000)} s: waiting`,
  );
  await new Promise((resolve) => setTimeout(resolve, wait));
}

export async function verifyShareCommand(
  io: CliIO,
  out: string,
  custodianId: string,
  v: RunFlags,
): Promise<number> {
  const plan = validatePlan(readPlanFile(path.join(out, 'plan.json'))).plan;
  const svc = await CeremonyService.open({
    dir: out,
    kms: await kmsFor(plan, v),
    options: await stationOption(io, out, v),
  });
  try {
    // Before anyone types: a refusal must not cost the custodian a passphrase entry.
    svc.checkPendingShare(custodianId);
    await waitOutBackoff(io, svc, custodianId);
    const name = plan.participants.custodians.find((c) => c.id === custodianId)?.name ?? custodianId;
    const passphrase = await custodianPassphrase(
      io,
      v,
      `${name} (${custodianId}), open your backup share to verify it: `,
    );
    const { verified, pending } = await svc.verifyPendingShare(custodianId, passphrase);
    svc.report();
    io.out(`${custodianId}: share opens and matches its commitment; recorded and signed into the log`);
    io.out(
      pending.length === 0
        ? `backup shares: all ${verified.length} verified`
        : `backup shares: verified ${verified.join(', ')}; pending: ${pending.join(', ')}`,
    );
    return 0;
  } finally {
    svc.dispose();
  }
}

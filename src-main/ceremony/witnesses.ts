import { KeyriteError } from '../../src-shared/errors.js';
import type { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { isStepId, type StepId } from '../../src-shared/ceremony/state-machine.js';
import {
  witnessStatementDigest,
  witnessStatementProblem,
  type WitnessStatement,
} from '../../src-shared/audit/witness-statement.js';
import { unlockWitness } from '../secrets/witness-keys.js';
import type { CeremonyParts } from './ceremony-parts.js';
import { unknownStep } from './step-ids.js';

/** A witness of the plan, or a refusal naming what only witnesses may do. */
function witness(p: CeremonyParts, witnessId: string, what: string): { id: string; name: string } {
  const w = p.log.plan.participants.witnesses.find((x) => x.id === witnessId);
  if (!w)
    throw new KeyriteError(
      'NOT_A_WITNESS',
      `${witnessId} is not a witness in this plan`,
      `only witnesses named in the plan ${what}`,
    );
  return w;
}

/**
 * The witness's signature over the statement, bound to the log's head at the moment it is written, so
 * it verifies only as the next record of this log. The witness's passphrase unlocks their key; a wrong
 * one is recorded and backed off like a custodian's (purpose 'witness', at `step`). A witness with no
 * key in the log (a ceremony enrolled before witnesses had keys) makes an unsigned statement.
 */
async function signed(
  p: CeremonyParts,
  step: StepId,
  statement: Omit<WitnessStatement, 'ceremonyId' | 'chainHead'>,
  passphrase: SecretBuffer | undefined,
  append: (signature: { publicKey?: string; signature?: string }) => void,
): Promise<void> {
  const e = p.log.witnessEnrollment(statement.witnessId);
  if (!e) {
    passphrase?.dispose();
    // Witnesses enroll at 'enroll' (readiness.ts): a witness without a key after it is one of a ceremony
    // enrolled before witnesses had keys. A split ceremony's online station has their keys from the
    // response bundle, so it never takes an unsigned statement.
    if (p.log.state.steps.enroll !== 'done' || p.log.role === 'online')
      throw new KeyriteError(
        'WITNESS_NOT_ENROLLED',
        `witness ${statement.witnessId} has not enrolled a key yet`,
        p.log.role === 'online'
          ? 'witnesses enroll at the offline station; their keys arrive with the response bundle: read it first'
          : 'the witness enrolls first (at the enroll step): their key signs what they state',
      );
    append({});
    return;
  }
  if (!passphrase)
    throw new KeyriteError(
      'WITNESS_PASSPHRASE_REQUIRED',
      `witness ${statement.witnessId} signs their statements: their passphrase is needed`,
      'the witness types the passphrase they chose at enrollment',
    );
  let unlocked;
  try {
    unlocked = await p.attempts.guard(statement.witnessId, step, 'witness', () =>
      unlockWitness(p.log.ceremonyId, e, passphrase),
    );
  } finally {
    passphrase.dispose();
  }
  try {
    // Nothing is appended between reading the head and writing the statement (no await in between).
    const full: WitnessStatement = {
      ...statement,
      ceremonyId: p.log.ceremonyId,
      chainHead: p.journal.headHash(),
    };
    const claim = { publicKey: e.publicKey, signature: unlocked.signDigest(witnessStatementDigest(full)) };
    const problem = witnessStatementProblem(full, claim, e.publicKey);
    if (problem) throw new Error(`witness statement would not verify: ${problem}`);
    append(claim);
  } finally {
    unlocked.dispose();
  }
}

/** A witness signs off the ceremony (every witness must before it closes). */
export async function witnessSignOff(
  p: CeremonyParts,
  witnessId: string,
  passphrase?: SecretBuffer,
): Promise<void> {
  let w;
  try {
    w = witness(p, witnessId, 'sign off');
  } catch (e) {
    passphrase?.dispose();
    throw e;
  }
  await signed(p, 'close', { witnessId, kind: 'signoff' }, passphrase, (sig) =>
    p.journal.append('ceremony.witness-signoff', { witness: w.name, witnessId, ...sig }, witnessId),
  );
  p.signals.changed();
}

/** A witness's objection or remark, signed by them, recorded and then covered by a station-signed checkpoint. */
export async function witnessException(
  p: CeremonyParts,
  stepId: string,
  witnessId: string,
  text: string,
  passphrase?: SecretBuffer,
): Promise<void> {
  let w;
  const clean = text.trim();
  try {
    w = witness(p, witnessId, 'record exceptions');
    if (!isStepId(stepId)) throw unknownStep(stepId);
    if (clean.length === 0 || clean.length > 2000)
      throw new KeyriteError(
        'EXCEPTION_TEXT',
        'an exception needs 1 to 2000 characters of text',
        'say what the witness saw',
      );
  } catch (e) {
    passphrase?.dispose();
    throw e;
  }
  const step = stepId;
  await signed(p, step, { witnessId, kind: 'exception', stepId: step, text: clean }, passphrase, (sig) =>
    p.journal.append(
      'witness.exception',
      { witness: w.name, witnessId, stepId: step, text: clean, ...sig },
      witnessId,
    ),
  );
  p.journal.checkpoint();
  p.signals.changed();
}

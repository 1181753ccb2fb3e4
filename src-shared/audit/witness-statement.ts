import { domainDigest } from './hashing.js';
import { verifyEd25519 } from './keys.js';

/** A witness statement's own domain: it can never be taken for a confirmation, checkpoint or record. */
export const WITNESS_STATEMENT_DOMAIN = Buffer.from('keyrite/witness-statement/v1\n', 'utf8');

/**
 * What a witness signs: who, in which ceremony, what kind of statement (the sign-off, or an exception at
 * a step with its text), and the hash of the record the statement follows in the log. The chain head
 * pins the statement to its place: a signature copied to another record, another ceremony or another
 * point of this log no longer verifies.
 */
export interface WitnessStatement {
  ceremonyId: string;
  witnessId: string;
  kind: 'signoff' | 'exception';
  stepId?: string;
  text?: string;
  chainHead: string;
}

/** SHA-256("keyrite/witness-statement/v1\n" || canonical JSON of the statement), hex. */
export function witnessStatementDigest(s: WitnessStatement): string {
  const { ceremonyId, witnessId, kind, chainHead } = s;
  return domainDigest(WITNESS_STATEMENT_DOMAIN, {
    ceremonyId,
    witnessId,
    kind,
    ...(s.stepId !== undefined ? { stepId: s.stepId } : {}),
    ...(s.text !== undefined ? { text: s.text } : {}),
    chainHead,
  });
}

/** The signature fields of a `ceremony.witness-signoff` or `witness.exception` record, when present. */
export interface WitnessSignatureClaim {
  publicKey?: string | undefined;
  signature?: string | undefined;
}

/**
 * The one rule for a witness statement in the log, used by the engine before it writes one and by the
 * verifier when it reads one. A witness who enrolled a key signs every statement with it; a statement
 * without a signature is accepted only from a witness with no key in the log (a log written before
 * witnesses had keys), and the report calls it unsigned. Answers the problem, or undefined.
 */
export function witnessStatementProblem(
  s: WitnessStatement,
  claim: WitnessSignatureClaim,
  enrolledKey: string | undefined,
): string | undefined {
  const { publicKey, signature } = claim;
  if (publicKey === undefined && signature === undefined)
    return enrolledKey === undefined
      ? undefined
      : `witness ${s.witnessId} enrolled a key, but this statement is not signed`;
  if (publicKey === undefined || signature === undefined)
    return 'a witness statement carries a public key and a signature, or neither';
  if (enrolledKey === undefined)
    return `is signed, but witness ${s.witnessId} enrolled no key earlier in the log`;
  if (enrolledKey !== publicKey) return `is signed with a key other than the one ${s.witnessId} enrolled`;
  if (!verifyEd25519(publicKey, Buffer.from(witnessStatementDigest(s), 'hex'), signature))
    return `the signature of ${s.witnessId} does not verify over this statement (forged, altered, or copied from another record)`;
  return undefined;
}

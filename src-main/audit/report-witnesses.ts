import type { AuditRecord } from '../../src-shared/audit/record.js';
import { witnessStatementProblem, type WitnessStatement } from '../../src-shared/audit/witness-statement.js';
import { spkiFingerprint } from '../../src-shared/digests.js';
import { str } from './report-markup.js';

/**
 * What the report says of each witness statement (sign-off or exception), by record number: checked
 * here with the rule the verifier applies (src-shared/audit/witness-statement.ts) against the key the
 * witness enrolled earlier in the log, never taken on the record's word.
 */
export function witnessStatementStatus(records: readonly AuditRecord[]): Map<number, string> {
  const keys = new Map<string, string>();
  const out = new Map<number, string>();
  for (const r of records) {
    const p = r.payload;
    if (r.type === 'participant.enrolled' && p['role'] === 'witness') {
      const id = str(p['witnessId']);
      const key = str(p['publicKey']);
      if (id && key) keys.set(id, key);
      continue;
    }
    if (r.type !== 'ceremony.witness-signoff' && r.type !== 'witness.exception') continue;
    const witnessId = str(p['witnessId']);
    const statement: WitnessStatement =
      r.type === 'ceremony.witness-signoff'
        ? { ceremonyId: r.ceremonyId, witnessId, kind: 'signoff', chainHead: r.prevHash }
        : {
            ceremonyId: r.ceremonyId,
            witnessId,
            kind: 'exception',
            ...(typeof p['stepId'] === 'string' ? { stepId: p['stepId'] } : {}),
            text: str(p['text']),
            chainHead: r.prevHash,
          };
    const claim = {
      publicKey: typeof p['publicKey'] === 'string' ? p['publicKey'] : undefined,
      signature: typeof p['signature'] === 'string' ? p['signature'] : undefined,
    };
    const enrolled = keys.get(witnessId);
    const problem = witnessStatementProblem(statement, claim, enrolled);
    out.set(
      r.seq,
      problem
        ? `SIGNATURE DOES NOT VERIFY: ${problem}`
        : claim.signature && enrolled
          ? `signature verified (key fingerprint ${spkiFingerprint(enrolled)})`
          : 'unsigned (log from before witness keys)',
    );
  }
  return out;
}

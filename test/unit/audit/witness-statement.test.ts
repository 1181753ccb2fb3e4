import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { publicKeyToBase64 } from '../../../src-shared/audit/keys.js';
import { spkiFingerprint } from '../../../src-shared/digests.js';
import { verifyLog } from '../../../src-shared/audit/verify-log.js';
import {
  witnessStatementDigest,
  type WitnessStatement,
} from '../../../src-shared/audit/witness-statement.js';
import { LogBuilder } from './harness/log-builder.js';

/*
 * Witness statements in the log: a witness who enrolled a key signs their sign-off and exceptions, over
 * a digest bound to the record's place in the chain. The verifier checks each against the enrolled key
 * and the digest it recomputes; an unsigned statement passes only from a witness with no key (older logs).
 */
const CER = 'cer-w';

function witnessKey() {
  const pair = generateKeyPairSync('ed25519');
  return { key: pair.privateKey, publicKey: publicKeyToBase64(pair.publicKey) };
}

function enroll(b: LogBuilder, witnessId: string, publicKey: string): void {
  b.add(CER, witnessId, 'participant.enrolled', {
    name: `Witness ${witnessId}`,
    witnessId,
    role: 'witness',
    publicKey,
    fingerprint: spkiFingerprint(publicKey),
  });
}

function signature(k: ReturnType<typeof witnessKey>, s: Omit<WitnessStatement, 'ceremonyId'>): string {
  return sign(null, Buffer.from(witnessStatementDigest({ ...s, ceremonyId: CER }), 'hex'), k.key).toString(
    'base64',
  );
}

/** A signed statement as the engine writes it: the signature covers the hash of the record before it. */
function signedSignOff(b: LogBuilder, witnessId: string, k: ReturnType<typeof witnessKey>) {
  const chainHead = b.records.at(-1)?.hash ?? '';
  return b.add(CER, witnessId, 'ceremony.witness-signoff', {
    witness: `Witness ${witnessId}`,
    witnessId,
    publicKey: k.publicKey,
    signature: signature(k, { witnessId, kind: 'signoff', chainHead }),
  });
}

function signedException(b: LogBuilder, witnessId: string, k: ReturnType<typeof witnessKey>, text: string) {
  const chainHead = b.records.at(-1)?.hash ?? '';
  return b.add(CER, witnessId, 'witness.exception', {
    witness: `Witness ${witnessId}`,
    witnessId,
    stepId: 'import',
    text,
    publicKey: k.publicKey,
    signature: signature(k, { witnessId, kind: 'exception', stepId: 'import', text, chainHead }),
  });
}

const verify = (b: LogBuilder) => verifyLog({ records: b.records, checkpoints: b.checkpoints });

void test('signed sign-offs and exceptions verify and are listed with the key fingerprint', () => {
  const b = new LogBuilder();
  const w = witnessKey();
  enroll(b, 'w1', w.publicKey);
  const ex = signedException(b, 'w1', w, 'the second custodian left the room');
  const so = signedSignOff(b, 'w1', w);
  b.checkpoint(CER);
  const r = verify(b);
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.witnessStatements, [
    { seq: ex.seq, witnessId: 'w1', kind: 'exception', fingerprint: spkiFingerprint(w.publicKey) },
    { seq: so.seq, witnessId: 'w1', kind: 'signoff', fingerprint: spkiFingerprint(w.publicKey) },
  ]);
});

void test('a log from before witness keys verifies, its statements listed as unsigned', () => {
  const b = new LogBuilder();
  const so = b.add(CER, 'w1', 'ceremony.witness-signoff', { witness: 'Witness w1', witnessId: 'w1' });
  const r = verify(b);
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.witnessStatements, [{ seq: so.seq, witnessId: 'w1', kind: 'signoff' }]);
});

void test('an unsigned statement from a witness who enrolled a key fails at that record', () => {
  const b = new LogBuilder();
  enroll(b, 'w1', witnessKey().publicKey);
  const so = b.add(CER, 'station', 'ceremony.witness-signoff', { witness: 'Witness w1', witnessId: 'w1' });
  const r = verify(b);
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.firstBadSeq === so.seq);
  assert.match(
    !r.ok ? r.reason : '',
    /witness statement record \d+ \(ceremony\.witness-signoff\): .*not signed/,
  );
});

void test('a signature moved from the exception to a sign-off, or to another place, fails', () => {
  const b = new LogBuilder();
  const w = witnessKey();
  enroll(b, 'w1', w.publicKey);
  const ex = signedException(b, 'w1', w, 'seen');
  const forged = b.add(CER, 'station', 'ceremony.witness-signoff', {
    witness: 'Witness w1',
    witnessId: 'w1',
    publicKey: w.publicKey,
    signature: ex.payload['signature'],
  });
  const r = verify(b);
  assert.ok(!r.ok && r.firstBadSeq === forged.seq, JSON.stringify(r));
  assert.match(!r.ok ? r.reason : '', /does not verify over this statement/);

  // The witness's genuine sign-off signature, replayed after one more record: its chain head is wrong.
  const c = new LogBuilder();
  enroll(c, 'w1', w.publicKey);
  const chainHead = c.records.at(-1)?.hash ?? '';
  c.add(CER, 'station', 'step.started', { stepId: 'close' });
  const replay = c.add(CER, 'station', 'ceremony.witness-signoff', {
    witness: 'Witness w1',
    witnessId: 'w1',
    publicKey: w.publicKey,
    signature: signature(w, { witnessId: 'w1', kind: 'signoff', chainHead }),
  });
  const r2 = verify(c);
  assert.ok(!r2.ok && r2.firstBadSeq === replay.seq, JSON.stringify(r2));
});

void test('an altered exception text, another key, or a key never enrolled fails', () => {
  const w = witnessKey();
  const other = witnessKey();
  const b = new LogBuilder();
  enroll(b, 'w1', w.publicKey);
  const chainHead = b.records.at(-1)?.hash ?? '';
  const altered = b.add(CER, 'station', 'witness.exception', {
    witness: 'Witness w1',
    witnessId: 'w1',
    stepId: 'import',
    text: 'nothing to report',
    publicKey: w.publicKey,
    signature: signature(w, {
      witnessId: 'w1',
      kind: 'exception',
      stepId: 'import',
      text: 'the KCV differed',
      chainHead,
    }),
  });
  const r = verify(b);
  assert.ok(!r.ok && r.firstBadSeq === altered.seq);

  const c = new LogBuilder();
  enroll(c, 'w1', w.publicKey);
  const impostor = signedSignOff(c, 'w1', other);
  const r2 = verify(c);
  assert.ok(!r2.ok && r2.firstBadSeq === impostor.seq);
  assert.match(!r2.ok ? r2.reason : '', /key other than the one w1 enrolled/);

  const d = new LogBuilder();
  const unenrolled = signedSignOff(d, 'w1', w);
  const r3 = verify(d);
  assert.ok(!r3.ok && r3.firstBadSeq === unenrolled.seq);
  assert.match(!r3.ok ? r3.reason : '', /enrolled no key/);
});

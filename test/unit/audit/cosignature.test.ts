import assert from 'node:assert/strict';
import { sign, type KeyObject } from 'node:crypto';
import { test } from 'node:test';
import { type SignedCheckpoint, checkpointDigest } from '../../../src-shared/audit/checkpoint.js';
import type { AuditRecord } from '../../../src-shared/audit/record.js';
import { type VerifyResult, verifyLog } from '../../../src-shared/audit/verify-log.js';
import { LogBuilder, custodian } from './harness/log-builder.js';

type Custodian = ReturnType<typeof custodian>;

/** A log with alice enrolled and one checkpoint, which the caller co-signs as it likes. */
function enrolledLog(): { b: LogBuilder; alice: Custodian; cp: SignedCheckpoint } {
  const b = new LogBuilder();
  const alice = custodian('alice');
  b.add('c1', 'admin', 'ceremony.started', { planDigest: 'ab'.repeat(32), title: 'demo' });
  b.add('c1', 'admin', 'participant.enrolled', {
    name: 'alice',
    role: 'custodian',
    publicKey: alice.publicKey,
  });
  b.add('c1', 'station', 'step.challenge', { stepId: 'import' });
  const cp = b.checkpoint('c1');
  return { b, alice, cp };
}

function cosign(
  b: LogBuilder,
  cp: Pick<SignedCheckpoint, 'version' | 'ceremonyId' | 'stationId' | 'treeSize' | 'rootHash' | 'time'>,
  opts: { signer: string; publicKey: string; key: KeyObject; treeSize?: number; rootHash?: string },
): AuditRecord {
  return b.add('c1', opts.signer, 'audit.cosignature', {
    treeSize: opts.treeSize ?? cp.treeSize,
    rootHash: opts.rootHash ?? cp.rootHash,
    signer: opts.signer,
    publicKey: opts.publicKey,
    signature: sign(null, checkpointDigest(cp), opts.key).toString('base64'),
  });
}

function failsAt(r: VerifyResult, rec: AuditRecord, why: RegExp): void {
  assert.equal(r.ok, false, 'expected verification to fail');
  if (r.ok) return;
  assert.equal(r.firstBadSeq, rec.seq);
  assert.match(r.reason, new RegExp(`co-signature record ${rec.seq}`));
  assert.match(r.reason, why);
}

void test('a custodian co-signature of a recorded checkpoint verifies', () => {
  const { b, alice, cp } = enrolledLog();
  cosign(b, cp, alice);
  b.checkpoint('c1');
  const r = verifyLog({ records: b.records, checkpoints: b.checkpoints });
  assert.equal(r.ok, true, JSON.stringify(r));
});

void test('a co-signature made with a key other than the enrolled one fails at its record', () => {
  const { b, alice, cp } = enrolledLog();
  const mallory = custodian('alice');
  const rec = cosign(b, cp, { signer: 'alice', publicKey: mallory.publicKey, key: mallory.key });
  failsAt(verifyLog({ records: b.records, checkpoints: b.checkpoints }), rec, /key other than the enrolled/);
  // The enrolled key claimed, another key signing: the signature does not verify.
  const b2 = enrolledLog();
  const rec2 = cosign(b2.b, b2.cp, { signer: 'alice', publicKey: b2.alice.publicKey, key: alice.key });
  failsAt(verifyLog({ records: b2.b.records, checkpoints: b2.b.checkpoints }), rec2, /does not verify/);
});

void test('a co-signature naming a wrong root or a tree size with no checkpoint fails at its record', () => {
  const { b, alice, cp } = enrolledLog();
  const rec = cosign(b, cp, { ...alice, rootHash: 'cd'.repeat(32) });
  failsAt(verifyLog({ records: b.records, checkpoints: b.checkpoints }), rec, /names no checkpoint/);

  const b2 = enrolledLog();
  const rec2 = cosign(b2.b, b2.cp, { ...b2.alice, treeSize: b2.cp.treeSize - 1 });
  failsAt(verifyLog({ records: b2.b.records, checkpoints: b2.b.checkpoints }), rec2, /names no checkpoint/);
});

void test('a co-signature of a checkpoint signed over another body (root swapped in) fails', () => {
  const { b, alice, cp } = enrolledLog();
  // Names the real checkpoint, but the signature covers a body with another root.
  const rec = cosign(b, { ...cp, rootHash: 'ef'.repeat(32) }, { ...alice, rootHash: cp.rootHash });
  failsAt(verifyLog({ records: b.records, checkpoints: b.checkpoints }), rec, /does not verify/);
});

void test('a co-signature by someone who never enrolled fails at its record', () => {
  const { b, cp } = enrolledLog();
  const eve = custodian('eve');
  const rec = cosign(b, cp, eve);
  failsAt(verifyLog({ records: b.records, checkpoints: b.checkpoints }), rec, /eve is not enrolled/);
});

void test('co-signing the same checkpoint twice fails at the second record', () => {
  const { b, alice, cp } = enrolledLog();
  cosign(b, cp, alice);
  const rec = cosign(b, cp, alice);
  failsAt(verifyLog({ records: b.records, checkpoints: b.checkpoints }), rec, /already co-signed/);
});

void test('a co-signature record without a signature does not fit its schema', () => {
  const { b, alice, cp } = enrolledLog();
  const rec = b.add('c1', 'alice', 'audit.cosignature', {
    treeSize: cp.treeSize,
    rootHash: cp.rootHash,
    signer: 'alice',
    publicKey: alice.publicKey,
  });
  const r = verifyLog({ records: b.records, checkpoints: b.checkpoints });
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.firstBadSeq, rec.seq);
  assert.match(!r.ok ? r.reason : '', /audit\.cosignature/);
});

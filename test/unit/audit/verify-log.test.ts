import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeRecordHash, type AuditRecord } from '../../../src-shared/audit/record.js';
import { type VerifyResult, verifyLog } from '../../../src-shared/audit/verify-log.js';
import { LogBuilder, custodian } from './harness/log-builder.js';

function sampleLog(): { b: LogBuilder; alice: ReturnType<typeof custodian> } {
  const b = new LogBuilder();
  const alice = custodian('alice');
  b.add('c1', 'admin', 'ceremony.started', { planDigest: 'ab'.repeat(32), title: 'demo' });
  b.add('c1', 'admin', 'participant.enrolled', {
    name: 'alice',
    role: 'custodian',
    publicKey: alice.publicKey,
  });
  for (let i = 0; i < 20; i++) b.add('c1', 'alice', 'note', { text: `step ${i}` });
  b.checkpoint('c1', [alice]);
  const intent = b.add('c1', 'admin', 'intent', {
    action: 'kms.import',
    effect: 'ImportKeyMaterial',
    details: {},
  });
  b.add('c1', 'admin', 'outcome', { intentSeq: intent.seq, action: 'kms.import', ok: true, details: {} });
  b.add('c1', 'alice', 'material.kcv', { kcv: '0A1B2C', scope: 'material' });
  b.checkpoint('c1', [alice]);
  return { b, alice };
}

/** Replaces record i and re-hashes it and everything after, as a forger with write access would. */
function rewrite(records: AuditRecord[], i: number, change: (r: AuditRecord) => AuditRecord): AuditRecord[] {
  const out = records.map((r) => ({ ...r }));
  out[i] = change(out[i]!);
  for (let j = i; j < out.length; j++) {
    if (j > 0) out[j]!.prevHash = out[j - 1]!.hash;
    out[j]!.hash = computeRecordHash(out[j]!);
  }
  return out;
}

function bad(r: VerifyResult): { firstBadSeq: number; reason: string } {
  assert.equal(r.ok, false, 'expected verification to fail');
  return r as { firstBadSeq: number; reason: string };
}

void test('an intact log verifies, with and without a trusted checkpoint', () => {
  const { b } = sampleLog();
  const r = verifyLog({
    records: b.records,
    checkpoints: b.checkpoints,
    trustedCheckpoint: b.checkpoints[0]!,
  });
  assert.equal(r.ok, true);
  assert.equal(r.ok && r.recordCount, b.records.length);
  // The last record is the newest checkpoint's own audit.checkpoint record: nothing is unsealed.
  assert.equal(r.ok && r.uncheckpointedTail, 0);
  assert.equal(verifyLog({ records: [], checkpoints: [] }).ok, true);
  b.add('c1', 'admin', 'note', { text: 'after the checkpoint' });
  const tail = verifyLog({ records: b.records, checkpoints: b.checkpoints });
  assert.equal(tail.ok && tail.uncheckpointedTail, 1);
});

void test('an altered payload is found at its record', () => {
  const { b } = sampleLog();
  const records = b.records.map((r) => ({ ...r }));
  records[5] = { ...records[5]!, payload: { text: 'step 99' } };
  const r = bad(verifyLog({ records, checkpoints: b.checkpoints }));
  assert.equal(r.firstBadSeq, 6);
  assert.match(r.reason, /altered/);
});

void test('a rewritten and re-hashed history is caught by the signed checkpoint', () => {
  const { b } = sampleLog();
  const records = rewrite(b.records, 5, (r) => ({ ...r, payload: { text: 'forged' } }));
  const r = bad(verifyLog({ records, checkpoints: b.checkpoints }));
  assert.match(r.reason, /Merkle root/);
});

void test('missing, repeated and reordered records are found', () => {
  const { b } = sampleLog();
  const missing = b.records.filter((r) => r.seq !== 10);
  assert.equal(bad(verifyLog({ records: missing, checkpoints: b.checkpoints })).firstBadSeq, 10);
  const swapped = [...b.records];
  [swapped[7], swapped[8]] = [swapped[8]!, swapped[7]!];
  assert.equal(bad(verifyLog({ records: swapped, checkpoints: b.checkpoints })).firstBadSeq, 8);
  const repeated = [...b.records.slice(0, 9), b.records[7]!, ...b.records.slice(9)];
  assert.equal(bad(verifyLog({ records: repeated, checkpoints: b.checkpoints })).firstBadSeq, 8);
});

void test('a truncated log is caught by any checkpoint beyond its end', () => {
  const { b } = sampleLog();
  const r = bad(verifyLog({ records: b.records.slice(0, 15), checkpoints: b.checkpoints }));
  assert.match(r.reason, /removed or lost/);
  const own = bad(
    verifyLog({ records: b.records.slice(0, 15), checkpoints: [], trustedCheckpoint: b.checkpoints[0]! }),
  );
  assert.match(own.reason, /trusted checkpoint/);
});

void test('a fork signed with the station key is caught by an earlier trusted checkpoint', () => {
  const { b } = sampleLog();
  const trusted = b.checkpoints[1]!;
  const fork = new LogBuilder();
  // A different history (even by the same station) cannot reproduce the trusted root.
  fork.add('c1', 'admin', 'ceremony.started', { planDigest: 'cd'.repeat(32) });
  const r = bad(
    verifyLog({ records: fork.records, checkpoints: fork.checkpoints, trustedCheckpoint: trusted }),
  );
  assert.match(r.reason, /trusted checkpoint/);
  const rewritten = rewrite(b.records, 3, (x) => ({ ...x, payload: { text: 'other past' } }));
  const r2 = bad(verifyLog({ records: rewritten, checkpoints: [], trustedCheckpoint: b.checkpoints[0]! }));
  assert.match(r2.reason, /forked or rewritten/);
});

void test('checkpoint signature, co-signer and bookkeeping problems are found', () => {
  const { b } = sampleLog();
  const forged = { ...b.checkpoints[0]!, stationSignature: Buffer.alloc(64, 1).toString('base64') };
  assert.match(
    bad(verifyLog({ records: b.records, checkpoints: [forged, b.checkpoints[1]!] })).reason,
    /missing from the checkpoints table|signature/,
  );
  const mallory = custodian('mallory');
  const b2 = new LogBuilder();
  b2.add('c1', 'x', 'note', { text: 'a' });
  b2.checkpoint('c1', [mallory]);
  assert.match(bad(verifyLog({ records: b2.records, checkpoints: b2.checkpoints })).reason, /not enrolled/);
  assert.match(
    bad(verifyLog({ records: b.records, checkpoints: [b.checkpoints[1]!] })).reason,
    /missing from the checkpoints table/,
  );
});

void test('schema violations, secret-looking payloads and stray outcomes are refused at verification', () => {
  const mk = (type: string, payload: Record<string, unknown>): VerifyResult => {
    const b = new LogBuilder();
    b.add('c1', 'x', type, payload);
    return verifyLog({ records: b.records, checkpoints: [] });
  };
  assert.match(bad(mk('material.kcv', { kcv: 'nothex', scope: 'material' })).reason, /kcv/i);
  assert.match(bad(mk('note', { text: 'x', passphrase: 'hunter2' })).reason, /secret/);
  assert.match(
    bad(mk('outcome', { intentSeq: 1, action: 'a', ok: true, details: {} })).reason,
    /not an open intent/,
  );
  assert.match(bad(mk('made.up', {})).reason, /unknown record type/);
});

void test('time must not go backwards', () => {
  const { b } = sampleLog();
  const records = rewrite(b.records, 4, (r) => ({ ...r, time: '2020-01-01T00:00:00.000Z' }));
  assert.match(bad(verifyLog({ records, checkpoints: [] })).reason, /backwards/);
});

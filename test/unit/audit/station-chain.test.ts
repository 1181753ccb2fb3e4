import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPairSync } from 'node:crypto';
import { normalizeFingerprint } from '../../../src-shared/audit/station-chain.js';
import { spkiFingerprint } from '../../../src-shared/digests.js';
import { computeRecordHash, type AuditRecord } from '../../../src-shared/audit/record.js';
import { type VerifyFailure, type VerifyOk, verifyLog } from '../../../src-shared/audit/verify-log.js';
import { LogBuilder, custodian } from './harness/log-builder.js';

function ceremony(b: LogBuilder, notes = 5): void {
  for (let i = 0; i < notes; i++) b.add('c1', 'admin', 'note', { text: `n${i}` });
  b.checkpoint('c1');
}

const ok = (r: ReturnType<typeof verifyLog>): VerifyOk => {
  assert.equal(r.ok, true, r.ok ? '' : r.reason);
  return r as VerifyOk;
};
const bad = (r: ReturnType<typeof verifyLog>): VerifyFailure => {
  assert.equal(r.ok, false, 'expected verification to fail');
  return r as VerifyFailure;
};

void test('a station key introduced by the current station is accepted and listed after it', () => {
  const b = new LogBuilder();
  ceremony(b);
  const first = b.publicKey;
  b.introduce();
  ceremony(b);
  const r = ok(verifyLog({ records: b.records, checkpoints: b.checkpoints }));
  assert.equal(r.stations.length, 2);
  assert.equal(r.stations[0]?.fingerprint, spkiFingerprint(first));
  assert.equal(r.stations[1]?.introducedBy, r.stations[0]?.stationId);
  // Trust flows forward: pinning the first station trusts the one it introduced, and vice versa the
  // newest checkpoint signed by a pinned newer station vouches for everything before it.
  assert.equal(ok(verifyLog({ ...b, pinnedStations: [spkiFingerprint(first)] })).stations[1]?.trusted, true);
  ok(verifyLog({ ...b, pinnedStations: [spkiFingerprint(b.publicKey)] }));
});

void test('a new station key without the current station’s signature fails at its record', () => {
  for (const forged of [
    { omit: true },
    { signer: generateKeyPairSync('ed25519').privateKey },
    // A genuine introduction signature cannot be replayed at another position in the chain.
    { prevHash: 'ab'.repeat(32) },
  ]) {
    const b = new LogBuilder();
    ceremony(b);
    const at = b.records.length + 1;
    b.introduce(forged);
    ceremony(b);
    const r = bad(verifyLog({ records: b.records, checkpoints: b.checkpoints }));
    assert.equal(r.firstBadSeq, at, r.reason);
    assert.match(r.reason, /did not introduce|not signed by station/);
  }
});

void test('a replaced station may not write again', () => {
  const b = new LogBuilder();
  ceremony(b);
  const oldId = b.stationId;
  b.introduce();
  b.add('c1', 'admin', 'note', { text: 'new station' });
  const late = b.add('c1', 'admin', 'note', { text: 'old station writes' });
  const records = b.records.map((r) => ({ ...r }));
  const i = records.findIndex((r) => r.seq === late.seq);
  records[i] = { ...records[i]!, stationId: oldId };
  records[i]!.hash = computeRecordHash(records[i]!);
  const r = bad(verifyLog({ records: records as AuditRecord[], checkpoints: b.checkpoints }));
  assert.equal(r.firstBadSeq, late.seq);
  assert.match(r.reason, /writes after it was replaced/);
});

void test('with pinned stations, a log whose newest checkpoint no pinned station vouches for fails', () => {
  const b = new LogBuilder();
  ceremony(b);
  const stranger = spkiFingerprint(new LogBuilder().publicKey);
  const r = bad(verifyLog({ ...b, pinnedStations: [stranger] }));
  assert.equal(r.firstBadSeq, 1);
  assert.match(r.reason, /not a station you pinned/);
  const unsealed = new LogBuilder();
  unsealed.add('c1', 'admin', 'note', { text: 'no checkpoint yet' });
  assert.match(
    bad(verifyLog({ ...unsealed, pinnedStations: [spkiFingerprint(unsealed.publicKey)] })).reason,
    /no signed checkpoint/,
  );
});

void test('the record that repeats a checkpoint must repeat it exactly', () => {
  const b = new LogBuilder();
  const alice = custodian('alice');
  b.add('c1', 'admin', 'participant.enrolled', {
    name: 'alice',
    role: 'custodian',
    publicKey: alice.publicKey,
  });
  b.checkpoint('c1', [alice]);
  const records = b.records.map((r) => ({ ...r }));
  const last = records.at(-1)!;
  last.payload = { ...last.payload, cosigners: ['alice', 'mallory'] };
  last.hash = computeRecordHash(last);
  const r = bad(verifyLog({ records, checkpoints: b.checkpoints }));
  assert.equal(r.firstBadSeq, last.seq);
  assert.match(r.reason, /lists other co-signers/);
});

void test('fingerprints are accepted as people copy them', () => {
  const fp = 'ab'.repeat(32);
  assert.equal(normalizeFingerprint(fp.toUpperCase()), fp);
  assert.equal(normalizeFingerprint(fp.match(/../g)!.join(':')), fp);
  assert.equal(normalizeFingerprint(`${fp.slice(0, 32)} ${fp.slice(32)}`), fp);
  assert.equal(normalizeFingerprint('ab'.repeat(16)), undefined);
});

import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';
import { openAuditStore } from '../../../src-main/audit/audit-store.js';
import { spkiFingerprint } from '../../../src-shared/digests.js';
import { publicKeyToBase64 } from '../../../src-shared/audit/keys.js';
import { toPgpWords } from '../../../src-shared/words/pgp-words.js';
import { cli, freshLog, tempDir, writeCeremony, stationKeyAt } from './harness/fixture.js';
import { Forger } from './harness/forger.js';

/** The station's fingerprint as the station shows it (app.info, ceremony run): SHA-256 of its SPKI DER. */
function fingerprintOfKeyFile(file: string): string {
  const key = createPublicKey(createPrivateKey({ key: readFileSync(file), format: 'der', type: 'pkcs8' }));
  return spkiFingerprint(publicKeyToBase64(key));
}

void test('issue 12: a forged tail under a fresh station key no longer verifies against the auditor’s checkpoint', async (t) => {
  const dir = tempDir(t);
  const { db, stationKey } = freshLog(dir, 120);
  const cp = path.join(dir, 'cp.json');
  assert.equal((await cli('audit', 'checkpoint', db, '--out', cp)).code, 0);
  // The thief copies the ceremony, deletes the station's key and appends a witness sign-off that never
  // happened, sealed by a checkpoint under a station key of their own.
  const fork = path.join(dir, 'fork.db');
  copyFileSync(db, fork);
  rmSync(stationKey);
  const f = new Forger(fork);
  const forgedFrom = f.last.seq + 1;
  const thief = Forger.freshStation();
  f.append(thief.stationId, '', 'station', 'station.key', {
    stationId: thief.stationId,
    publicKey: thief.publicKey,
    algorithm: 'ed25519',
  });
  f.append(thief.stationId, 'cer-1', 'wendy', 'ceremony.witness-signoff', {
    witness: 'wendy',
    witnessId: 'wendy',
  });
  f.checkpoint(thief, 'cer-1');
  f.close();
  const r = await cli('audit', 'verify', fork, '--checkpoint', cp);
  assert.equal(r.code, 1, r.out);
  assert.ok(r.out.includes(`first bad record: ${forgedFrom}\n`), r.out);
  assert.match(r.out, /did not introduce \(a foreign or forged tail\)/);
});

void test('verify prints the station fingerprint in hex and words, every key, and pins the station', async (t) => {
  const dir = tempDir(t);
  const { db, stationKey } = freshLog(dir, 60);
  const fp = fingerprintOfKeyFile(stationKey);
  const r = await cli('audit', 'verify', db);
  assert.equal(r.code, 0, r.out + r.err);
  assert.ok(r.out.includes(`fingerprint: ${fp}`), r.out);
  assert.ok(r.out.includes(toPgpWords(fp).join(' ')));
  assert.match(r.out, /no station pinned/);
  assert.match(r.out, /custodian alice enrolled at record \d+: key fingerprint [0-9a-f]{64}/);
  assert.match(r.out, /custodian bob enrolled/);

  const pinned = await cli(
    'audit',
    'verify',
    db,
    '--station',
    fp.toUpperCase().match(/../g)?.join(':') ?? '',
  );
  assert.equal(pinned.code, 0, pinned.out);
  assert.match(pinned.out, /trusted: +yes/);

  // A complete, internally consistent log written by another station fails when the station is pinned.
  const other = path.join(dir, 'other');
  const store = openAuditStore(path.join(dir, 'other.db'), { stationKey: stationKeyAt(other) });
  writeCeremony(store, 40);
  store.close();
  const foreign = await cli('audit', 'verify', path.join(dir, 'other.db'), '--station', fp);
  assert.equal(foreign.code, 1, foreign.out);
  assert.match(foreign.out, /not a station you pinned/);
  assert.match(foreign.out, /first bad record: 1\b/);

  // The same through a trusted-stations file, with comments and labels.
  const list = path.join(dir, 'trusted.txt');
  writeFileSync(list, `# stations of the payments team\n${fp}  vault room station\n`);
  assert.equal((await cli('audit', 'verify', db, '--trusted-stations', list)).code, 0);
  assert.equal(
    (await cli('audit', 'verify', path.join(dir, 'other.db'), '--trusted-stations', list)).code,
    1,
  );
  writeFileSync(list, 'not a fingerprint\n');
  const bad = await cli('audit', 'verify', db, '--trusted-stations', list);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /line 1 .* is not a station key fingerprint/);
  const badFlag = await cli('audit', 'verify', db, '--station', 'abc');
  assert.equal(badFlag.code, 2);
});

void test('records after the newest checkpoint are reported as an unsealed tail, and --require-sealed fails on one', async (t) => {
  const dir = tempDir(t);
  const { db } = freshLog(dir, 60);
  assert.equal((await cli('audit', 'verify', db, '--require-sealed')).code, 0);
  // Appending needs no key at all: the station's id is public. Only a checkpoint needs the key.
  const f = new Forger(db);
  const head = f.db
    .prepare('SELECT station_id FROM records ORDER BY seq DESC LIMIT 1')
    .pluck()
    .get() as string;
  f.append(head, 'cer-1', 'wendy', 'ceremony.witness-signoff', { witness: 'wendy', witnessId: 'wendy' });
  f.append(head, 'cer-1', 'admin', 'step.completed', { stepId: 'close' });
  const n = f.last.seq;
  f.close();
  const plain = await cli('audit', 'verify', db);
  assert.equal(plain.code, 0);
  assert.ok(plain.out.includes(`unsealed tail: records ${n - 1}–${n} (2)`), plain.out);
  const strict = await cli('audit', 'verify', db, '--require-sealed');
  assert.equal(strict.code, 1);
  assert.match(strict.out, /FAILED/);
  assert.match(strict.out, /unsealed tail/);
});

void test('a station hands a log to a new station key only by signing its introduction', async (t) => {
  const dir = tempDir(t);
  const { db, stationKey } = freshLog(dir, 40);
  const oldFp = fingerprintOfKeyFile(stationKey);
  const next = path.join(dir, 'next.key');
  // Without the old key, a new station cannot take the log over.
  assert.throws(() => openAuditStore(db, { stationKey: stationKeyAt(next) }), {
    code: 'AUDIT_STATION_MISMATCH',
  });
  const oldKey = createPrivateKey({ key: readFileSync(stationKey), format: 'der', type: 'pkcs8' });
  const store = openAuditStore(db, {
    stationKey: stationKeyAt(next),
    previousStationKey: { privateKey: oldKey, publicKey: createPublicKey(oldKey) },
  });
  writeCeremony(store, 80, 50, 'cer-2');
  store.close();
  const newFp = fingerprintOfKeyFile(next);
  const r = await cli('audit', 'verify', db, '--station', oldFp);
  assert.equal(r.code, 0, r.out);
  assert.ok(r.out.includes(`fingerprint: ${newFp}`));
  assert.match(r.out, /introduced by station [0-9a-f]{32}/);
  assert.equal((await cli('audit', 'verify', db, '--station', newFp)).code, 0);
  // Once replaced, the old station may not write again, even with its own key.
  const f = new Forger(db);
  const oldId = f.db.prepare('SELECT station_id FROM records WHERE seq = 1').pluck().get() as string;
  f.append(oldId, 'cer-2', 'admin', 'step.completed', { stepId: 'late' });
  f.close();
  const late = await cli('audit', 'verify', db);
  assert.equal(late.code, 1);
  assert.match(late.out, /writes after it was replaced/);
});

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { decodeCanonical } from '../../../src-shared/audit/canonical-json.js';
import type { SignedCheckpoint } from '../../../src-shared/audit/checkpoint.js';
import type { AuditRecord } from '../../../src-shared/audit/record.js';
import { verifyLog } from '../../../src-shared/audit/verify-log.js';
import { toPgpWords } from '../../../src-shared/words/pgp-words.js';
import { openAuditStore } from '../../../src-main/audit/audit-store.js';
import { cli, custodianKey, tempDir, writeCeremony } from './harness/fixture.js';

function hostileLog(dir: string): string {
  const db = path.join(dir, 'audit.db');
  const store = openAuditStore(db);
  writeCeremony(store, 40, 20);
  store.append({
    ceremonyId: 'cer-1',
    actor: '<b>eve</b>',
    type: 'note',
    payload: { text: '<img src=x onerror=alert(1)> "quoted" & \'single\'' },
  });
  store.append({
    ceremonyId: 'cer-1',
    actor: '=HYPERLINK("http://evil")',
    type: 'witness.exception',
    payload: { witness: 'wendy', text: '</td></tr><script>alert(2)</script>' },
  });
  const carol = custodianKey('carol');
  const dave = custodianKey('dave');
  store.append({
    ceremonyId: 'cer-1',
    actor: 'admin',
    type: 'participant.enrolled',
    payload: { name: 'carol', role: 'custodian', publicKey: carol.publicKey },
  });
  const digest = 'ee'.repeat(32);
  for (const c of [carol, dave]) {
    const { signature, publicKey } = c.cosign(Buffer.from(digest, 'hex'));
    store.append({
      ceremonyId: 'cer-1',
      actor: c.name,
      type: 'step.confirmed',
      payload: { stepId: 'import', custodian: c.name, digest, signature, publicKey },
    });
  }
  store.checkpoint({ ceremonyId: 'cer-1' });
  store.close();
  return db;
}

void test('the HTML report is readable, self-contained and escapes everything', async (t) => {
  const dir = tempDir(t);
  const db = hostileLog(dir);
  const out = path.join(dir, 'report.html');
  const r = await cli('audit', 'export', db, '--format', 'html', '--out', out);
  assert.equal(r.code, 0, r.err);
  const html = readFileSync(out, 'utf8');
  for (const section of [
    'Ceremonies',
    'Participants',
    'Confirmations',
    'Key check values',
    'Fingerprints',
    'Signed checkpoints',
    'Witness exceptions',
    'Timeline',
  ]) {
    assert.ok(html.includes(`<h2>${section}</h2>`), section);
  }
  assert.match(html, /Verification passed/);
  assert.match(html, /alice/);
  assert.match(html, /A00001/, 'a KCV is shown');
  assert.ok(html.includes(toPgpWords('cd'.repeat(32)).join(' ')), 'fingerprints are shown as PGP words');
  const cps = (
    new Database(db, { readonly: true }).prepare('SELECT body FROM checkpoints').pluck().all() as string[]
  ).map((b) => JSON.parse(b) as SignedCheckpoint);
  assert.ok(
    html.includes(toPgpWords(cps.at(-1)!.rootHash).join(' ')),
    'checkpoint roots are shown as PGP words',
  );
  assert.match(html, /valid, enrolled key/);
  assert.match(html, /carol<\/td><td><code>e{64}<\/code>.*verifies over the digest with the enrolled key/s);
  assert.match(html, /custodian not enrolled/);
  assert.match(html, /Seal on bag 5 was re-taped/);
  // Self-contained and inert: no script, no external resource, nothing injected survives unescaped.
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img/i);
  assert.doesNotMatch(html, /<[^>]*\s(src|href)\s*=/i);
  assert.doesNotMatch(html, /url\(/i);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.ok(html.includes('&#60;b&#62;eve&#60;/b&#62;'));
  assert.ok(html.includes('&#60;/td&#62;&#60;/tr&#62;&#60;script&#62;'));
});

void test('JSONL holds canonical records and checkpoints that verify on their own', async (t) => {
  const dir = tempDir(t);
  const db = hostileLog(dir);
  const out = path.join(dir, 'log.jsonl');
  assert.equal((await cli('audit', 'export', db, '--format', 'jsonl', '--out', out)).code, 0);
  const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
  const records: AuditRecord[] = [];
  const checkpoints: SignedCheckpoint[] = [];
  for (const line of lines) {
    const { kind, ...rest } = decodeCanonical(line) as { kind: string } & Record<string, unknown>;
    if (kind === 'record') records.push(rest as unknown as AuditRecord);
    else checkpoints.push(rest as unknown as SignedCheckpoint);
  }
  assert.ok(records.length > 40);
  assert.ok(checkpoints.length >= 2);
  const v = verifyLog({ records, checkpoints });
  assert.equal(v.ok, true, JSON.stringify(v));
});

void test('CSV has one quoted row per record and defuses spreadsheet formulas', async (t) => {
  const dir = tempDir(t);
  const db = hostileLog(dir);
  const out = path.join(dir, 'log.csv');
  assert.equal((await cli('audit', 'export', db, '--format', 'csv', '--out', out)).code, 0);
  const text = readFileSync(out, 'utf8');
  const rows = text.trimEnd().split('\r\n');
  const count = new Database(db, { readonly: true })
    .prepare('SELECT count(*) FROM records')
    .pluck()
    .get() as number;
  assert.equal(rows.length, count + 1);
  assert.equal(rows[0], 'seq,time,ceremony_id,station_id,actor,type,payload,prev_hash,hash');
  assert.ok(text.includes(`"'=HYPERLINK(""http://evil"")"`));
  assert.ok(rows.slice(1).every((r) => r.startsWith('"')));
});

void test('export never overwrites, leaves no temporary file, and flags a damaged log', async (t) => {
  const dir = tempDir(t);
  const db = hostileLog(dir);
  const out = path.join(dir, 'report.html');
  writeFileSync(out, 'keep me');
  const r = await cli('audit', 'export', db, '--format', 'html', '--out', out);
  assert.equal(r.code, 1);
  assert.match(r.err, /already exists/);
  assert.equal(readFileSync(out, 'utf8'), 'keep me');
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
  );
  assert.equal((await cli('audit', 'export', db, '--format', 'docx', '--out', path.join(dir, 'x'))).code, 1);

  const h = new Database(db);
  h.exec('DROP TRIGGER records_no_update');
  h.prepare("UPDATE records SET actor = 'mallory' WHERE seq = 10").run();
  h.close();
  const bad = path.join(dir, 'bad.html');
  const r2 = await cli('audit', 'export', db, '--format', 'html', '--out', bad);
  assert.equal(r2.code, 1);
  assert.match(readFileSync(bad, 'utf8'), /Verification FAILED<\/strong> at record 10/);
  const v = await cli('audit', 'verify', db);
  assert.match(v.err, /trigger records_no_update is missing/);
});

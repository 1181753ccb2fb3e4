// The report as a PDF document from the command line: `keyrite audit export --format pdf`, read back
// with poppler's pdftotext (its text) and pdftoppm (its first page, kept for people to look at).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openAuditStore } from '../../../src-main/audit/audit-store.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { writeCeremony } from '../audit/harness/fixture.js';
import { isolatedEnv, keyrite, ROOT } from './harness/launcher.js';

let dir: string;
const env = () =>
  isolatedEnv(dir, {
    KEYRITE_TEST: '1',
    KEYRITE_TEST_SCRYPT_LOG2N: '10',
    KEYRITE_STATION_PASSPHRASE: 'pdf report bench station seal for the test room 9',
  });

function needPoppler(): void {
  for (const tool of ['pdftotext', 'pdftoppm'])
    if (spawnSync('which', [tool]).status !== 0)
      assert.fail(`${tool} is needed to read the PDF back: apt-get install poppler-utils`);
}

const pdfText = (file: string): string =>
  execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
/** The text in reading order with every run of white space as one space: phrases survive line wrapping. */
const flatText = (file: string): string =>
  execFileSync('pdftotext', [file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).replace(
    /\s+/g,
    ' ',
  );

const pages = (file: string): number =>
  Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'keyrite-report-pdf-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

void test('a rehearsal exported as PDF says it is a rehearsal on every page and carries the verdict, the summary and the timeline', async () => {
  needPoppler();
  const rehearsed = await keyrite(['rehearse', '--out', 'ceremony'], { cwd: dir, env: env() });
  assert.equal(rehearsed.code, 0, rehearsed.stderr);
  const verified = await keyrite(['audit', 'verify', 'ceremony/audit.db'], { cwd: dir, env: env() });
  assert.equal(verified.code, 0, verified.stderr);
  const records = /records: (\d+), signed checkpoints: (\d+)/.exec(verified.stdout);
  assert.ok(records, verified.stdout);

  const r = await keyrite(
    ['audit', 'export', 'ceremony/audit.db', '--format', 'pdf', '--out', 'report.pdf'],
    {
      cwd: dir,
      env: env(),
    },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /wrote report\.pdf \(\d+ records, pdf\)/);
  const file = path.join(dir, 'report.pdf');
  assert.equal(readFileSync(file).subarray(0, 5).toString(), '%PDF-');

  const text = pdfText(file);
  const flat = flatText(file);
  assert.match(text, /Keyrite audit report/);
  assert.match(
    text,
    new RegExp(`Verification passed\\.\\s+${records[1]} records, ${records[2]} signed checkpoints`),
  );
  assert.match(flat, /REHEARSAL — this log comes from a rehearsal/);
  assert.match(flat, /keyrite audit verify audit\.db --checkpoint CHECKPOINT/);
  for (const section of ['Summary', 'Participants', 'Confirmations', 'Signed checkpoints', 'Timeline'])
    assert.match(text, new RegExp(`^\\s*${section}\\s*$`, 'm'), section);
  // The environment banner opens the report, and the summary names the environment again.
  assert.match(
    flat,
    /^Keyrite audit report REHEARSAL — Keyrite emulator of AWS KMS at http:\/\/127\.0\.0\.1:\d+, account \d{12}, us-east-1 — NOT AWS: no real key is made/,
  );
  assert.match(
    flat,
    /Environment rehearsal: Keyrite emulator of AWS KMS \(http:\/\/127\.0\.0\.1:\d+\), not AWS/,
  );
  // Every material of the key as the hand-over listed it, with the share set that re-imports it.
  const listed = loadLog(path.join(dir, 'ceremony', 'audit.db')).records.find(
    (x) => x.type === 'kms.key-materials',
  );
  const [material] = (listed?.payload['materials'] ?? []) as Array<{ keyMaterialId: string }>;
  assert.match(material?.keyMaterialId ?? '', /^[0-9a-f]{64}$/);
  assert.match(text, /^\s*Key materials\s*$/m);
  assert.match(flat, new RegExp(`As KMS listed them at the hand-over \\(record ${listed?.seq ?? '?'}, `));
  // Table cells wrap a 64-digit id at any width: compared with the white space taken out.
  assert.match(
    flat.slice(flat.search(/Key materials/)).replace(/\s+/g, ''),
    new RegExp(
      `${material?.keyMaterialId ?? '?'}CURRENTimporteddoesnotexpirebackupsharesofthisceremony\\(cer-`,
    ),
  );
  // A rehearsal's custodians confirm concurrently: the two may be recorded in either order.
  assert.match(flat, /quorum met: (custodian-1, custodian-2|custodian-2, custodian-1)/);
  // Every page is marked and numbered.
  const n = pages(file);
  assert.ok(n >= 3, `pages: ${n}`);
  for (let p = 1; p <= n; p++) {
    const page = execFileSync('pdftotext', ['-f', String(p), '-l', String(p), '-layout', file, '-'], {
      encoding: 'utf8',
    });
    assert.match(
      page,
      new RegExp(`REHEARSAL — not a real ceremony · Keyrite audit report · page ${p} of ${n}`),
    );
  }
  // The first pages as pictures, for people to look at (test/e2e/artifacts).
  const artifacts = path.join(ROOT, 'test', 'e2e', 'artifacts');
  mkdirSync(artifacts, { recursive: true });
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    '60',
    '-f',
    '1',
    '-l',
    '2',
    file,
    path.join(artifacts, 'cli-report-pdf'),
  ]);
});

void test('a real ceremony’s PDF carries no rehearsal mark, hostile text comes out as text, and nothing is overwritten', async () => {
  needPoppler();
  const db = path.join(dir, 'plain.db');
  const store = openAuditStore(db);
  writeCeremony(store, 40, 20);
  store.append({
    ceremonyId: 'cer-1',
    actor: '<b>eve</b>',
    type: 'note',
    payload: { text: '<img src=x onerror=alert(1)> Łódź 東京' },
  });
  store.checkpoint({ ceremonyId: 'cer-1' });
  store.close();
  const out = path.join(dir, 'plain.pdf');
  const r = await keyrite(['audit', 'export', db, '--format', 'pdf', '--out', out], { cwd: dir, env: env() });
  assert.equal(r.code, 0, r.stderr);
  const text = flatText(out);
  assert.doesNotMatch(text, /REHEARSAL/);
  assert.match(text, /<b>eve<\/b>/);
  // Outside the standard fonts' Latin encoding, characters are drawn as '?' (the JSONL has them).
  assert.match(text, /<img src=x onerror=alert\(1\)> \?ód\? \?\?/);
  assert.match(text, /wendy on step-5 \(record \d+\): Seal on bag 5 was re-taped/);

  const before = readFileSync(out);
  const again = await keyrite(['audit', 'export', db, '--format', 'pdf', '--out', out], {
    cwd: dir,
    env: env(),
  });
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /already exists/);
  assert.deepEqual(readFileSync(out), before);
});

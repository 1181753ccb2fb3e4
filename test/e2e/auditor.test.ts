import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { openAuditStore } from '../../src-main/audit/audit-store.js';
import { loadLog } from '../../src-main/audit/load-log.js';
import { runRehearsal } from '../../src-main/cli/rehearsal.js';
import { writeCeremony } from '../integration/audit/harness/fixture.js';
import type { Browser } from 'playwright-core';
import { artifactsDir, launchSharedBrowser, startHarness, type Harness } from './harness/harness.js';
import { lookAt } from './harness/look.js';
import { FAST_ENGINE, roomPlan } from './harness/room.js';

/**
 * The auditor workspace as an auditor uses it: they pick a ceremony's audit.db in main's dialog (the
 * test only says which file they pick), read the verdict and the station's fingerprint, pin the
 * fingerprint the station showed, narrow the records, open payloads, and export. What the screen shows
 * is held against the command-line verifier (`keyrite audit verify`, spawned as a user types it) and
 * the exports against pdftotext.
 */
let h: Harness | undefined;
let browser: Browser;
// One Chromium for the file; each test opens its own fresh context (profile) in it.
before(async () => {
  browser = await launchSharedBrowser();
});
after(async () => {
  await browser.close();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const LAUNCHER = path.resolve(__dirname, '..', '..', 'src-main', 'cli', 'keyrite.cjs');

function keyrite(...args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [LAUNCHER, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const grouped = (hex: string) => (hex.match(/.{1,4}/g) ?? []).join(' ');

function needTool(tool: string, pkg: string): void {
  const r = spawnSync('which', [tool]);
  if (r.status !== 0) assert.fail(`${tool} is needed for this test: apt-get install ${pkg}`);
}

void test('an auditor opens a finished ceremony log from a medium it leaves untouched, pins the station, filters, reads payloads and exports JSONL, CSV, HTML and PDF', async () => {
  needTool('pdftotext', 'poppler-utils');
  h = await startHarness({ browser, viewport: { width: 1024, height: 700 } });
  const ceremony = path.join(h.dataDirectory, 'ceremony');
  await runRehearsal({
    out: ceremony,
    planDoc: roomPlan(),
    planBase: h.dataDirectory,
    engine: FAST_ENGINE,
    say: () => undefined,
  });
  // The log as handed to an auditor, on a medium of its own. (Tests run as root here, which no file
  // mode stops, so "read-only" is proven by the medium holding exactly the same bytes and files after.)
  const media = path.join(h.dataDirectory, 'media');
  mkdirSync(media);
  const db = path.join(media, 'audit.db');
  copyFileSync(path.join(ceremony, 'audit.db'), db);
  const before = { hash: sha256(db), files: readdirSync(media) };

  // The command-line verifier's account of the same bytes: the oracle for what the screen must say.
  const cli = keyrite('audit', 'verify', path.join(ceremony, 'audit.db'));
  assert.equal(cli.code, 0, cli.out);
  const records = Number(/records: (\d+)/.exec(cli.out)?.[1]);
  const checkpoints = Number(/signed checkpoints: (\d+)/.exec(cli.out)?.[1]);
  const fingerprint = /fingerprint: ([0-9a-f]{64})/.exec(cli.out)?.[1] ?? '';
  const root = /merkle root: ([0-9a-f]{64})/.exec(cli.out)?.[1] ?? '';
  assert.ok(records > 50 && checkpoints > 1 && fingerprint && root, cli.out);

  const page = await h.open('#/auditor');
  await page.getByRole('heading', { level: 1, name: 'Auditor workspace' }).waitFor();
  h.chooseNext('audit-log', [db]);
  await page.getByRole('button', { name: 'Open a ceremony log…' }).click();
  const verdict = page.getByRole('status').filter({ hasText: 'Intact' });
  await verdict.waitFor();
  assert.equal(
    await verdict.innerText(),
    `Intact: ${records} records, ${checkpoints} signed checkpoints`,
    'the verdict is the command line verifier’s',
  );
  const verification = page.getByTestId('verification');
  assert.match(await verification.getByTestId('root').innerText(), new RegExp(grouped(root)));
  const station = verification.getByTestId('station');
  assert.match(await station.innerText(), new RegExp(grouped(fingerprint)), 'the station fingerprint');
  await page.getByText('Every record is covered by a signed checkpoint.').waitFor();
  await page.getByText('No station pinned').waitFor();

  // A fingerprint that is not one is refused with what to type instead.
  const pinField = page.getByLabel('Station key fingerprint, as the station shows it');
  await pinField.fill('not a fingerprint');
  await page.getByRole('button', { name: 'Verify against this station' }).click();
  await page.getByRole('alert').filter({ hasText: 'is not a station key fingerprint' }).waitFor();
  // Another station's fingerprint: the log was not signed by it.
  await pinField.fill('ab'.repeat(32));
  await page.getByRole('button', { name: 'Verify against this station' }).click();
  await page.getByRole('alert').filter({ hasText: 'FAILED verification' }).waitFor();
  // The fingerprint the station showed, typed in groups as people read it aloud.
  await pinField.fill(grouped(fingerprint));
  await page.getByRole('button', { name: 'Verify against this station' }).click();
  await page.getByText('The newest checkpoint is signed by the station you pinned.').waitFor();
  assert.match(await station.innerText(), /Trusted: pinned/);

  // The timeline: every step in order, each ending as the engine recorded.
  const steps = page.getByRole('list', { name: 'Steps in the order they ran' }).getByRole('listitem');
  assert.ok((await steps.count()) >= 8, 'the steps of the ceremony');
  assert.match(await steps.first().innerText(), /Enroll custodians and witnesses\s+Completed/);
  assert.equal(await steps.filter({ hasText: 'Failed' }).count(), 0);

  // The key's materials as the hand-over recorded them, each with the share set that re-imports it.
  const listing = loadLog(path.join(ceremony, 'audit.db')).records.find(
    (r) => r.type === 'kms.key-materials',
  );
  const [material] = (listing?.payload['materials'] ?? []) as Array<{ keyMaterialId: string }>;
  assert.match(material?.keyMaterialId ?? '', /^[0-9a-f]{64}$/, 'the rehearsal recorded its material');
  const materials = page.getByRole('table', { name: 'Key materials' });
  await materials.waitFor();
  assert.match(
    await materials.getByRole('row').nth(1).innerText(),
    new RegExp(
      `^${material?.keyMaterialId ?? '?'}\\s+CURRENT\\s+does not expire\\s+backup shares of this ceremony \\(cer-`,
    ),
  );
  await page.getByText(`As KMS listed them at the hand-over (record ${listing?.seq ?? '?'}, `).waitFor();

  // Filters: a record type, then a step reached from the timeline.
  const count = page.getByTestId('records-count');
  assert.equal(await count.innerText(), `Records 1–50 of ${records}`);
  await page.getByLabel('Record type', { exact: true }).selectOption('participant.enrolled');
  await page
    .getByText(/^Records 1–\d+ of \d+$/)
    .filter({ hasNotText: `of ${records}` })
    .waitFor();
  const enrolled = page.getByTestId('record');
  const enrolledCount = await enrolled.count();
  // The three custodians at least, each with their key.
  assert.ok(enrolledCount >= 3, `enrolled: ${enrolledCount}`);
  for (let i = 0; i < enrolledCount; i++)
    assert.equal(await enrolled.nth(i).getByTestId('record-type').innerText(), 'participant.enrolled');
  await page.getByRole('button', { name: 'Show the records of Import into KMS' }).click();
  assert.equal(
    await page.getByLabel('Record type', { exact: true }).inputValue(),
    '',
    'the timeline clears other filters',
  );
  assert.equal(await page.getByLabel('Step', { exact: true }).inputValue(), 'import');
  await page
    .getByText(/^Records 1–\d+ of \d+$/)
    .filter({ hasNotText: `of ${records}` })
    .waitFor();
  const importRows = page.getByTestId('record');
  for (let i = 0; i < (await importRows.count()); i++)
    assert.equal(await importRows.nth(i).getByTestId('record-step').innerText(), 'import');

  // A payload, as stored: the same JSON the JSONL export carries for that record.
  const firstSeq = Number(await importRows.first().getByTestId('record-seq').innerText());
  await page.getByText(`Payload of record ${firstSeq}`).click();
  const shown = JSON.parse(await importRows.first().locator('pre').innerText()) as unknown;
  await lookAt(page, 'auditor-workspace');

  // Every export, through main's save dialog (the harness saves into its data directory).
  const saved: Record<string, string> = {};
  for (const [format, button] of [
    ['jsonl', 'Export as JSON lines…'],
    ['csv', 'Export as CSV…'],
    ['html', 'Export as an HTML report…'],
    ['pdf', 'Export as a PDF report…'],
  ] as const) {
    await page.getByRole('button', { name: button }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Saved audit-report.${format}` })
      .waitFor();
    saved[format] = path.join(h.dataDirectory, `audit-report.${format}`);
  }
  const jsonl = readFileSync(saved['jsonl'] ?? '', 'utf8')
    .trim()
    .split('\n');
  assert.equal(jsonl.length, records + checkpoints);
  const stored = jsonl
    .map((l) => JSON.parse(l) as { kind: string; seq?: number; payload?: unknown })
    .find((r) => r.kind === 'record' && r.seq === firstSeq);
  assert.deepEqual(shown, stored?.payload, 'the payload shown is the payload stored');
  const csv = readFileSync(saved['csv'] ?? '', 'utf8').split('\r\n');
  assert.equal(csv[0], 'seq,time,ceremony_id,station_id,actor,type,payload,prev_hash,hash');
  assert.equal(csv.filter((l) => l !== '').length, records + 1);
  assert.match(readFileSync(saved['html'] ?? '', 'utf8'), /Verification passed/);
  const pdf = readFileSync(saved['pdf'] ?? '');
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const text = execFileSync('pdftotext', ['-layout', saved['pdf'] ?? '', '-'], { encoding: 'utf8' });
  assert.match(text, /Keyrite audit report/);
  assert.match(
    text,
    new RegExp(`Verification passed\\.\\s+${records} records, ${checkpoints} signed checkpoints`),
  );
  assert.match(text, /Import into KMS|import/);
  assert.match(text, /^\s*Key materials\s*$/m, 'the PDF lists the key materials');
  // Table cells wrap a 64-digit id at any width: compared with the white space taken out.
  const reading = execFileSync('pdftotext', [saved['pdf'] ?? '', '-'], { encoding: 'utf8' });
  const squeezed = reading.slice(reading.search(/Key materials/)).replace(/\s+/g, '');
  // (Chromium lays a table's cells out in its own reading order, and breaks a 64-digit id over
  // several lines between other cells' text: each cell is checked on its own, the id by its start.)
  for (const cell of [
    (material?.keyMaterialId ?? '?').slice(0, 12),
    'CURRENT',
    'doesnotexpire',
    'backupsharesofthisceremony',
  ])
    assert.ok(squeezed.includes(cell), `the material row: ${cell}`);
  needTool('pdftoppm', 'poppler-utils');
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    '60',
    '-f',
    '1',
    '-l',
    '2',
    saved['pdf'] ?? '',
    path.join(artifactsDir, 'auditor-export-pdf'),
  ]);

  // Nothing is overwritten: a second PDF to the same place is refused, and says so.
  await page.getByRole('button', { name: 'Export as a PDF report…' }).click();
  await page.getByRole('alert').filter({ hasText: 'already exists' }).waitFor();
  assert.equal(sha256(saved['pdf'] ?? ''), createHash('sha256').update(pdf).digest('hex'));

  // Read-only: the medium holds exactly what it held, byte for byte.
  assert.deepEqual({ hash: sha256(db), files: readdirSync(media) }, before);
  assert.deepEqual(h.pageErrors, []);
});

void test('a log with an unsealed tail says which records no signature covers; a tampered log says where it fails', async () => {
  h = await startHarness({ browser, viewport: { width: 1024, height: 700 } });
  const db = path.join(h.dataDirectory, 'live-audit.db');
  const store = openAuditStore(db);
  // A checkpoint near record 50, then records that no checkpoint covers yet.
  writeCeremony(store, 40, 30);
  for (let i = 0; i < 3; i++)
    store.append({
      ceremonyId: 'cer-1',
      actor: 'admin',
      type: 'note',
      payload: { text: `after the seal ${i}` },
    });
  store.close();
  const cli = keyrite('audit', 'verify', db);
  const tail = /unsealed tail: records (\d+)–(\d+) \((\d+)\)/.exec(cli.out);
  assert.ok(tail, cli.out);

  const page = await h.open('#/auditor');
  h.chooseNext('audit-log', [db]);
  await page.getByRole('button', { name: 'Open a ceremony log…' }).click();
  const notice = page.getByTestId('unsealed-tail');
  await notice.waitFor();
  assert.match(await notice.innerText(), new RegExp(`records ${tail[1]}–${tail[2]} \\(${tail[3]}\\)`));
  // Failed outcomes and witness exceptions stand out in the list.
  await page.getByLabel('Record type', { exact: true }).selectOption('witness.exception');
  await page.locator('.record-alert').first().waitFor();
  await lookAt(page, 'auditor-unsealed-tail');

  // Someone edits a record in place (past the append-only triggers): the verdict names it.
  const tampered = path.join(h.dataDirectory, 'tampered-audit.db');
  copyFileSync(db, tampered);
  const raw = new Database(tampered);
  raw.exec('DROP TRIGGER IF EXISTS records_no_update');
  raw.prepare("UPDATE records SET actor = 'mallory' WHERE seq = 7").run();
  raw.close();
  h.chooseNext('audit-log', [tampered]);
  await page.getByRole('button', { name: 'Open a ceremony log…' }).click();
  const failed = page.getByRole('alert').filter({ hasText: 'FAILED verification at record 7' });
  await failed.waitFor();
  assert.match(await failed.innerText(), /As stored: .* by mallory/);
  await page.getByText('append-only trigger records_no_update is missing').waitFor();
  await lookAt(page, 'auditor-tampered');

  // Cancelling the dialog keeps what is open.
  h.chooseNext('audit-log', null);
  await page.getByRole('button', { name: 'Open a ceremony log…' }).click();
  await failed.waitFor();
  assert.deepEqual(h.pageErrors, []);
});

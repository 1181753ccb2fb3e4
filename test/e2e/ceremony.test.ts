import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { loadLog } from '../../src-main/audit/load-log.js';
import { csprngMaterial } from '../../src-main/secrets/material-source.js';
import { artifactsDir, startHarness, type Harness } from './harness/harness.js';
import { lookAt } from './harness/look.js';
import {
  FAST_ENGINE,
  PASSPHRASES,
  ROOM,
  driveByMouse,
  enrollAsShown,
  loadPlanByClicking,
  roomPlan,
  until,
} from './harness/room.js';
import { secretForms } from './harness/secret-forms.js';

/**
 * Whole ceremonies driven through the UI in Chromium with the mouse, by role and label, against the real
 * engine, audit log and embedded KMS emulator in main. Every step is looked at in both themes (screenshot
 * and axe). The harness records the generated material (it injects the material source), so the test can
 * prove that no IPC response or event ever carried it, nor any passphrase.
 */
let h: Harness;
const generated: Buffer[] = [];

/** A small station screen: every step's action must fit it without scrolling. */
const VIEWPORT = { width: 1024, height: 700 };

async function assertInView(what: string, target: Locator): Promise<void> {
  const box = await target.boundingBox();
  assert.ok(box, `${what} is on screen`);
  assert.ok(
    box.y >= 0 && box.y + box.height <= VIEWPORT.height && box.x >= 0 && box.x + box.width <= VIEWPORT.width,
    `${what} within 1024×700 (at x ${Math.round(box.x)}, y ${Math.round(box.y)}–${Math.round(box.y + box.height)})`,
  );
}

/** With the page scrolled to the top (as a person scrolls up), who acts, the form and Run are all in view. */
async function stepFitsTheScreen(page: Page, name: string): Promise<void> {
  await page.mouse.move(600, 400);
  await page.mouse.wheel(0, -5000);
  await page.waitForFunction(() => window.scrollY === 0);
  await assertInView(`${name}: who acts`, page.getByTestId('who-acts'));
  const card = page.getByTestId('step-card');
  const fields = card.locator('.step-action').locator('input:not([type=checkbox]), select');
  for (let i = 0; i < (await fields.count()); i++) {
    const f = fields.nth(i);
    if (await f.isVisible()) await assertInView(`${name}: field ${i + 1}`, f);
  }
  const run = card.getByRole('button', { name: /^(Run|Retry) this step$/ });
  if ((await run.count()) > 0) await assertInView(`${name}: Run`, run);
}

function needTool(tool: string, pkg: string): void {
  if (spawnSync('which', [tool]).status !== 0)
    assert.fail(`${tool} is needed for this test: apt-get install ${pkg}`);
}

/**
 * "Save as PDF…": Chromium prints the report, main's dialog (the harness's choice) says where; the PDF's
 * text is read back with pdftotext, its first page rendered with pdftoppm, and the log records the copy
 * with the file's SHA-256. A second save to the same place is refused and the first file unchanged.
 */
async function reportSavedAsPdf(page: Page, ceremonyId: string, keyArn: string, kcv: string): Promise<void> {
  needTool('pdftotext', 'poppler-utils');
  needTool('pdftoppm', 'poppler-utils');
  await page.getByRole('button', { name: 'Save as PDF…' }).click();
  const file = path.join(h.dataDirectory, `keyrite-${ceremonyId}-report.pdf`);
  await page.getByText(new RegExp(`Report saved as keyrite-${ceremonyId}-report\\.pdf`)).waitFor();
  const pdf = readFileSync(file);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const digest = createHash('sha256').update(pdf).digest('hex');
  assert.match(
    await page.getByRole('status').filter({ hasText: 'Report saved as' }).innerText(),
    new RegExp(digest.slice(0, 16)),
  );
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  assert.ok(text.includes(keyArn), 'the PDF names the key ARN');
  assert.ok(text.toUpperCase().includes(kcv.toUpperCase()), 'the PDF shows the check value');
  assert.match(text, /REHEARSAL — Keyrite emulator of AWS KMS/, 'the PDF opens with the environment banner');
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    '60',
    '-f',
    '1',
    '-l',
    '1',
    file,
    path.join(artifactsDir, 'ceremony-report-pdf'),
  ]);
  const dirs = readdirSync(path.join(h.dataDirectory, 'ceremonies'));
  const log = loadLog(path.join(h.dataDirectory, 'ceremonies', dirs.at(-1) ?? '', 'audit.db'));
  const exported = log.records.filter((r) => r.type === 'ceremony.report-exported');
  assert.deepEqual(
    exported.map((r) => [r.payload['format'], r.payload['destination']]),
    [
      ['html', path.join(h.dataDirectory, `keyrite-${ceremonyId}-report.html`)],
      ['pdf', file],
    ],
  );
  assert.deepEqual([exported[1]?.payload['fileDigest'], exported[1]?.payload['bytes']], [digest, pdf.length]);
  assert.equal(log.records.at(-1)?.type, 'audit.checkpoint', 'the export is covered by a signed checkpoint');
  await page.getByRole('button', { name: 'Save as PDF…' }).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'already exists' });
  await refusal.waitFor();
  assert.doesNotMatch(
    await refusal.innerText(),
    /--out|\/tmp\//,
    'the refusal speaks of the dialog and names the file only',
  );
  assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), digest, 'never overwritten');
}

/** A directory standing for a removable medium: /tmp and /dev/shm are two devices, as two USB sticks are. */
function newMedium(on: string): string {
  assert.ok(existsSync(on), `this test needs ${on} (a second file system, as a second medium is)`);
  const dir = mkdtempSync(path.join(on, 'keyrite-e2e-medium-'));
  media.push(dir);
  return dir;
}
const media: string[] = [];

/**
 * Backup shares to media as the operator does it: "Copy to NAME's medium…", main's directory dialog
 * (the harness answers for the OS), and "Safe to remove" only once the copy was read back, compared
 * and synced. One medium per custodian (a second share on the same device or directory is refused),
 * never the station's own directory, and a medium pulled out says so — the share stays on the station.
 */
async function sharesToMedia(page: Page, ceremonyId: string): Promise<void> {
  const [c1, c2, c3] = ROOM.custodians as [
    (typeof ROOM.custodians)[number],
    (typeof ROOM.custodians)[number],
    (typeof ROOM.custodians)[number],
  ];
  const card = page.getByRole('article', { name: 'Backup shares to media' });
  const row = (name: string) => card.getByRole('listitem', { name: `${name}'s share` });
  const copyFor = async (name: string, dir: string | null) => {
    h.chooseNext('share-medium', dir === null ? null : [dir]);
    await row(name)
      .getByRole('button', { name: new RegExp(`^Copy (to ${name}'s medium|again for ${name})…$`) })
      .click();
  };
  const ceremonyDir = path.join(
    h.dataDirectory,
    'ceremonies',
    readdirSync(path.join(h.dataDirectory, 'ceremonies')).at(-1) ?? '',
  );
  const station = (id: string) => readFileSync(path.join(ceremonyDir, 'shares', `${id}.share.json`));
  const fileName = (id: string) => `${ceremonyId}-${id}.share.json`;
  for (const c of [c1, c2, c3]) assert.match(await row(c.name).innerText(), /On the station only\./);

  // The dialog cancelled: nothing happens.
  await copyFor(c1.name, null);
  assert.match(await row(c1.name).innerText(), /On the station only\./);
  const stick1 = newMedium(tmpdir());
  await copyFor(c1.name, stick1);
  await row(c1.name).getByRole('status').filter({ hasText: 'Safe to remove' }).waitFor();
  assert.deepEqual(readdirSync(stick1), [fileName(c1.id)]);
  assert.deepEqual(readFileSync(path.join(stick1, fileName(c1.id))), station(c1.id));
  const digest1 = createHash('sha256').update(station(c1.id)).digest('hex');
  assert.match(
    await row(c1.name).innerText(),
    new RegExp(
      `Safe to remove: ${fileName(c1.id)} verified \\(SHA-256 ${digest1.slice(0, 16)}…\\) and synced\\.`,
    ),
  );
  await card.scrollIntoViewIfNeeded();
  await lookAt(page, 'ceremony-shares-to-media', ['light', 'dark'], { fullPage: false });

  // Kenji's share on a second stick of the same device, or in Dana's directory: refused, nothing written.
  const sameDevice = newMedium(tmpdir());
  await copyFor(c2.name, sameDevice);
  const refused = row(c2.name).getByRole('alert');
  await refused.waitFor();
  assert.match(await refused.innerText(), new RegExp(`That device already holds ${c1.name}'s share`));
  assert.match(await refused.innerText(), /MEDIUM_ALREADY_USED/);
  assert.deepEqual(readdirSync(sameDevice), []);
  await lookAt(page, 'ceremony-shares-refused', ['light', 'dark'], { fullPage: false });
  await copyFor(c2.name, stick1);
  await row(c2.name)
    .getByRole('alert')
    .filter({ hasText: `That directory already holds ${c1.name}'s share` })
    .waitFor();
  await copyFor(c2.name, newMedium('/dev/shm'));
  await row(c2.name).getByRole('status').filter({ hasText: 'Safe to remove' }).waitFor();

  // Amara: the station's own directory is not a medium; a medium pulled out before the copy says so.
  await copyFor(c3.name, h.dataDirectory);
  await row(c3.name)
    .getByRole('alert')
    .filter({ hasText: "inside the station's own data directory" })
    .waitFor();
  const pulled = path.join(newMedium(tmpdir()), 'PULLED-OUT');
  await copyFor(c3.name, pulled);
  const gone = row(c3.name).getByRole('alert');
  await gone.filter({ hasText: `${c3.name}'s medium is not there or cannot be read` }).waitFor();
  assert.match(await gone.innerText(), /the share stays on the station/);
  assert.match(await row(c3.name).innerText(), /On the station only\./);
  assert.ok(
    existsSync(path.join(ceremonyDir, 'shares', `${c3.id}.share.json`)),
    'the share stays on the station',
  );

  // The log records each verified copy (custodian, file name, SHA-256 — no path) and a tag of the
  // device it went to (so one medium per custodian holds after a restart), under a checkpoint.
  const log = loadLog(path.join(ceremonyDir, 'audit.db'));
  const copies = log.records.filter((r) => r.type === 'backup.share-copied');
  assert.deepEqual(
    copies.map(({ payload: { mediumDigest: _tag, ...rest } }) => rest),
    [c1, c2].map((c) => ({
      holder: c.id,
      fileName: fileName(c.id),
      fileDigest: createHash('sha256').update(station(c.id)).digest('hex'),
      bytes: station(c.id).length,
    })),
  );
  const tags = copies.map((r) => String(r.payload['mediumDigest']));
  assert.ok(tags.every((t) => /^[0-9a-f]{64}$/.test(t)) && tags[0] !== tags[1], 'two devices, two tags');
  assert.ok(!JSON.stringify(copies).includes(stick1), 'no path in the log');
  assert.equal(log.records.at(-1)?.type, 'audit.checkpoint');
}

beforeEach(async () => {
  generated.length = 0;
  h = await startHarness({
    viewport: VIEWPORT,
    engine: {
      ...FAST_ENGINE,
      materialSource: async (spec) => {
        const s = await csprngMaterial(spec);
        s.use((b) => generated.push(Buffer.from(b)));
        return s;
      },
    },
  });
});
afterEach(async () => {
  await h.close();
  for (const dir of media.splice(0)) rmSync(dir, { recursive: true, force: true });
});

void test('a full rehearsal ceremony runs through the UI at 1024×700: every step fits the screen and passes axe in both themes, and no secret crosses IPC', async () => {
  const page = await h.open('#/ceremony');
  await lookAt(page, 'ceremony-no-plan');
  await loadPlanByClicking(h, roomPlan());
  await lookAt(page, 'ceremony-plan-loaded');
  const digestText = await page.getByTestId('plan-digest').innerText();
  assert.match(digestText, /[0-9a-f]{4} [0-9a-f]{4}/, 'digest shown in groups');
  assert.match(digestText, /[A-Za-z]+ [A-Za-z]+ [A-Za-z]+/, 'digest shown as words');
  // The room reads the digest aloud, then the administrator folds the plan away.
  await page.getByText('Plan', { exact: true }).click();
  await stepFitsTheScreen(page, 'enroll');
  await lookAt(page, 'ceremony-enroll');

  // The rule is on screen before anyone types; the meter and the match line react as they type.
  await page.getByText(/at least 12 characters and must resist at least 10\^12 guesses/).waitFor();
  await page.getByLabel('Passphrase', { exact: true }).fill('password1');
  await page.getByText(/Estimated strength: very weak, does not meet the rule/).waitFor();
  await page.getByText(/Refused because it has fewer than 12 characters/).waitFor();
  await page.getByText('This is a commonly used password.', { exact: false }).waitFor();
  await page.getByLabel('Passphrase again', { exact: true }).fill('password1');
  assert.equal(
    await page.getByRole('button', { name: 'Enroll', exact: true }).isDisabled(),
    true,
    'Enroll waits for a passphrase the engine accepts',
  );
  await lookAt(page, 'ceremony-enroll-weak');
  await page.getByLabel('Passphrase', { exact: true }).fill('');
  await page.getByLabel('Passphrase again', { exact: true }).fill('');
  await enrollAsShown(h);
  assert.equal(
    await page.getByLabel('Passphrase again').count(),
    0,
    'enrollment form gone once all enrolled',
  );

  await driveByMouse(h, {
    onStep: async (step) => {
      await stepFitsTheScreen(page, step.id);
      // What the person sees at 1024×700 without scrolling, in both themes; axe runs over the whole page.
      await lookAt(page, `ceremony-step-${step.id}`, ['light', 'dark'], { fullPage: false });
      const run = page.getByRole('button', { name: 'Run this step' });
      if (['create-key', 'import', 'close'].includes(step.id)) {
        // The irreversible points say so beside Run, and Run is described by it.
        assert.match(await page.getByTestId('irreversible').innerText(), /^Cannot be undone\./);
        assert.match((await run.getAttribute('aria-describedby')) ?? '', /step-irreversible/);
      } else {
        assert.equal(
          await page.getByTestId('irreversible').count(),
          0,
          `${step.id} is not announced as final`,
        );
      }
      if (step.id === 'create-key') {
        const review = await page.getByTestId('key-review').innerText();
        for (const shown of [
          'alias/keyrite-rehearsal',
          'Keyrite rehearsal key',
          'SYMMETRIC_DEFAULT',
          'ENCRYPT_DECRYPT',
          'purpose = rehearsal',
          'keyrite:ceremony = cer-',
          'KMS default key policy',
        ])
          assert.ok(review.includes(shown), `the review shows ${shown}`);
        await page.getByTestId('account-check').waitFor();
        assert.match(await page.getByTestId('account-check').innerText(), /the plan's account/);
        assert.equal(await run.isDisabled(), true, 'CreateKey waits for the review');
      }
      if (step.id === 'import') {
        // A witness remark on the way, to show it lands in the view and the report.
        await page.getByText('Record a witness exception').click();
        await page
          .getByLabel('What was observed')
          .fill('Witness saw the import screen before the custodians confirmed.');
        // Signed by the witness: without their passphrase the form does not send.
        const record = page.getByRole('button', { name: 'Record exception' });
        assert.equal(await record.isDisabled(), true, 'an exception waits for the witness passphrase');
        await page.getByLabel('Witness passphrase').fill(PASSPHRASES['witness-1'] ?? '');
        await record.click();
        await until(
          h,
          'exception recorded',
          (x) => (x.steps.find((s) => s.id === 'import')?.exceptions.length ?? 0) === 1,
        );
        // The exception is listed under the step (the textarea holds the same text until the form clears).
        await page
          .getByRole('listitem')
          .filter({ hasText: 'Witness saw the import screen before the custodians confirmed.' })
          .waitFor();
      }
    },
  });

  const done = await until(h, 'completion', (v) => v.status === 'completed');
  const facts = Object.assign({}, ...done.steps.map((s) => s.facts)) as (typeof done.steps)[number]['facts'];
  assert.match(facts.keyArn ?? '', /^arn:aws:kms:/);
  assert.match(facts.kcv ?? '', /^[0-9a-f]{6}$/);
  await page.getByRole('button', { name: 'Save the ceremony report…' }).click();
  await page.getByText(/Report saved as keyrite-cer-[0-9a-f]+-report\.html/).waitFor();
  assert.ok(
    existsSync(path.join(h.dataDirectory, `keyrite-${done.ceremonyId}-report.html`)),
    'copy saved where chosen',
  );
  await reportSavedAsPdf(page, done.ceremonyId ?? '', facts.keyArn ?? '', facts.kcv ?? '');
  await sharesToMedia(page, done.ceremonyId ?? '');
  // Every material of the key, asked of KMS again (it may have changed since the hand-over), with the
  // share set that re-imports it (one material: no rotation yet).
  await page
    .getByText(
      /^Live from KMS at \d{4}-\d\d-\d\dT[\d:.]+Z: arn:aws:kms:us-east-1:\d{12}:key\/[0-9a-f-]+ \(Enabled\)$/,
    )
    .waitFor();
  const materials = page.getByRole('table', { name: 'Key materials' });
  const rows = materials.getByRole('row');
  assert.equal(await rows.count(), 2, 'a header and one material');
  assert.match(
    await rows.nth(1).innerText(),
    /^[0-9a-f]{64}\s+CURRENT\s+does not expire\s+backup shares of this ceremony \(cer-[0-9a-f]{12}\)$/,
  );
  await lookAt(page, 'ceremony-completed');

  await h.open('#/witness');
  await page.getByRole('heading', { name: 'Ceremony complete' }).waitFor();
  assert.match(await page.getByTestId('witness-display').innerText(), /arn:aws:kms:/);
  await lookAt(page, 'witness-completed');

  assert.deepEqual(h.droppedEvents, [], 'every event matched the contract');
  assert.deepEqual(h.pageErrors, []);

  // No secret in any IPC response or event: the material (raw, hex, base64) and every passphrase.
  assert.equal(generated.length, 1, 'one material generated');
  const forbidden = [...generated.flatMap((m) => secretForms(m)), ...Object.values(PASSPHRASES)];
  const crossed = [...h.server.exchanges.map((e) => e.response), ...h.server.events];
  assert.ok(crossed.length > 50, `the scan covers the run (${crossed.length} messages)`);
  for (const text of crossed) for (const f of forbidden) assert.ok(!text.includes(f), 'a secret crossed IPC');
  // Passphrases went to main as bytes only: no request, as sent or as main read it, holds one as text.
  const secretOps = ['enroll', 'confirm', 'verifyShare', 'check', 'witnessSignOff', 'witnessException'].map(
    (m) => new RegExp(`\\.${m}$`),
  );
  const sent = h.server.exchanges.filter((e) => secretOps.some((re) => re.test(e.channel)));
  assert.ok(sent.length >= 4 + 3 + 3 + 2 * 3 + 2, `the scan covers every passphrase sent (${sent.length})`);
  for (const ch of ['witnessSignOff', 'witnessException'])
    assert.ok(
      sent.some((e) => e.channel.endsWith(`.${ch}`)),
      `the witness's ${ch} is in the scan`,
    );
  for (const e of sent) {
    assert.equal(e.byteArrays, 1, `${e.channel} carried its passphrase as bytes`);
    for (const p of Object.values(PASSPHRASES)) {
      assert.ok(!e.request.includes(p), `${e.channel}: a passphrase crossed IPC as text`);
      assert.ok(!e.strings.some((x) => x.includes(p)), `${e.channel}: main received a passphrase string`);
    }
  }
  // And the page itself holds no passphrase once the forms are submitted.
  const html = await page.content();
  for (const p of Object.values(PASSPHRASES)) assert.ok(!html.includes(p));
});

void test('split knowledge through the UI: the witness display says look away, and components never come back', async () => {
  const components = new Map(ROOM.custodians.map((c) => [c.id, randomBytes(32)] as const));
  const page = await loadPlanByClicking(h, roomPlan({ material: { mode: 'split-knowledge' } }));
  await enrollAsShown(h);
  const witness = await h.openWindow('#/witness');
  await driveByMouse(h, {
    components,
    onComponent: async (id, moment) => {
      if (id !== 'custodian-1') return;
      if (moment === 'entry') {
        await lookAt(page, 'ceremony-split-knowledge-entry');
        await witness.getByRole('heading', { name: 'Look away' }).waitFor();
        assert.match(
          await witness.getByTestId('witness-display').innerText(),
          new RegExp(`${ROOM.custodians[0]?.name} is entering a key component`),
        );
        await lookAt(witness, 'witness-look-away');
      } else {
        await lookAt(page, 'ceremony-split-knowledge-kcv');
      }
    },
  });
  await until(h, 'completion', (v) => v.status === 'completed');
  assert.equal(generated.length, 0, 'split knowledge does not use the CSPRNG material source');

  const combined = Buffer.alloc(32);
  for (const c of components.values()) for (let i = 0; i < 32; i++) combined[i]! ^= c[i]!;
  const forbidden = [
    ...[...components.values(), combined].flatMap((m) => secretForms(m)),
    ...Object.values(PASSPHRASES),
  ];
  const crossed = [...h.server.exchanges.map((e) => e.response), ...h.server.events];
  for (const text of crossed) for (const f of forbidden) assert.ok(!text.includes(f), 'a secret crossed IPC');
  // Components went to main as bytes: never as hex text in a request.
  const entered = h.server.exchanges.filter((e) => e.channel.endsWith('.enterComponent'));
  assert.equal(entered.length, 3);
  for (const e of entered) {
    assert.equal(e.byteArrays, 1);
    for (const c of components.values())
      for (const f of secretForms(c)) {
        assert.ok(!e.request.includes(f), 'a component crossed IPC as text');
        assert.ok(!e.strings.some((x) => x.includes(f)), 'main received a component as a string');
      }
  }
  assert.deepEqual(h.droppedEvents, []);
  assert.equal(await page.getByLabel('Component (hex)').count(), 0);
});

// The HTML report as an auditor reads it: a real rehearsal (with a grant) and a witness exception,
// exported with `keyrite audit export`, opened in Chromium and read by its rows.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { isolatedEnv, keyrite, ROOT } from './harness/launcher.js';

const CHROMIUM = '/usr/bin/chromium';
let dir: string;
let browser: Browser;
let page: Page;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `the report test needs ${CHROMIUM}: install Debian's chromium`);
  dir = mkdtempSync(path.join(tmpdir(), 'keyrite-report-'));
  // A station passphrase: the rehearsal's station key is then kept (sealed) in the ceremony directory,
  // so the exception recorded afterwards is signed by the same station.
  const env = isolatedEnv(dir, {
    KEYRITE_TEST: '1',
    KEYRITE_TEST_SCRYPT_LOG2N: '10',
    KEYRITE_STATION_PASSPHRASE: 'report bench station seal for the test room 7',
  });
  const cwd = dir;
  const plan = path.join(ROOT, 'test', 'fixtures', 'plans', 'ecc-sign-grant.yaml');
  // Known passphrases (custodians, then the witness), so the witness can sign the exception afterwards.
  writeFileSync(
    path.join(dir, 'passphrases.txt'),
    ['one', 'two', 'three', 'witness'].map((w) => `report bench ${w} passphrase for the room`).join('\n') +
      '\n',
    { mode: 0o600 },
  );
  writeFileSync(path.join(dir, 'witness.txt'), 'report bench witness passphrase for the room\n', {
    mode: 0o600,
  });
  const rehearsed = await keyrite(
    ['rehearse', '--plan', plan, '--out', 'ceremony', '--passphrase-file', 'passphrases.txt'],
    { cwd, env },
  );
  assert.equal(rehearsed.code, 0, rehearsed.stderr);
  const exception = await keyrite(
    [
      'ceremony',
      'exception',
      '--out',
      'ceremony',
      '--step',
      'import',
      '--witness',
      'witness-1',
      '--text',
      'the second custodian arrived late',
      '--passphrase-file',
      'witness.txt',
    ],
    { cwd, env },
  );
  assert.equal(exception.code, 0, exception.stderr);
  const exported = await keyrite(
    ['audit', 'export', 'ceremony/audit.db', '--format', 'html', '--out', 'report.html'],
    { cwd, env },
  );
  assert.equal(exported.code, 0, exported.stderr);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  page = await browser.newPage();
  await page.goto(pathToFileURL(path.join(dir, 'report.html')).href);
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const rowText = async (name: RegExp): Promise<string> =>
  (await page.getByRole('row', { name }).first().innerText()).replace(/\s+/g, ' ');

void test('the summary says where it ran, what came of it, the grant, who signed off and every exception', async () => {
  assert.match(
    await rowText(/^Environment/),
    /^Environment\s*rehearsal: Keyrite emulator of AWS KMS \(http:\/\/127\.0\.0\.1:\d+\), not AWS — as arn:aws:iam::111122223333:user\/keyrite-emulator/,
  );
  assert.match(await rowText(/^Outcome/), /completed/);
  assert.match(await rowText(/^Key state/), /Enabled/);
  assert.match(await rowText(/^Grant/), /account 444455556666 granted kms:/);
  // Each witness statement is checked against the key the witness enrolled, not taken on its word.
  assert.match(
    await rowText(/^Witnesses signed off/),
    /Witness \(record \d+\): signature verified \(key fingerprint [0-9a-f]{64}\)/,
  );
  assert.match(
    await rowText(/^Witness exceptions/),
    /1: Witness on import \(record \d+\): the second custodian arrived late — signature verified \(key fingerprint [0-9a-f]{64}\)/,
  );
  assert.match(await rowText(/^Failed steps/), /none/);
});

void test('the report tells the reader to verify the log themselves rather than trust it', async () => {
  const advice = (await page.getByText('Check this yourself.').locator('..').innerText()).replace(
    /\s+/g,
    ' ',
  );
  assert.match(advice, /keyrite audit verify audit\.db --checkpoint CHECKPOINT/);
  assert.match(advice, /compare the Merkle root words/);
});

void test('the timeline is a table of time, actor, step and what happened — sentences, not JSON', async () => {
  const timeline = page.locator('table.timeline');
  const headers = await timeline.getByRole('columnheader').allInnerTexts();
  assert.deepEqual(headers, ['#', 'Time (UTC)', 'Actor', 'Step', 'What happened']);
  const body = await timeline.innerText();
  assert.doesNotMatch(body, /[{}"]/, 'no raw JSON in the timeline');
  assert.match(
    await rowText(/custodian-1 import custodian-1 confirmed, signing digest [0-9a-f]{16}…/),
    /^\d+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/,
  );
  // A rehearsal's custodians confirm concurrently: the two may be recorded in either order.
  assert.match(
    await rowText(/station import quorum met: (custodian-1, custodian-2|custodian-2, custodian-1)/),
    /^\d+ /,
  );
  assert.match(await rowText(/done: ImportKeyMaterial|done: .*import/i), /station import/);
  assert.match(await rowText(/EXCEPTION recorded by Witness: the second custodian arrived late/), /import/);
  assert.match(await rowText(/AWS identity: account 111122223333/), /station preflight/);
});

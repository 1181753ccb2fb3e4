import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { loadLog } from '../../src-main/audit/load-log.js';
import { verifyDatabase } from '../../src-main/audit/verify-database.js';
import { MANIFEST_FILE, SIGNATURE_FILE, signManifest } from '../../src-shared/bundle/manifest.js';
import { sha256Hex } from '../../src-shared/digests.js';
import { toWords } from '../../src-shared/words/pgp-words.js';
import { stringify } from 'yaml';
import { fakeUsbStick } from './harness/fake-volume.js';
import { launchSharedBrowser, startHarness, type Harness } from './harness/harness.js';
import { lookAt } from './harness/look.js';
import {
  FAST_ENGINE,
  PASSPHRASES,
  ROOM,
  currentStep,
  driveByMouse,
  enrollAsShown,
  roomPlan,
  stepOf,
  until,
  writePlan,
} from './harness/room.js';

/**
 * An air-gapped ceremony through the app: two harness instances (two data directories, one Chromium) are
 * the online and the offline station. People choose each station's role, read the fingerprints aloud,
 * and carry the bundles: the request on a USB stick the app detects (a faked mount table and sysfs; the
 * stick is a directory), the response in a folder chosen by hand. A tampered and a re-signed response
 * are refused in words at the online station, and nothing is imported until the genuine one is read.
 */
const VIEWPORT = { width: 1024, height: 700 };
let browser: Browser;
let online: Harness;
let offline: Harness;
let volumes: ReturnType<typeof fakeUsbStick>;
const root = mkdtempSync(path.join(tmpdir(), 'keyrite-e2e-airgap-'));
const stick = path.join(root, 'KEYRITE-A');
const byHand = path.join(root, 'carried-folder');

before(async () => {
  mkdirSync(stick);
  mkdirSync(byHand);
  browser = await launchSharedBrowser();
  volumes = fakeUsbStick(path.join(root, 'os'), stick);
  online = await startHarness({ engine: FAST_ENGINE, browser, viewport: VIEWPORT, ports: { volumes } });
  offline = await startHarness({ engine: FAST_ENGINE, browser, viewport: VIEWPORT, ports: { volumes } });
});

after(async () => {
  await online?.close();
  await offline?.close();
  await browser?.close();
  rmSync(root, { recursive: true, force: true });
});

const hexIn = (text: string): string => {
  const m = /(?:[0-9a-f]{4} ){15}[0-9a-f]{4}/.exec(text);
  assert.ok(m, `a fingerprint in groups of four: ${text}`);
  return m[0].replace(/ /g, '');
};

/** The role is chosen at the start; the station's fingerprint is then shown as hex and words. */
async function chooseRole(h: Harness, role: 'Online station' | 'Offline station'): Promise<string> {
  const page = await h.open('#/ceremony');
  await page.getByRole('radio', { name: new RegExp(`^${role}`) }).check();
  const shown = await page.getByTestId('station-fingerprint').innerText();
  const fp = hexIn(shown);
  assert.ok(shown.includes(toWords(fp)), 'the fingerprint is shown as words too');
  return fp;
}

const auditDb = (h: Harness): string => {
  const dir = path.join(h.dataDirectory, 'ceremonies');
  const [only] = readdirSync(dir);
  assert.ok(only, 'one ceremony directory');
  return path.join(dir, only, 'audit.db');
};

const recordsOf = (h: Harness, type: string) => loadLog(auditDb(h)).records.filter((r) => r.type === type);

const awaitingBundle = (v: Awaited<ReturnType<Harness['engineView']>>) =>
  currentStep(v)?.blockedBy?.code === 'AWAITING_BUNDLE';

/** The digest words a status notice shows (the Fact labelled "Bundle digest"). */
async function digestShown(page: Page, testId: string): Promise<string> {
  return hexIn(await page.getByTestId(testId).innerText());
}

/** Waits for a bundle outcome; a refusal or an action error on screen ends the wait with its text. */
async function outcome(panel: Locator, testId: 'bundle-written' | 'bundle-accepted'): Promise<string> {
  const ok = panel.getByTestId(testId);
  const bad = panel.page().getByRole('alert');
  await ok.or(bad).first().waitFor();
  if ((await bad.count()) > 0)
    assert.fail(`expected ${testId}, the screen shows: ${await bad.first().innerText()}`);
  return ok.innerText();
}

/** A copy of a bundle with one byte of a content file flipped. */
function bitFlipped(bundle: string, into: string): void {
  const dest = path.join(into, path.basename(bundle));
  cpSync(bundle, dest, { recursive: true });
  const file = readdirSync(dest).find((f) => f !== MANIFEST_FILE && f !== SIGNATURE_FILE);
  assert.ok(file);
  const bytes = readFileSync(path.join(dest, file));
  bytes[bytes.length >> 1]! ^= 0x01;
  writeFileSync(path.join(dest, file), bytes);
}

/** A copy of a bundle signed by another station's key (a third machine that never was introduced). */
function resigned(bundle: string, into: string): string {
  const dest = path.join(into, path.basename(bundle));
  cpSync(bundle, dest, { recursive: true });
  const m = JSON.parse(readFileSync(path.join(dest, MANIFEST_FILE), 'utf8')) as Record<string, unknown>;
  const { format: _f, version: _v, station: _s, ...rest } = m;
  const key = generateKeyPairSync('ed25519');
  const signed = signManifest(rest as Parameters<typeof signManifest>[0], key);
  writeFileSync(path.join(dest, MANIFEST_FILE), signed.manifest);
  writeFileSync(path.join(dest, SIGNATURE_FILE), signed.signature);
  return dest;
}

void test('an air-gapped ceremony through the app: roles, fingerprints, bundles on a detected stick and a folder by hand, refusals in words, key Enabled, both logs verify', async () => {
  const onlineFp = await chooseRole(online, 'Online station');
  const offlineFp = await chooseRole(offline, 'Offline station');
  assert.notEqual(onlineFp, offlineFp);
  await lookAt(online.page, 'airgap-online-role');
  await lookAt(offline.page, 'airgap-offline-role');

  // Online room: the split plan, its own steps, then the request bundle onto the detected stick.
  // With outputs for Google Cloud KMS and Azure: the offline station, which holds the material, writes them.
  const plan = roomPlan({
    stations: 'split',
    guardedSteps: ['generate-material', 'backup-shares', 'wrap', 'import'],
    outputs: [
      {
        cloud: 'gcp',
        importJob: 'gcp-import-job.yaml',
        algorithm: 'google-symmetric-encryption',
        key: 'payments',
      },
      { cloud: 'azure', kek: 'azure-kek.json', name: 'payments-key' },
    ],
  });
  for (const h of [online, offline]) writeOutputInputs(h.dataDirectory);
  // The plan is loaded in a second window of the online station; the first still shows the role card,
  // where another role is refused by main in words (a ceremony in progress fixes the role).
  const second = await online.openWindow('#/ceremony', VIEWPORT);
  online.chooseNext('ceremony-plan', [writePlan(online, plan)]);
  await second.getByRole('button', { name: 'Choose plan…' }).click();
  await second.getByText('Plan digest (SHA-256)').waitFor();
  await second.close();
  await online.page.getByRole('radio', { name: /^Offline station/ }).click();
  const roleRefused = online.page.getByTestId('station-role').getByRole('alert');
  await roleRefused.waitFor();
  assert.match(
    await roleRefused.innerText(),
    /This station is the online station of the ceremony in progress\./,
  );
  assert.match(await roleRefused.innerText(), /CEREMONY_IN_PROGRESS/);
  assert.equal(await online.page.getByRole('radio', { name: /^Online station/ }).isChecked(), true);
  await lookAt(online.page, 'airgap-online-role-refused');
  await online.page.reload();
  await online.page.getByText('Plan digest (SHA-256)').waitFor();
  await driveByMouse(online, { stopWhen: awaitingBundle });
  const onPanel = online.page.getByTestId('bundle-panel');
  await onPanel.getByRole('heading', { name: 'Write the request bundle' }).waitFor();
  const detected = onPanel.getByRole('radio', { name: /Removable drive KEYRITE-A/ });
  assert.equal(await detected.isChecked(), true, 'the detected stick is offered first');
  await lookAt(online.page, 'airgap-online-write-request');
  await onPanel.getByRole('button', { name: 'Write the request bundle' }).click();
  const written = await outcome(onPanel, 'bundle-written');
  assert.match(written, /Safe to remove: the request bundle number 1 is on KEYRITE-A/);
  const requestDigest = await digestShown(online.page, 'bundle-written');
  assert.ok(written.includes(toWords(requestDigest)), 'the digest as words');
  assert.deepEqual(
    readdirSync(stick).filter((n) => n.endsWith('-request-1')).length,
    1,
    'the request is on the stick',
  );
  await lookAt(online.page, 'airgap-online-request-written');

  // Offline room: the online station's fingerprint as read aloud (in groups, as people type it), the
  // stick, then the plan.
  const start = offline.page.getByTestId('offline-start');
  await start.getByRole('radio', { name: /Removable drive KEYRITE-A/ }).check();
  await start.getByLabel(/online station's fingerprint/).fill(onlineFp.match(/.{4}/g)?.join(' ') ?? onlineFp);
  offline.chooseNext('ceremony-plan', [writePlan(offline, plan)]);
  await start.getByRole('button', { name: 'Choose plan and read the request…' }).click();
  const offPanel = offline.page.getByTestId('bundle-panel');
  await offPanel.getByTestId('pinned-peer').waitFor();
  assert.equal(hexIn(await offPanel.getByTestId('pinned-peer').innerText()), onlineFp);
  const list = await offPanel.getByTestId('bundle-list').innerText();
  assert.match(list, /Request bundle 1, read from the online station/);
  assert.ok(list.includes(toWords(requestDigest)), 'the same digest words in both rooms');
  await lookAt(offline.page, 'airgap-offline-request-read');

  // The offline half: custodians and the witness enroll, material is made, backed up, wrapped.
  await enrollAsShown(offline);
  await driveByMouse(offline, { stopWhen: awaitingBundle });
  await offPanel.getByRole('heading', { name: 'Write the response bundle' }).waitFor();
  await offPanel.getByRole('radio', { name: 'A folder chosen by hand…' }).check();
  offline.chooseNext('bundle-medium', [byHand]);
  await offPanel.getByRole('button', { name: 'Write the response bundle' }).click();
  assert.match(
    await outcome(offPanel, 'bundle-written'),
    /Safe to remove: the response bundle number 1 is on the folder carried-folder/,
  );
  const responseDigest = await digestShown(offline.page, 'bundle-written');
  await lookAt(offline.page, 'airgap-offline-response-written');
  const offWitness = await offline.openWindow('#/witness', { width: 1280, height: 900 });
  await offWitness
    .getByTestId('witness-bundles')
    .getByText(toWords(responseDigest).split(' ').slice(0, 8).join(' '))
    .waitFor();
  await lookAt(offWitness, 'airgap-offline-witness', ['light']);
  await offWitness.close();
  const offlineDone = await driveByMouse(offline);
  assert.equal(offlineDone.status, 'completed');

  // Online room: attacks first. A response re-signed by a station nobody introduced, with the offline
  // fingerprint typed as read aloud, then a bit-flipped one: both refused in words, nothing imported.
  const response = path.join(byHand, readdirSync(byHand).find((n) => n.endsWith('-response-1')) ?? '');
  const forged = path.join(root, 'forged');
  const flipped = path.join(root, 'flipped');
  mkdirSync(forged);
  mkdirSync(flipped);
  resigned(response, forged);
  bitFlipped(response, flipped);
  await onPanel.getByRole('heading', { name: 'Read the response bundle' }).waitFor();
  await onPanel.getByRole('radio', { name: 'A folder chosen by hand…' }).check();
  await onPanel.getByLabel(/offline station's fingerprint/).fill(offlineFp);
  online.chooseNext('bundle-medium', [forged]);
  await onPanel.getByRole('button', { name: 'Read the response bundle' }).click();
  const refusal = onPanel.getByTestId('bundle-refused');
  await refusal.waitFor();
  const refusedText = await refusal.innerText();
  assert.match(
    refusedText,
    /The bundle was signed by station [0-9a-f]{16}…, not by the station this one expects\./,
  );
  assert.match(refusedText, /Compare the station fingerprints aloud/);
  assert.match(refusedText, /BUNDLE_UNKNOWN_STATION/);
  assert.match(refusedText, /Nothing from this bundle was used/);
  await lookAt(online.page, 'airgap-online-refused-station');

  online.chooseNext('bundle-medium', [flipped]);
  await onPanel.getByRole('button', { name: 'Read the response bundle' }).click();
  await onPanel.getByText('BUNDLE_FILE_DIGEST').waitFor();
  assert.match(await refusal.innerText(), /is not the file the manifest signed \(altered\)\./);
  await lookAt(online.page, 'airgap-online-refused-altered');
  const notYet = await online.engineView();
  assert.equal(stepOf(notYet, 'import')?.status, 'pending', 'nothing imported');
  assert.ok(awaitingBundle(notYet), 'still waiting for the response');
  assert.deepEqual(
    recordsOf(online, 'bundle.refused').map((r) => r.payload['code']),
    ['BUNDLE_UNKNOWN_STATION', 'BUNDLE_FILE_DIGEST'],
    'each refusal is in the online log',
  );
  assert.equal(recordsOf(online, 'bundle.accepted').length, 0);

  // The genuine response, from the folder carried by hand.
  online.chooseNext('bundle-medium', [byHand]);
  await onPanel.getByRole('button', { name: 'Read the response bundle' }).click();
  const accepted = await outcome(onPanel, 'bundle-accepted');
  assert.match(
    accepted,
    /The response bundle number 1 is valid: signed by the offline station \(now pinned\)/,
  );
  assert.ok(accepted.includes(toWords(responseDigest)), 'the digest words the offline room read out');
  assert.equal(hexIn(await onPanel.getByTestId('pinned-peer').innerText()), offlineFp);
  await lookAt(online.page, 'airgap-online-response-read');

  const onWitness = await online.openWindow('#/witness', { width: 1280, height: 900 });
  const witnessText = await onWitness.getByTestId('witness-bundles').innerText();
  for (const d of [requestDigest, responseDigest])
    assert.ok(witnessText.includes(toWords(d).split(' ').slice(0, 8).join(' ')), 'both bundles as words');
  await lookAt(onWitness, 'airgap-online-witness', ['light']);
  await onWitness.close();

  // Custodians confirm the import with the keys they enrolled offline; the key ends Enabled.
  const done = await driveByMouse(online);
  assert.equal(done.status, 'completed');
  const keyStates = loadLog(auditDb(online))
    .records.map((r) => (r.payload['facts'] as Record<string, unknown> | undefined)?.['keyState'])
    .filter((s) => s !== undefined);
  assert.equal(keyStates.at(-1), 'Enabled');

  // Both logs verify; each side accepted exactly what the other wrote.
  for (const h of [online, offline]) assert.equal(verifyDatabase(auditDb(h)).result.ok, true);
  const digestsOf = (h: Harness, type: string) =>
    recordsOf(h, type).map(
      (r) =>
        r.payload['bundleDigest'] ??
        (r.payload['result'] as Record<string, unknown> | undefined)?.['bundleDigest'],
    );
  assert.deepEqual(digestsOf(offline, 'bundle.accepted'), [requestDigest]);
  assert.deepEqual(digestsOf(online, 'bundle.accepted'), [responseDigest]);
  assert.deepEqual(
    [online.pageErrors, offline.pageErrors, online.droppedEvents, offline.droppedEvents],
    [[], [], [], []],
  );
  await until(online, 'the view to settle', (v) => v.status === 'completed');

  // The outputs: written offline beside the response, shown online as logged on the offline station.
  const folder = readdirSync(byHand).find((n) => n.endsWith('-outputs-1'));
  assert.ok(folder, `the outputs folder beside the response: ${readdirSync(byHand).join(', ')}`);
  const logged = recordsOf(offline, 'wrap.output').map((r) => r.payload);
  assert.equal(logged.length, 2);
  const card = online.page.getByTestId('plan-outputs');
  await card.waitFor();
  const intro = await card.getByTestId('outputs-logged-offline').innerText();
  assert.ok(intro.includes(`As logged on the offline station ${offlineFp}`), intro);
  assert.ok(intro.includes(folder), intro);
  for (const p of logged) {
    const file = String(p['file']);
    const onMedium: Buffer = readFileSync(path.join(byHand, folder, file));
    assert.equal(sha256Hex(onMedium), p['outputDigest'], `${file} on the medium as logged`);
    const item = card.getByRole('listitem', { name: new RegExp(file.replace(/[.]/g, '\\.')) });
    assert.equal(await item.locator('pre.command').innerText(), String(p['command']));
    assert.ok((await item.innerText()).replace(/\s/g, '').includes(String(p['outputDigest'])));
  }
  await lookAt(online.page, 'airgap-online-outputs');
});

void test('an air-gapped ROTATION through the app: the key the first ceremony made gets new material made offline, imported and rotated in online under quorum', async () => {
  // The key the first test made, in the online station's KMS.
  const keyArn = loadLog(auditDb(online))
    .records.map((r) => (r.payload['facts'] as Record<string, unknown> | undefined)?.['keyArn'])
    .find((a) => typeof a === 'string');
  assert.ok(typeof keyArn === 'string', 'the first test made the key');
  const plan = roomPlan({
    stations: 'split',
    name: 'Air-gapped rotation of the payments key',
    target: {
      provider: 'aws',
      region: 'us-east-1',
      accountId: '111122223333',
      key: { existing: { keyId: keyArn, keySpec: 'SYMMETRIC_DEFAULT' } },
    },
    backup: { shares: false },
    guardedSteps: ['import', 'rotate'],
    rotate: {},
  });
  // Online: the next plan on the same station (its role stays online); its steps up to the request.
  online.chooseNext('ceremony-plan', [writePlan(online, plan, 'rotate.json')]);
  await online.page.getByRole('button', { name: 'Load the next plan…' }).click();
  await online.page.getByRole('heading', { name: 'Air-gapped rotation of the payments key' }).waitFor();
  const before = await online.engineView();
  assert.deepEqual(
    before.steps.map((x) => x.id),
    [
      'preflight',
      'import-parameters',
      'enroll',
      'generate-material',
      'backup-shares',
      'verify-shares',
      'wrap',
      'import',
      'verify',
      'rotate',
      'handover',
      'close',
    ],
    'the rotation in the split order: no key is created',
  );
  await driveByMouse(online, { stopWhen: awaitingBundle });
  // The stick still holds the first ceremony's bundles (a station refuses such a medium): this one's
  // travel in a folder of their own, chosen by hand in both rooms.
  const medium = path.join(root, 'rotation-medium');
  mkdirSync(medium);
  const onPanel = online.page.getByTestId('bundle-panel');
  await onPanel.getByRole('radio', { name: 'A folder chosen by hand…' }).check();
  online.chooseNext('bundle-medium', [medium]);
  await onPanel.getByRole('button', { name: 'Write the request bundle' }).click();
  await outcome(onPanel, 'bundle-written');

  // Offline: the same station, its first ceremony completed, starts the next one from this request.
  const off = offline;
  await off.page.getByRole('button', { name: 'Start the next ceremony…' }).click();
  await off.page.getByRole('heading', { name: 'Load the reviewed plan' }).waitFor();
  assert.equal(await off.page.getByRole('heading', { level: 1 }).innerText(), 'Ceremony', 'no stale title');
  assert.equal(
    await off.page.evaluate(() => document.activeElement?.textContent),
    'Load the reviewed plan',
    'the focus moves to the offline start',
  );
  const offFp = hexIn(await off.page.getByTestId('station-fingerprint').innerText());
  await lookAt(off.page, 'airgap-offline-next-ceremony', ['light']);
  const onlineFp = hexIn(await online.page.getByTestId('bundle-panel').innerText());
  const start = off.page.getByTestId('offline-start');
  await start.getByRole('radio', { name: 'A folder chosen by hand…' }).check();
  off.chooseNext('bundle-medium', [medium]);
  await start.getByLabel(/online station's fingerprint/).fill(onlineFp);
  off.chooseNext('ceremony-plan', [writePlan(off, plan, 'rotate.json')]);
  await start.getByRole('button', { name: 'Choose plan and read the request…' }).click();
  await off.page.getByTestId('bundle-panel').getByTestId('pinned-peer').waitFor();
  assert.deepEqual(
    (await off.engineView()).steps.map((x) => x.id),
    [
      'preflight',
      'import-parameters',
      'enroll',
      'generate-material',
      'backup-shares',
      'verify-shares',
      'wrap',
      'close',
    ],
    'the offline station walks only its own half',
  );
  await enrollAsShown(off);
  await driveByMouse(off, { stopWhen: awaitingBundle });
  const offPanel = off.page.getByTestId('bundle-panel');
  await offPanel.getByRole('radio', { name: 'A folder chosen by hand…' }).check();
  off.chooseNext('bundle-medium', [medium]);
  await offPanel.getByRole('button', { name: 'Write the response bundle' }).click();
  await outcome(offPanel, 'bundle-written');
  assert.equal((await driveByMouse(off)).status, 'completed');
  assert.deepEqual(off.pageErrors, []);

  // Online: the response read; import (not final: staged), verify, rotate (final) under quorum.
  await onPanel.getByRole('heading', { name: 'Read the response bundle' }).waitFor();
  await onPanel.getByRole('radio', { name: 'A folder chosen by hand…' }).check();
  online.chooseNext('bundle-medium', [medium]);
  // This ceremony's offline station, as its room reads it; the field starts empty (it once kept the
  // first ceremony's station, whose fingerprint then refused this one's response).
  const typed = onPanel.getByLabel(/offline station's fingerprint/);
  assert.equal(await typed.inputValue(), '', 'nothing carried over from the previous ceremony');
  await typed.fill(offFp);
  await onPanel.getByRole('button', { name: 'Read the response bundle' }).click();
  await outcome(onPanel, 'bundle-accepted');
  const seen: string[] = [];
  const done = await driveByMouse(online, {
    onStep: async (step) => {
      seen.push(step.id);
      const box = online.page.getByTestId('irreversible');
      if (step.id === 'import') assert.equal(await box.count(), 0, 'a rotation’s import is not final');
      if (step.id === 'rotate') assert.match(await box.innerText(), /^Cannot be undone\. Rotating makes/);
    },
  });
  assert.equal(done.status, 'completed');
  assert.ok(seen.includes('import') && seen.includes('rotate'), seen.join(', '));
  // The screen, live from KMS: the first ceremony's material NON_CURRENT, this one's CURRENT.
  const table = online.page.getByRole('table').filter({ hasText: 'Key material id' });
  await table.getByRole('row').filter({ hasText: 'NON_CURRENT' }).waitFor();
  const rows = (await table.getByRole('row').allInnerTexts()).slice(1);
  assert.deepEqual(
    rows.map((r) => /\b(NON_CURRENT|CURRENT)\b/.exec(r)?.[1]).sort(),
    ['CURRENT', 'NON_CURRENT'],
    rows.join('\n'),
  );
  await lookAt(online.page, 'airgap-rotation-completed', ['light']);
  assert.deepEqual([online.pageErrors, online.droppedEvents], [[], []]);
});

/** The Google import job and Azure key exchange key beside a station's plan, as gcloud and az print them. */
function writeOutputInputs(dir: string): void {
  const fixtures = path.resolve(__dirname, '..', 'fixtures', 'wrap');
  const now = Date.now();
  writeFileSync(
    path.join(dir, 'gcp-import-job.yaml'),
    stringify({
      expireTime: new Date(now + 71 * 3_600_000).toISOString(),
      importMethod: 'RSA_OAEP_3072_SHA256_AES_256',
      name: 'projects/contoso-payments/locations/europe-west1/keyRings/payments/importJobs/keyrite-job',
      publicKey: { pem: readFileSync(path.join(fixtures, 'wrapping-rsa-3072.pub.pem'), 'utf8') },
      state: 'ACTIVE',
    }),
  );
  const jwk = createPublicKey(readFileSync(path.join(fixtures, 'wrapping-rsa-2048.pub.pem'))).export({
    format: 'jwk',
  });
  writeFileSync(
    path.join(dir, 'azure-kek.json'),
    JSON.stringify({
      attributes: { enabled: true },
      key: {
        kid: 'https://contoso-hsm.managedhsm.azure.net/keys/keyrite-kek/0123456789abcdef0123456789abcdef',
        kty: 'RSA-HSM',
        keyOps: ['import'],
        n: jwk.n,
        e: jwk.e,
      },
    }),
  );
}

void test('the offline station from a request of the AWS console or CLI: unsigned said in words, a refusal in words and recorded, the response folder and the exact upload command', async () => {
  const station = await startHarness({
    engine: FAST_ENGINE,
    browser,
    viewport: VIEWPORT,
    ports: { volumes },
  });
  const mountinfo = volumes.linux!.mountinfo;
  const mounted = readFileSync(mountinfo, 'utf8');
  try {
    await chooseRole(station, 'Offline station');
    const page = station.page;
    const keyId = randomUUID();
    const plan = roomPlan({
      name: 'Console request: the key the console made',
      stations: 'split',
      backup: { shares: false },
      guardedSteps: [],
      quorum: { m: 1 },
      participants: {
        administrator: ROOM.administrator,
        custodians: [ROOM.custodians[0]],
        witnesses: [],
        auditor: { id: 'auditor', name: 'Ines Moreau' },
      },
      target: {
        provider: 'aws',
        region: 'us-east-1',
        accountId: '111122223333',
        key: { existing: { keyId, keySpec: 'SYMMETRIC_DEFAULT' } },
      },
    });
    const spki = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    const request = (name: string, validTo: Date) => {
      const f = path.join(root, name);
      writeFileSync(
        f,
        JSON.stringify({
          KeyId: `arn:aws:kms:us-east-1:111122223333:key/${keyId}`,
          ImportToken: randomBytes(300).toString('base64'),
          PublicKey: spki.toString('base64'),
          ParametersValidTo: validTo.toISOString(),
        }),
      );
      return f;
    };
    const expired = request('expired-params.json', new Date(Date.now() - 60_000));
    const good = request('params.json', new Date(Date.now() + 3600_000));

    const start = page.getByTestId('offline-start');
    await start.getByRole('radio', { name: /A request from the AWS console or CLI/ }).check();
    assert.match(await start.getByTestId('console-unsigned').innerText(), /carries NO station signature/);
    await lookAt(page, 'airgap-console-start');
    // An expired request: refused in words; the ceremony it started records it and waits for the right one.
    station.chooseNext('console-request', [expired]);
    station.chooseNext('ceremony-plan', [writePlan(station, plan, 'console-plan.json')]);
    await start.getByRole('button', { name: 'Choose the request file and the plan…' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'PARAMS_EXPIRED' });
    await refused.waitFor();
    assert.match(await refused.innerText(), /expired/i);
    const panel = page.getByTestId('bundle-panel');
    station.chooseNext('console-request', [good]);
    await panel.getByRole('button', { name: 'Read a request from the AWS console or CLI…' }).click();
    const facts = panel.getByTestId('console-request');
    await facts.waitFor();
    const shown = (await facts.innerText()).replace(/\s/g, '');
    assert.ok(shown.includes(sha256Hex(readFileSync(good))), 'the request file SHA-256');
    assert.ok(shown.includes(sha256Hex(spki)), 'the wrapping key fingerprint');
    assert.match(await facts.innerText(), /carries NO station signature/);
    await lookAt(page, 'airgap-console-request');

    // The plan's one custodian enrolls as the form shows them.
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASES['custodian-1']!);
    await page.getByLabel('Passphrase again', { exact: true }).fill(PASSPHRASES['custodian-1']!);
    await page.getByRole('button', { name: 'Enroll', exact: true }).click();
    await until(station, 'the custodian enrolled', (v) => v.participants.some((p) => p.enrolled));
    await driveByMouse(station, { stopWhen: awaitingBundle });
    await panel.getByRole('heading', { name: 'Write the response for the AWS console' }).waitFor();
    // The stick is pulled and the room looks again: the picker chooses again (the folder by hand).
    assert.equal(await panel.getByRole('radio', { name: /Removable drive KEYRITE-A/ }).isChecked(), true);
    writeFileSync(
      mountinfo,
      mounted
        .split('\n')
        .filter((l) => !l.includes(' 8:17 '))
        .join('\n'),
    );
    await panel.getByRole('button', { name: 'Look for removable drives again' }).click();
    await panel.getByText('No removable drive is mounted.').waitFor();
    assert.equal(await panel.getByRole('radio', { name: 'A folder chosen by hand…' }).isChecked(), true);
    const out = path.join(root, 'console-out');
    mkdirSync(out);
    station.chooseNext('bundle-medium', [out]);
    await panel.getByRole('button', { name: 'Write the response for the AWS console' }).click();
    const written = await outcome(panel, 'bundle-written');
    const [folder] = readdirSync(out);
    assert.ok(folder && written.includes(folder), `the folder on screen: ${written}`);
    assert.deepEqual(readdirSync(path.join(out, folder)).sort(), [
      'EncryptedKeyMaterial.bin',
      'ImportToken.bin',
      'README.txt',
    ]);
    for (const f of ['EncryptedKeyMaterial.bin', 'ImportToken.bin', 'README.txt'])
      await panel.getByRole('list', { name: 'Files in the folder' }).getByText(f).waitFor();
    const records = loadLog(auditDb(station)).records;
    const command = String(records.find((r) => r.type === 'bundle.console-response')?.payload['command']);
    const onScreen = await panel.getByLabel('Upload command').innerText();
    assert.equal(onScreen.replace(/ \\\n\s*/g, ' ').trim(), command);
    assert.match(command, /^aws kms import-key-material --region us-east-1 --key-id /);
    await lookAt(page, 'airgap-console-response');
    assert.deepEqual(
      records
        .filter((r) => r.type === 'bundle.refused')
        .map((r) => [r.payload['code'], r.payload['bundleDigest']]),
      [['PARAMS_EXPIRED', sha256Hex(readFileSync(expired))]],
    );
    assert.equal(
      records.find((r) => r.type === 'bundle.console-request')?.payload['requestDigest'],
      sha256Hex(readFileSync(good)),
    );
    assert.deepEqual([station.pageErrors, station.droppedEvents], [[], []]);
  } finally {
    writeFileSync(mountinfo, mounted);
    await station.close();
  }
});

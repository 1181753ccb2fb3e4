import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { startHarness, type Harness } from './harness/harness.js';
import { lookAt } from './harness/look.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** Import parameters as `aws kms get-parameters-for-import` prints them, with a fresh wrapping key. */
function cliParams(validTo: Date): { file: string; fingerprint: string; raw: string[] } {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const file = path.join(h.dataDirectory, `params-${validTo.getTime()}.json`);
  const token = randomBytes(64);
  writeFileSync(
    file,
    JSON.stringify({
      KeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      ImportToken: token.toString('base64'),
      PublicKey: spki.toString('base64'),
      ParametersValidTo: validTo.toISOString(),
    }),
  );
  const raw = [token, spki].flatMap((b) => [
    b.toString('base64'),
    b.toString('hex'),
    b.subarray(20, 44).toString('base64'),
  ]);
  return { file, fingerprint: createHash('sha256').update(spki).digest('hex'), raw };
}

void test('import parameters chosen in main are summarised, never sent as bytes', async () => {
  const { file, fingerprint, raw } = cliParams(new Date(Date.now() + 23 * 3600 * 1000));
  const page = await h.open('#/params');
  h.chooseNext('import-parameters', [file]);
  await page.getByRole('button', { name: 'Choose files…' }).click();
  const card = page.getByTestId('params-summary');
  await card.waitFor();
  const text = await card.innerText();
  assert.match(text, /RSA_2048/);
  assert.match(text.replace(/\s/g, ''), new RegExp(fingerprint));
  assert.match(text, /present/, 'import token present');
  await lookAt(page, 'params-parsed');
  const responses = h.server.exchanges
    .filter((e) => e.channel.endsWith('params.inspect'))
    .map((e) => e.response);
  assert.equal(responses.length, 1);
  for (const r of raw) assert.ok(!responses[0]!.includes(r), 'no raw parameter bytes in the reply');
});

void test('expired import parameters are flagged', async () => {
  const { file } = cliParams(new Date(Date.now() - 3600 * 1000));
  const page = await h.open('#/params');
  h.chooseNext('import-parameters', [file]);
  await page.getByRole('button', { name: 'Choose files…' }).click();
  await page.getByText('These parameters have expired.').waitFor();
  await lookAt(page, 'params-expired');
});

void test('a cancelled choice changes nothing, and a bad file shows a coded error with a hint', async () => {
  const page = await h.open('#/params');
  h.chooseNext('import-parameters', null);
  await page.getByRole('button', { name: 'Choose files…' }).click();
  await page.waitForTimeout(200);
  assert.equal(await page.getByTestId('params-summary').count(), 0);
  const junk = path.join(h.dataDirectory, 'junk.bin');
  writeFileSync(junk, Buffer.from('this is not a key'));
  h.chooseNext('import-parameters', [junk]);
  await page.getByRole('button', { name: 'Choose files…' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /[A-Z_]{6,}/, 'the code is shown');
  await lookAt(page, 'params-error');
});

/** Huawei Cloud's console download (wrappingKey_, importToken_ and README_ files), fresh for 24 hours. */
function huaweiConsoleFiles(): { files: string[]; fingerprint: string; keyId: string } {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const keyId = '5d2c1a60-7e2f-4b8e-9a51-0c3d7f1e2b44';
  const now = new Date();
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  // The console shows times in China Standard Time.
  const cst = new Date(now.getTime() + 24 * 3600 * 1000 + 8 * 3600 * 1000).toISOString();
  const expires = `${cst.slice(0, 10)} ${cst.slice(11, 19)} GMT+08:00`;
  const name = (kind: string) => path.join(h.dataDirectory, `${kind}_${keyId}_${stamp}`);
  writeFileSync(name('wrappingKey'), spki);
  writeFileSync(name('importToken'), randomBytes(300).toString('base64'));
  writeFileSync(
    name('README'),
    [
      `CMK ID: ${keyId}`,
      'Wrapping algorithm: RSAES_OAEP_SHA_256',
      `Wrapping key file: wrappingKey_${keyId}_${stamp}`,
      `Import token file: importToken_${keyId}_${stamp}`,
      `The wrapping key and import token expire at: ${expires}`,
      '',
    ].join('\n'),
  );
  return {
    files: ['wrappingKey', 'importToken', 'README'].map(name),
    fingerprint: createHash('sha256').update(spki).digest('hex'),
    keyId,
  };
}

void test('Huawei Cloud console files are read in main and summarised as Huawei’s; the expired fixtures are flagged', async () => {
  const { files, fingerprint, keyId } = huaweiConsoleFiles();
  const page = await h.open('#/params');
  h.chooseNext('import-parameters', files);
  await page.getByRole('button', { name: 'Choose files…' }).click();
  const card = page.getByTestId('params-summary');
  await card.getByText('Huawei Cloud KMS').waitFor();
  const text = await card.innerText();
  assert.match(text, /Issued by\s+Huawei Cloud KMS/);
  assert.ok(text.includes(keyId), text);
  assert.match(text, /RSAES_OAEP_SHA_256/);
  assert.match(text.replace(/\s/g, ''), new RegExp(fingerprint));
  assert.doesNotMatch(text, /expired/i);
  await lookAt(page, 'params-huawei');
  // The shipped fixtures' parameters expired on 2026-11-25 (GMT+08:00 read as such, not as UTC).
  const fixtures = path.join(__dirname, '..', 'fixtures', 'huawei');
  h.chooseNext(
    'import-parameters',
    readdirSync(fixtures)
      .filter((f) => /^(wrappingKey|importToken|README)_/.test(f))
      .map((f) => path.join(fixtures, f)),
  );
  await page.getByRole('button', { name: 'Choose files…' }).click();
  await page.getByText('These parameters have expired.').waitFor();
  assert.match(await card.innerText(), /Issued by\s+Huawei Cloud KMS/);
});

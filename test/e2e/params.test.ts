import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
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

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { importKeyMaterialCommand } from '../../../src-main/cli/import-command.js';
import { closestChoice, notOneOf } from '../../../src-shared/text/did-you-mean.js';
import { KEY_MATERIAL_SPECS, WRAPPING_ALGORITHMS } from '../../../src-shared/wrap/index.js';

/** What bash makes of the printed command: its words, one per line (bash is the oracle for quoting). */
function wordsAsBashSeesThem(lines: string[]): string[] {
  const script = lines.join('\n').replace(/^aws /, "printf '%s\\n' ");
  return execFileSync('/bin/bash', ['-c', script], { encoding: 'utf8' }).trimEnd().split('\n');
}

void test('the printed import command survives paths with spaces and quotes, as bash reads it', () => {
  const cmd = importKeyMaterialCommand({
    keyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    region: 'eu-west-1',
    encryptedMaterialFile: "/tmp/it's a dir/Encrypted Key.bin",
    importTokenFile: '/tmp/x/$HOME`id`.bin',
    validTo: '2027-06-01T00:00:00Z',
  });
  assert.deepEqual(cmd.placeholders, []);
  assert.deepEqual(wordsAsBashSeesThem(cmd.lines), [
    'kms',
    'import-key-material',
    '--region',
    'eu-west-1',
    '--key-id',
    'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    '--encrypted-key-material',
    "fileb:///tmp/it's a dir/Encrypted Key.bin",
    '--import-token',
    'fileb:///tmp/x/$HOME`id`.bin',
    '--expiration-model',
    'KEY_MATERIAL_EXPIRES',
    '--valid-to',
    '2027-06-01T00:00:00Z',
  ]);
});

void test('what the parameters do not say is a named placeholder, never a guess', () => {
  const cmd = importKeyMaterialCommand({ encryptedMaterialFile: '/w.bin' });
  assert.equal(cmd.placeholders.length, 2);
  assert.match(cmd.lines.join('\n'), /--key-id KEY_ID/);
  assert.match(cmd.lines.join('\n'), /--import-token fileb:\/\/IMPORT_TOKEN_FILE/);
  assert.match(cmd.lines.join('\n'), /--expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE$/);
  assert.doesNotMatch(cmd.lines.join('\n'), /--region/);
});

void test('did you mean: near misses of KMS spellings, and nothing for unrelated words', () => {
  assert.equal(closestChoice('SYMETRIC_DEFAULT', KEY_MATERIAL_SPECS), 'SYMMETRIC_DEFAULT');
  assert.equal(closestChoice('symmetric_default', KEY_MATERIAL_SPECS), 'SYMMETRIC_DEFAULT');
  assert.equal(closestChoice('ECC_NIST_P265', KEY_MATERIAL_SPECS), 'ECC_NIST_P256');
  assert.equal(closestChoice('RSA_OAEP_256', WRAPPING_ALGORITHMS), 'RSAES_OAEP_SHA_256');
  assert.equal(closestChoice('AES_256', KEY_MATERIAL_SPECS), undefined);
  assert.equal(closestChoice('banana', WRAPPING_ALGORITHMS), undefined);
  const e = notOneOf('SYMETRIC_DEFAULT', 'a key spec', KEY_MATERIAL_SPECS);
  assert.equal(e.message, '`SYMETRIC_DEFAULT` is not a key spec; did you mean `SYMMETRIC_DEFAULT`?');
  assert.equal(e.hint, `use one of ${KEY_MATERIAL_SPECS.join(', ')}`);
});

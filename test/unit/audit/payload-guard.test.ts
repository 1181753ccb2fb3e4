import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { payloadProblem } from '../../../src-shared/audit/payload-schemas.js';
import { findSecretLookingField } from '../../../src-shared/audit/secret-guard.js';

void test('fields named like secrets are refused at any depth', () => {
  for (const k of [
    'material',
    'keyMaterial',
    'secret',
    'clientSecret',
    'passphrase',
    'password',
    'share',
    'shares',
    'plaintext',
    'privateKey',
    'seed',
    'component',
  ]) {
    assert.equal(findSecretLookingField({ a: { b: [{ [k]: 'x' }] } }), `payload.a.b[0].${k}`, k);
  }
  for (const k of ['materialMode', 'shareIndex', 'shareFile', 'componentIndex', 'keySpec']) {
    assert.equal(findSecretLookingField({ [k]: 'x' }), undefined, k);
  }
});

void test('strings that look like encoded bytes are refused unless the field is public by design', () => {
  const hex = randomBytes(32).toString('hex');
  const b64 = randomBytes(32).toString('base64');
  assert.equal(findSecretLookingField({ blob: hex }), 'payload.blob');
  assert.equal(findSecretLookingField({ note: b64 }), 'payload.note');
  assert.equal(findSecretLookingField({ list: ['ok', b64] }), 'payload.list[1]');
  for (const k of [
    'fingerprint',
    'wrappingKeyFingerprint',
    'digest',
    'rootHash',
    'publicKey',
    'signature',
    'planDigest',
  ]) {
    assert.equal(
      findSecretLookingField({ [k]: k.includes('Key') || k === 'signature' ? b64 : hex }),
      undefined,
      k,
    );
  }
  // Ordinary identifiers and prose pass.
  for (const s of [
    'arn:aws:kms:eu-west-1:111122223333:key/1b2c3d4e-aaaa-bbbb-cccc-1234567890ab',
    'alias/payments-prod',
    'RSAES_OAEP_SHA_256',
    'The witness saw the seal was broken on bag 12.',
    '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
  ]) {
    assert.equal(findSecretLookingField({ text: s }), undefined, s);
  }
});

void test('well-known record types are schema-checked, families are open, the rest unknown', () => {
  assert.equal(payloadProblem('material.kcv', { kcv: 'A1B2C3', scope: 'combined' }), undefined);
  assert.match(payloadProblem('material.kcv', { kcv: 'a1b2c3', scope: 'combined' }) ?? '', /kcv/);
  assert.match(payloadProblem('participant.enrolled', { name: 'a', role: 'king' }) ?? '', /role/);
  assert.equal(
    payloadProblem('kms.key-created', { keyArn: 'arn:aws:kms:eu-west-1:111122223333:key/x' }),
    undefined,
  );
  assert.match(payloadProblem('kms.key-created', { keyArn: 'not-an-arn' }) ?? '', /keyArn/);
  assert.match(payloadProblem('step.done', { nested: { kcv: 'ZZ' } }) ?? '', /kcv/);
  assert.match(payloadProblem('random', {}) ?? '', /unknown record type/);
  assert.equal(payloadProblem('note', []), 'payload is not an object');
});

void test("KMS's KeyMaterialId is a public field: logged as 64 hex, refused in any other shape", () => {
  const id = randomBytes(32).toString('hex');
  assert.equal(findSecretLookingField({ keyMaterialId: id }), undefined);
  assert.equal(findSecretLookingField({ facts: { keyMaterialId: id } }), undefined);
  // The same bytes under an ordinary name still look secret.
  assert.equal(findSecretLookingField({ materialRef: id }), 'payload.materialRef');
  assert.equal(
    payloadProblem('step.completed', { stepId: 'import', facts: { keyMaterialId: id } }),
    undefined,
  );
  assert.match(
    payloadProblem('step.completed', { stepId: 'import', facts: { keyMaterialId: id.toUpperCase() } }) ?? '',
    /keyMaterialId/,
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import { openAuditStore, type AuditStore } from '../../../src-main/audit/audit-store.js';
import { Journal } from '../../../src-main/ceremony/journal.js';
import { tempDir } from './harness.js';

/*
 * The journal is the engine's only way into the audit log: it takes records of the catalogue with
 * payloads that fit, brackets every effect with intent and outcome, and reads records back typed.
 */
const HEX = 'ab'.repeat(32);

function open(t: { after: (fn: () => void) => void }): { store: AuditStore; journal: Journal; dir: string } {
  const tmp = tempDir('journal');
  const store = openAuditStore(path.join(tmp.dir, 'audit.db'));
  t.after(() => {
    store.close();
    tmp.cleanup();
  });
  return { store, journal: new Journal(store, 'cer-journal'), dir: tmp.dir };
}

void test('a catalogued record is appended and read back typed', (t) => {
  const { journal } = open(t);
  journal.append('ceremony.started', { planDigest: HEX, title: 'journal test' });
  journal.append('material.kcv', { kcv: 'A1B2C3', scope: 'material', method: 'AES_CMAC' });
  const [kcv] = journal.records('material.kcv');
  assert.equal(kcv?.payload.kcv, 'A1B2C3');
  assert.deepEqual(
    journal.records().map((r) => r.type),
    ['ceremony.started', 'material.kcv'],
  );
});

void test('a payload that does not fit its record type is refused and the log does not change', (t) => {
  const { journal, store } = open(t);
  journal.append('ceremony.started', { planDigest: HEX, title: 'journal test' });
  const head = store.head();
  const refused = (f: () => unknown) =>
    assert.throws(f, (e: unknown) => e instanceof KeyriteError && e.code === 'AUDIT_RECORD_INVALID');
  // A lower-case KCV, an unknown field, facts that belong to another step.
  refused(() => journal.append('material.kcv', { kcv: 'a1b2c3', scope: 'material', method: 'AES_CMAC' }));
  refused(() => journal.append('backup.share-verified', { holder: 'c1', digest: HEX, extra: 'x' } as never));
  refused(() => journal.append('step.completed', { stepId: 'wrap', facts: { note: 'no wrapped digest' } }));
  refused(() => journal.append('step.started', { stepId: 'no-such-step' as never }));
  assert.deepEqual(store.head(), head);
});

void test('an effect is bracketed by an intent and an outcome carrying what it returned', async (t) => {
  const { journal, dir } = open(t);
  const digest = await journal.writeFile(path.join(dir, 'out.txt'), 'out.txt', 'hello\n');
  assert.equal(readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'hello\n');
  const [intent] = journal.records('intent');
  const [outcome] = journal.records('outcome');
  assert.equal(intent?.payload.action, 'media.write-file');
  assert.deepEqual(intent?.payload.details, { file: 'out.txt', digest });
  assert.equal(outcome?.payload.intentSeq, intent?.seq);
  assert.equal(outcome?.payload.ok, true);
  assert.deepEqual(journal.openIntents(), []);
});

void test('a failed effect leaves an outcome naming the error code, never its text', async (t) => {
  const { journal } = open(t);
  await assert.rejects(
    journal.effect(
      'kms.create-alias',
      'CreateAlias alias/x',
      { alias: 'alias/x', keyArn: 'arn:aws:kms:us-east-1:111122223333:key/k' },
      () => Promise.reject(new KeyriteError('KMS_ALREADY_EXISTS', 'secret-looking text', 'hint')),
      () => ({}),
    ),
    { code: 'KMS_ALREADY_EXISTS' },
  );
  const [outcome] = journal.records('outcome');
  assert.equal(outcome?.payload.ok, false);
  assert.deepEqual(outcome?.payload.details, { code: 'KMS_ALREADY_EXISTS' });
});

void test('an intent whose effect never reported stays open until recovery settles it', async (t) => {
  const { journal, dir } = open(t);
  const never = journal.effect(
    'media.move-files',
    'move 1 share file(s) to shares/void-1',
    { to: 'shares/void-1' },
    () => new Promise<void>(() => {}),
    () => ({}),
  );
  void never;
  const [open1] = journal.openIntents();
  assert.equal(open1?.payload.action, 'media.move-files');
  journal.settle(open1?.seq ?? 0, false, 'the share files are still in shares/');
  assert.deepEqual(journal.openIntents(), []);
  const [outcome] = journal.records('outcome');
  assert.deepEqual(outcome?.payload.details, { reconciled: 'the share files are still in shares/' });
  assert.equal(existsSync(path.join(dir, 'shares')), false);
});

void test('a record the catalogue does not know makes the ceremony log unreadable to the engine', (t) => {
  const { journal, store } = open(t);
  // The generic audit format accepts it (families are open); the engine refuses to guess at it.
  store.append({ ceremonyId: 'cer-journal', actor: 'x', type: 'kms.key-created', payload: { note: 'x' } });
  assert.throws(() => journal.records(), { code: 'AUDIT_RECORD_UNREADABLE' });
});

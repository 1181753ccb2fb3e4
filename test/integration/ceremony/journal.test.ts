import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import { openAuditStore, type AuditStore } from '../../../src-main/audit/audit-store.js';
import { Journal } from '../../../src-main/ceremony/journal.js';
import { tempDir } from './harness/ceremony.js';

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

const refusedByCatalogue = (e: unknown) =>
  e instanceof KeyriteError && e.code === 'AUDIT_RECORD_INVALID' && /record catalogue/.test(e.message);

void test('the journal refuses a type outside the catalogue and an over-long field, though the audit format would take them', (t) => {
  const { journal, store } = open(t);
  journal.append('ceremony.started', { planDigest: HEX, title: 'journal test' });
  const head = store.head();
  // Both would pass the generic audit format (its families are open); the catalogue is the stricter contract.
  assert.throws(() => journal.append('kms.key-created' as never, { note: 'x' } as never), refusedByCatalogue);
  const note = { witness: 'Wanda Witness', witnessId: 'w1', stepId: 'wrap' as const, text: 'x'.repeat(2001) };
  assert.throws(() => journal.append('witness.exception', note), refusedByCatalogue);
  assert.deepEqual(store.head(), head);
  // At the limit it is taken.
  journal.append('witness.exception', { ...note, text: 'x'.repeat(2000) });
  assert.equal(store.head().seq, head.seq + 1);
});

void test('an effect whose details do not fit its schema is refused before the intent, and never runs', async (t) => {
  const { journal, store } = open(t);
  const head = store.head();
  let ran = false;
  await assert.rejects(
    journal.effect(
      'media.write-file',
      'write out.txt',
      // A field the effect does not declare: the generic audit format would take it.
      { file: 'out.txt', digest: HEX, extra: 'x' } as never,
      () => {
        ran = true;
      },
      () => ({}),
    ),
  );
  assert.equal(ran, false);
  assert.deepEqual(store.head(), head);
});

void test('the intent is committed before the effect runs, and the outcome carries the typed result', async (t) => {
  const { journal } = open(t);
  const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
  let openDuringEffect: number[] = [];
  const got = await journal.effect(
    'kms.create-key',
    'CreateKey AES-256',
    { keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', tagCeremony: 'cer-journal' },
    () => {
      // What a station that died right now would find: the intent, with no outcome.
      openDuringEffect = journal.openIntents().map((i) => i.seq);
      return { arn: keyArn, id: keyId };
    },
    (r) => ({ keyArn: r.arn, keyId: r.id }),
  );
  assert.deepEqual(got, { arn: keyArn, id: keyId });
  const [intent] = journal.records('intent');
  const [outcome] = journal.records('outcome');
  assert.deepEqual(openDuringEffect, [intent?.seq]);
  assert.equal(outcome?.payload.intentSeq, intent?.seq);
  assert.equal(outcome?.payload.action, 'kms.create-key');
  assert.deepEqual(outcome?.payload.details, { keyArn, keyId });
  assert.deepEqual(journal.openIntents(), []);
});

void test('an intent is settled once: a second outcome, or an outcome for a record that is no intent, is refused', async (t) => {
  const { journal, store } = open(t);
  void journal.effect(
    'kms.put-key-policy',
    'PutKeyPolicy',
    { grantee: '444455556666' },
    () => new Promise<void>(() => {}),
    () => ({}),
  );
  const [intent] = journal.openIntents();
  assert.ok(intent);
  journal.settle(intent.seq, true, 'the key policy statement is in place');
  const head = store.head();
  assert.throws(() => journal.settle(intent.seq, false, 'again'), { code: 'AUDIT_RECORD_INVALID' });
  assert.throws(() => journal.settle(1, false, 'not an intent'), { code: 'AUDIT_RECORD_INVALID' });
  assert.deepEqual(store.head(), head);
  assert.equal(journal.records('outcome').length, 1);
});

void test('every record the journal writes reaches its listener in log order, and replay folds the same sequence', async (t) => {
  const { journal, store, dir } = open(t);
  const seen: string[] = [];
  journal.onRecord((r) => seen.push(`${r.seq}:${r.type}`));
  journal.append('ceremony.started', { planDigest: HEX, title: 'journal test' });
  await journal.writeFile(path.join(dir, 'a.txt'), 'a.txt', 'a');
  journal.checkpoint();
  journal.append('material.kcv', { kcv: 'A1B2C3', scope: 'material', method: 'AES_CMAC' });
  const logged = store.records({ ceremonyId: 'cer-journal' }).map((r) => `${r.seq}:${r.type}`);
  assert.deepEqual(
    logged.map((l) => l.split(':')[1]),
    ['ceremony.started', 'intent', 'outcome', 'audit.checkpoint', 'material.kcv'],
  );
  assert.deepEqual(seen, logged);
  const replayed: string[] = [];
  const again = new Journal(store, 'cer-journal');
  again.onRecord((r) => replayed.push(`${r.seq}:${r.type}`));
  again.replay();
  assert.deepEqual(replayed, logged);
});

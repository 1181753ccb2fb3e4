import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { challengeDigest, QuorumTally } from '../../../src-shared/ceremony/confirmation.js';
import { enrollCustodian, unlockCustodian } from '../../../src-main/secrets/custodian-keys.js';
import { enrollWitness, unlockWitness } from '../../../src-main/secrets/witness-keys.js';
import { combineShares, createSealedShares, openShare } from '../../../src-main/secrets/backup-shares.js';
import { combineComponents } from '../../../src-main/secrets/split-knowledge.js';
import { DEFAULT_SCRYPT_COST } from '../../../src-main/secrets/passphrase-seal.js';

// Low scrypt cost for speed, chosen explicitly here; the product default stays strong.
const cost = { N: 2 ** 10, r: 8, p: 1 };
const pw = (s: string) => SecretBuffer.adopt(Buffer.from(s, 'utf8'));

void test('the default scrypt cost is strong', () => {
  assert.ok(DEFAULT_SCRYPT_COST.N >= 2 ** 18 && DEFAULT_SCRYPT_COST.r >= 8);
});

void test('enrollment seals keys that only the passphrase opens, and records scrypt parameters', async () => {
  const e = await enrollCustodian('cer', 'alice', pw('correct horse battery'), cost);
  assert.equal(e.sealedKeys.N, cost.N);
  assert.equal(e.sealedKeys.kdf, 'scrypt');
  await assert.rejects(unlockCustodian('cer', e, pw('wrong horse battery')), { code: 'PASSPHRASE_WRONG' });
  // Bound to its ceremony: the same blob does not open under another ceremony id.
  await assert.rejects(unlockCustodian('other', e, pw('correct horse battery')), {
    code: 'PASSPHRASE_WRONG',
  });
  const u = await unlockCustodian('cer', e, pw('correct horse battery'));
  const ch = {
    ceremonyId: 'cer',
    stepId: 'import' as const,
    facts: {},
    chainHead: '00',
    nonce: 'n',
    expiresAt: '2099-01-01T00:00:00Z',
  };
  const digest = challengeDigest(ch);
  const t = new QuorumTally({
    challenge: ch,
    enrolled: new Map([['alice', e.signingPublicKey]]),
    usedNonces: new Set(),
    now: () => new Date(),
  });
  t.add({
    custodianId: 'alice',
    publicKey: e.signingPublicKey,
    digest,
    nonce: 'n',
    signature: u.signDigest(digest),
  });
  t.assertMet(1);
  u.dispose();
  assert.throws(() => u.signDigest(digest));
});

void test('short passphrases are refused at enrollment', async () => {
  await assert.rejects(enrollCustodian('cer', 'a', pw('short'), cost), { code: 'PASSPHRASE_WEAK' });
});

void test('backup shares: each opens only for its holder, matches its commitment, and M of them rebuild the material', async () => {
  const people = await Promise.all(
    ['a', 'b', 'c'].map(async (id) => ({
      id,
      e: await enrollCustodian('cer', id, pw(`strong passphrase of ${id} 2026`), cost),
    })),
  );
  const raw = randomBytes(32);
  const expected = Buffer.from(raw);
  const material = SecretBuffer.adopt(raw);
  const files = await createSealedShares(
    'cer',
    material,
    'kcv123',
    people.map((p) => ({ custodianId: p.id, sharePublicKey: p.e.sharePublicKey })),
    2,
  );
  assert.equal(files.length, 3);
  for (const f of files) assert.ok(!JSON.stringify(f).includes(expected.toString('hex')));
  const unlocked = await Promise.all(
    people.map((p) => unlockCustodian('cer', p.e, pw(`strong passphrase of ${p.id} 2026`))),
  );
  // Wrong holder refused.
  assert.throws(() => openShare(files[0]!, unlocked[1]!, files[0]!.commitment), {
    code: 'SHARE_WRONG_HOLDER',
  });
  // A commitment other than the recorded one is refused (the share is not the one created).
  assert.throws(() => openShare(files[0]!, unlocked[0]!, 'ff'.repeat(32)), { code: 'SHARE_INCONSISTENT' });
  // A tampered ciphertext does not open.
  const bad = { ...files[1]!, ciphertext: Buffer.from('x'.repeat(33)).toString('base64') };
  assert.throws(() => openShare(bad, unlocked[1]!, files[1]!.commitment), { code: 'SHARE_UNREADABLE' });
  const opened = [
    openShare(files[0]!, unlocked[0]!, files[0]!.commitment),
    openShare(files[2]!, unlocked[2]!, files[2]!.commitment),
  ];
  const rebuilt = await combineShares(opened);
  assert.ok(rebuilt.use((b) => b.equals(expected)));
  for (const s of opened) s.dispose();
  rebuilt.dispose();
  material.dispose();
  for (const u of unlocked) u.dispose();
});

void test('split knowledge XORs components and disposes them', () => {
  const a = SecretBuffer.adopt(Buffer.from([0x0f, 0xf0, 0xaa]));
  const b = SecretBuffer.adopt(Buffer.from([0xff, 0xff, 0x0f]));
  const k = combineComponents([a, b]);
  assert.deepEqual(
    k.use((x) => [...x]),
    [0xf0, 0x0f, 0xa5],
  );
  assert.equal(a.disposed && b.disposed, true);
  const c = SecretBuffer.alloc(2);
  const d = SecretBuffer.alloc(3);
  assert.throws(() => combineComponents([c, d]), { code: 'SPLIT_KNOWLEDGE_LENGTH' });
  assert.equal(c.disposed && d.disposed, true);
});

void test('a sealed key swapped for another enrollment of the same person, or a damaged recorded key, is refused as a mismatch', async () => {
  const phrase = 'correct horse battery';
  // Same ceremony and id (so the blob opens), another key pair: the record's public key is not its key.
  const [c1, c2] = [
    await enrollCustodian('cer', 'alice', pw(phrase), cost),
    await enrollCustodian('cer', 'alice', pw(phrase), cost),
  ];
  await assert.rejects(unlockCustodian('cer', { ...c1, sealedKeys: c2.sealedKeys }, pw(phrase)), {
    code: 'CUSTODIAN_KEY_MISMATCH',
  });
  await assert.rejects(unlockCustodian('cer', { ...c1, signingPublicKey: 'AAAA' }, pw(phrase)), {
    code: 'CUSTODIAN_KEY_MISMATCH',
  });
  (await unlockCustodian('cer', c1, pw(phrase))).dispose();

  const [w1, w2] = [
    await enrollWitness('cer', 'wendy', pw(phrase), cost),
    await enrollWitness('cer', 'wendy', pw(phrase), cost),
  ];
  await assert.rejects(unlockWitness('cer', { ...w1, sealedKey: w2.sealedKey }, pw(phrase)), {
    code: 'WITNESS_KEY_MISMATCH',
  });
  await assert.rejects(unlockWitness('cer', { ...w1, publicKey: 'not base64 der' }, pw(phrase)), {
    code: 'WITNESS_KEY_MISMATCH',
  });
  (await unlockWitness('cer', w1, pw(phrase))).dispose();
});

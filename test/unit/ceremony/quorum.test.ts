import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import {
  QuorumTally,
  challengeDigest,
  type Confirmation,
  type ConfirmationChallenge,
  type QuorumContext,
} from '../../../src-shared/ceremony/confirmation.js';

function custodian(id: string) {
  const kp = generateKeyPairSync('ed25519');
  const publicKey = kp.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const confirm = (ch: ConfirmationChallenge): Confirmation => {
    const digest = challengeDigest(ch);
    return {
      custodianId: id,
      publicKey,
      digest,
      nonce: ch.nonce,
      signature: sign(null, Buffer.from(digest, 'hex'), kp.privateKey).toString('base64'),
    };
  };
  return { id, publicKey, confirm };
}

const alice = custodian('alice');
const bob = custodian('bob');
const carol = custodian('carol');
const mallory = custodian('mallory');
const now = new Date('2026-01-01T10:00:00Z');

const challenge: ConfirmationChallenge = {
  ceremonyId: 'cer-1',
  stepId: 'import',
  facts: {
    keyArn: 'arn:aws:kms:eu-west-1:111122223333:key/k1',
    kcv: 'abcdef',
    algorithm: 'RSAES_OAEP_SHA_256',
  },
  chainHead: 'aa'.repeat(32),
  nonce: 'n-1',
  expiresAt: '2026-01-01T10:10:00.000Z',
};

function ctx(over: Partial<QuorumContext> = {}): QuorumContext {
  return {
    challenge,
    enrolled: new Map([alice, bob, carol].map((c) => [c.id, c.publicKey])),
    usedNonces: new Set(),
    now: () => now,
    ...over,
  };
}

void test('M distinct valid confirmations meet the quorum', () => {
  const t = new QuorumTally(ctx());
  t.add(alice.confirm(challenge));
  assert.throws(() => t.assertMet(2), { code: 'QUORUM_NOT_MET' });
  t.add(bob.confirm(challenge));
  t.assertMet(2);
  assert.deepEqual(
    t.confirmations().map((c) => c.custodianId),
    ['alice', 'bob'],
  );
});

void test('a second confirmation from the same custodian is refused and does not count', () => {
  const t = new QuorumTally(ctx());
  t.add(alice.confirm(challenge));
  assert.throws(() => t.add(alice.confirm(challenge)), { code: 'CONFIRMATION_DUPLICATE' });
  assert.equal(t.count, 1);
  assert.throws(() => t.assertMet(2), { code: 'QUORUM_NOT_MET' });
});

void test('a confirmation whose nonce a step already used is refused as a replay', () => {
  const t = new QuorumTally(ctx({ usedNonces: new Set(['n-1']) }));
  assert.throws(() => t.add(alice.confirm(challenge)), { code: 'CONFIRMATION_REPLAYED' });
});

void test('a confirmation of a previous challenge cannot be replayed into the next one', () => {
  const next = { ...challenge, nonce: 'n-2', chainHead: 'bb'.repeat(32) };
  const t = new QuorumTally(ctx({ challenge: next, usedNonces: new Set(['n-1']) }));
  assert.throws(() => t.add(alice.confirm(challenge)), { code: 'CONFIRMATION_REPLAYED' });
});

void test('an expired challenge is refused', () => {
  const t = new QuorumTally(ctx({ now: () => new Date('2026-01-01T10:10:00Z') }));
  assert.throws(() => t.add(alice.confirm(challenge)), { code: 'CONFIRMATION_EXPIRED' });
});

for (const [what, changed] of [
  ['another step', { ...challenge, stepId: 'generate-material' as const }],
  ['another ceremony', { ...challenge, ceremonyId: 'cer-2' }],
  ['other facts (a different KCV)', { ...challenge, facts: { ...challenge.facts, kcv: '000000' } }],
  ['another chain head', { ...challenge, chainHead: 'cc'.repeat(32) }],
] as const) {
  void test(`a confirmation signed for ${what} is refused as the wrong digest`, () => {
    const t = new QuorumTally(ctx());
    assert.throws(() => t.add(alice.confirm(changed)), { code: 'CONFIRMATION_WRONG_DIGEST' });
  });
}

void test('a confirmation from a key that is not enrolled is refused', () => {
  const t = new QuorumTally(ctx());
  assert.throws(() => t.add(mallory.confirm(challenge)), { code: 'CONFIRMATION_UNKNOWN_KEY' });
  // Mallory claiming to be alice, with her own key:
  assert.throws(() => t.add({ ...mallory.confirm(challenge), custodianId: 'alice' }), {
    code: 'CONFIRMATION_UNKNOWN_KEY',
  });
});

void test('a forged signature under an enrolled key is refused', () => {
  const t = new QuorumTally(ctx());
  const forged = { ...mallory.confirm(challenge), custodianId: 'alice', publicKey: alice.publicKey };
  assert.throws(() => t.add(forged), { code: 'CONFIRMATION_BAD_SIGNATURE' });
  assert.throws(() => t.add({ ...alice.confirm(challenge), signature: 'AAAA' }), {
    code: 'CONFIRMATION_BAD_SIGNATURE',
  });
});

void test('refusal messages carry no signature or key bytes', () => {
  const t = new QuorumTally(ctx());
  const c = mallory.confirm(challenge);
  try {
    t.add(c);
    assert.fail('should refuse');
  } catch (e) {
    const text = JSON.stringify(e) + String(e);
    assert.ok(!text.includes(c.signature));
    assert.ok(!text.includes(c.publicKey));
  }
});

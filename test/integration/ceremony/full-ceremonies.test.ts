import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { verifyLog } from '../../../src-shared/audit/verify-log.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { fixturePlan, passphrasesFor, rehearse, tempDir, setIn, type PlanDoc } from './harness/ceremony.js';

let emu: RunningEmulator;
const tmp = tempDir('ceremonies');
void before(async () => {
  emu = await startEmulator();
});
void after(async () => {
  await emu.close();
  tmp.cleanup();
});

function assertLogIntact(dir: string): void {
  const log = loadLog(path.join(dir, 'audit.db'));
  const v = verifyLog(log);
  assert.equal(v.ok, true, JSON.stringify(v));
  assert.ok(log.records.some((r) => r.type === 'ceremony.closed'));
  // The final checkpoint covers every record but its own.
  assert.equal(log.checkpoints.at(-1)?.treeSize, log.records.length - 1);
}

let symmetricKcv = '';
const symmetricDir = path.join(tmp.dir, 'symmetric');

void test('symmetric, CSPRNG, 2-of-3 backup shares: a full rehearsal imports and verifies the key', async () => {
  const lines: string[] = [];
  const r = await rehearse(symmetricDir, defaultRehearsalPlan(), {
    endpoint: emu.url,
    passphrases: passphrasesFor(4),
    lines,
  });
  assert.match(r.keyArn, /^arn:aws:kms:us-east-1:111122223333:key\//);
  assert.match(r.checkValue, /^[0-9A-F]{6}$/);
  assert.equal(r.keyState, 'Enabled');
  symmetricKcv = r.checkValue;
  for (const f of [
    'audit.db',
    'report.html',
    'plan.json',
    'handover.txt',
    'shares/custodian-1.share.json',
    'shares/custodian-3.share.json',
  ])
    assert.ok(existsSync(path.join(symmetricDir, f)), f);
  const report = readFileSync(path.join(symmetricDir, 'report.html'), 'utf8');
  assert.ok(report.includes(r.keyArn) && report.includes(r.checkValue));
  assert.ok(lines.some((l) => l.startsWith('plan digest ')));
  assertLogIntact(symmetricDir);
});

void test('rehearse refuses a directory that is not empty', async () => {
  await assert.rejects(rehearse(symmetricDir, defaultRehearsalPlan(), { endpoint: emu.url }), {
    code: 'REHEARSAL_DIR_NOT_EMPTY',
  });
});

void test('existing material from backup shares: a quorum reconstitutes the same key into a new KMS key', async () => {
  assert.ok(symmetricKcv, 'runs after the symmetric ceremony');
  const plan = defaultRehearsalPlan() as PlanDoc;
  setIn(plan, 'name', 'Reimport from backup shares');
  setIn(plan, 'material', { mode: 'existing-shares', sharesDir: path.join(symmetricDir, 'shares') });
  setIn(plan, 'backup', { shares: false });
  setIn(plan, 'target.key.create.alias', 'alias/keyrite-from-shares');
  setIn(plan, 'guardedSteps', ['generate-material', 'import']);
  const dir = path.join(tmp.dir, 'from-shares');
  const r = await rehearse(dir, plan, { endpoint: emu.url, passphrases: passphrasesFor(4) });
  assert.equal(r.checkValue, symmetricKcv, 'the reconstituted material is the backed-up material');
  assert.equal(r.keyState, 'Enabled');
  assertLogIntact(dir);
});

void test('shares that do not belong together, or to the check value they claim, rebuild nothing', async () => {
  assert.ok(symmetricKcv, 'runs after the symmetric ceremony');
  const source = path.join(symmetricDir, 'shares');
  const attempt = async (name: string, edit: (file: string, doc: Record<string, unknown>) => void) => {
    const sharesDir = path.join(tmp.dir, `${name}-shares`);
    mkdirSync(sharesDir);
    for (const f of readdirSync(source).filter((n) => n.endsWith('.share.json'))) {
      const doc = JSON.parse(readFileSync(path.join(source, f), 'utf8')) as Record<string, unknown>;
      edit(f, doc);
      writeFileSync(path.join(sharesDir, f), JSON.stringify(doc));
    }
    const plan = defaultRehearsalPlan() as PlanDoc;
    setIn(plan, 'material', { mode: 'existing-shares', sharesDir });
    setIn(plan, 'backup', { shares: false });
    setIn(plan, 'target.key.create.alias', `alias/keyrite-${name}`);
    setIn(plan, 'guardedSteps', ['generate-material', 'import']);
    return rehearse(path.join(tmp.dir, name), plan, { endpoint: emu.url, passphrases: passphrasesFor(4) });
  };
  // One share claims another backup: refused when it is opened, before anything is combined.
  await assert.rejects(
    attempt('mixed', (f, doc) => {
      if (f.startsWith('custodian-2')) doc['materialKcv'] = 'ABCDEF';
    }),
    { code: 'SHARES_INCONSISTENT' },
  );
  // All shares claim a check value the rebuilt key does not have: the key is refused, not imported.
  await assert.rejects(
    attempt('wrong-kcv', (_f, doc) => {
      doc['materialKcv'] = 'ABCDEF';
    }),
    { code: 'SHARES_WRONG_MATERIAL' },
  );
});

void test('HMAC_256 from split knowledge: each custodian sees only their component KCV; KMS MAC matches', async () => {
  const notices: [string, string][] = [];
  const dir = path.join(tmp.dir, 'hmac');
  const plan = fixturePlan('hmac-split-knowledge.yaml') as PlanDoc;
  setIn(plan, 'expiration.validTo', new Date(Date.now() + 30 * 86400_000).toISOString());
  const r = await rehearse(dir, plan, {
    endpoint: emu.url,
    engine: { privateNotice: (id, msg) => notices.push([id, msg]) },
  });
  assert.equal(r.keyState, 'Enabled');
  assert.deepEqual(
    notices.map(([id]) => id),
    ['custodian-1', 'custodian-2'],
  );
  const log = loadLog(path.join(dir, 'audit.db'));
  const verified = log.records.find((x) => x.type === 'kms.verified');
  assert.match(String(verified?.payload['check']), /GenerateMac matches/);
  // Component KCVs are shown to their custodian only, never logged.
  for (const [, msg] of notices) {
    const kcv = msg.slice(-6);
    assert.ok(!readFileSync(path.join(dir, 'audit.db')).includes(Buffer.from(kcv)));
  }
  assertLogIntact(dir);
});

void test('ECC P-256 signing key with RSA_AES_KEY_WRAP and a cross-account grant', async () => {
  const dir = path.join(tmp.dir, 'ecc');
  const r = await rehearse(dir, fixturePlan('ecc-sign-grant.yaml'), { endpoint: emu.url });
  assert.equal(r.keyState, 'Enabled');
  assert.match(r.checkValue, /^[0-9a-f]{64}$/);
  const g = createKmsGateway({ region: 'us-east-1', endpoint: emu.url });
  try {
    const policy = (await g.getKeyPolicy(r.keyArn)).Policy ?? '';
    assert.ok(policy.includes('arn:aws:iam::444455556666:root'));
    // A signing key: the grantee gets what signing needs, not the encryption actions it could never use.
    const stmt = (JSON.parse(policy) as { Statement: { Sid?: string; Action: string[] }[] }).Statement.find(
      (s) => s.Sid === 'KeyriteGrant444455556666',
    );
    assert.deepEqual(stmt?.Action, ['kms:Sign', 'kms:Verify', 'kms:GetPublicKey', 'kms:DescribeKey']);
  } finally {
    g.close();
  }
  assert.ok(readFileSync(path.join(dir, 'handover.txt'), 'utf8').includes(r.keyArn));
  assertLogIntact(dir);
});

void test('RSA_2048 material from a file into an existing EXTERNAL key', async () => {
  const g = createKmsGateway({ region: 'us-east-1', endpoint: emu.url });
  let keyId: string;
  try {
    const k = await g.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', Origin: 'EXTERNAL' });
    keyId = k.KeyMetadata?.KeyId ?? '';
  } finally {
    g.close();
  }
  const base = path.join(tmp.dir, 'rsa-plan');
  mkdirSync(base);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(path.join(base, 'rsa-2048.pk8'), privateKey.export({ format: 'der', type: 'pkcs8' }));
  const plan = fixturePlan('rsa-existing-key.yaml') as PlanDoc;
  setIn(plan, 'target.key.existing.keyId', keyId);
  const dir = path.join(tmp.dir, 'rsa');
  const r = await rehearse(dir, plan, { endpoint: emu.url, planBase: base });
  assert.equal(r.keyState, 'Enabled');
  const log = loadLog(path.join(dir, 'audit.db'));
  assert.match(
    String(log.records.find((x) => x.type === 'kms.verified')?.payload['check']),
    /signature verifies/,
  );
  assertLogIntact(dir);
});

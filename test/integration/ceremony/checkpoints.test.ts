import { stationKeyAt } from '../audit/harness/fixture.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { openAuditDatabase } from '../../../src-main/audit/database.js';
import { openAuditStore } from '../../../src-main/audit/audit-store.js';
import { loadLog, type LoadedLog } from '../../../src-main/audit/load-log.js';
import { canonicalString } from '../../../src-shared/audit/canonical-json.js';
import { checkpointDigest, type SignedCheckpoint } from '../../../src-shared/audit/checkpoint.js';
import { publicKeyToBase64 } from '../../../src-shared/audit/keys.js';
import { computeRecordHash, type AuditRecord } from '../../../src-shared/audit/record.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { CeremonyService } from '../../../src-main/ceremony/ceremony-service.js';
import { kmsPortFromGateway } from '../../../src-main/kms/aws-kms-port.js';
import { createKmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { verifyLog } from '../../../src-shared/audit/verify-log.js';
import { cli } from '../audit/harness/fixture.js';
import {
  TEST_SCRYPT,
  passphrasesFor,
  rehearse,
  secretOf,
  setIn,
  tempDir,
  type PlanDoc,
} from './harness/ceremony.js';

let emu: RunningEmulator;
const tmp = tempDir('checkpoints');
const dir = path.join(tmp.dir, 'rehearsal');
let log: LoadedLog;

void before(async () => {
  emu = await startEmulator();
  await rehearse(dir, defaultRehearsalPlan(), { endpoint: emu.url, passphrases: passphrasesFor(4) });
  log = loadLog(path.join(dir, 'audit.db'));
});
void after(async () => {
  await emu.close();
  tmp.cleanup();
});

function checkpointAt(treeSize: number): SignedCheckpoint {
  const cp = log.checkpoints.find((c) => c.treeSize === treeSize);
  assert.ok(cp, `a checkpoint at tree size ${treeSize}`);
  return cp;
}

void test('a rehearsal signs a station checkpoint right after every completed step, the last after close', () => {
  const completed = log.records.filter((r) => r.type === 'step.completed');
  const started = new Set(
    log.records.filter((r) => r.type === 'step.started').map((r) => r.payload['stepId']),
  );
  assert.deepEqual(new Set(completed.map((r) => r.payload['stepId'])), started, 'every step run completes');
  assert.ok(started.has('import') && started.has('close') && completed.length >= 10);
  for (const r of completed) {
    const next = log.records[r.seq];
    assert.equal(next?.type, 'audit.checkpoint', `a checkpoint follows step ${String(r.payload['stepId'])}`);
    assert.equal(next.payload['treeSize'], r.seq);
    checkpointAt(r.seq);
  }
  const closed = log.records.find((r) => r.type === 'ceremony.closed');
  assert.ok(closed);
  assert.equal(log.checkpoints.at(-1)?.treeSize, log.records.length - 1);
  assert.ok(closed.seq < log.records.length - 1, 'the final checkpoint covers the close record');
});

void test('each confirming custodian co-signs the checkpoint taken when the request was issued', () => {
  const names = new Map<string, string>();
  const keys = new Map<string, string>();
  for (const r of log.records.filter((x) => x.type === 'participant.enrolled')) {
    names.set(String(r.payload['custodianId']), String(r.payload['name']));
    keys.set(String(r.payload['name']), String(r.payload['publicKey']));
  }
  const quorums = log.records.filter((r) => r.type === 'step.quorum-met');
  const plan = defaultRehearsalPlan() as { guardedSteps?: string[] };
  assert.deepEqual(
    quorums.map((q) => q.payload['stepId']),
    plan.guardedSteps ?? ['generate-material', 'backup-shares', 'import'],
  );
  let total = 0;
  for (const q of quorums) {
    const stepId = String(q.payload['stepId']);
    const challenge = log.records.filter((r) => r.type === 'step.challenge' && r.seq < q.seq).at(-1);
    assert.ok(challenge && challenge.payload['stepId'] === stepId);
    // The request is covered by a checkpoint taken at once.
    const cpRecord = log.records[challenge.seq];
    assert.equal(cpRecord?.type, 'audit.checkpoint', `a checkpoint follows the ${stepId} request`);
    const cp = checkpointAt(challenge.seq);
    const cosigs = log.records.filter(
      (r) => r.type === 'audit.cosignature' && r.seq > challenge.seq && r.seq < q.seq,
    );
    const custodians = q.payload['custodians'] as string[];
    assert.equal(custodians.length, 2, 'a 2-of-3 quorum');
    assert.deepEqual(
      cosigs.map((r) => r.payload['signer']).sort(),
      custodians.map((id) => names.get(id)).sort(),
      `one co-signature per confirming custodian of ${stepId}`,
    );
    for (const r of cosigs) {
      assert.equal(r.payload['treeSize'], cp.treeSize);
      assert.equal(r.payload['rootHash'], cp.rootHash);
      assert.equal(r.payload['publicKey'], keys.get(String(r.payload['signer'])));
      assert.notEqual(r.payload['signature'], undefined);
    }
    total += cosigs.length;
  }
  assert.equal(total, 6, 'two co-signatures for each of three guarded steps');
  assert.equal(log.records.filter((r) => r.type === 'audit.cosignature').length, total);
});

void test('keyrite audit verify passes on the rehearsal log; the report lists the co-signers', async () => {
  const r = await cli('audit', 'verify', path.join(dir, 'audit.db'));
  assert.equal(r.code, 0, r.out + r.err);
  const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
  const first = log.records.find((x) => x.type === 'audit.cosignature');
  assert.ok(first);
  assert.ok(
    html.includes(`${String(first.payload['signer'])}: valid, enrolled key (record ${first.seq})`),
    'the report lists the co-signer under its checkpoint',
  );
});

void test("the import and verify steps log KMS's KeyMaterialId", () => {
  const facts = (step: string): Record<string, unknown> =>
    log.records.find((r) => r.type === 'step.completed' && r.payload['stepId'] === step)?.payload[
      'facts'
    ] as Record<string, unknown>;
  assert.match(String(facts('import')['keyMaterialId']), /^[0-9a-f]{64}$/);
  assert.equal(facts('verify')['keyMaterialId'], facts('import')['keyMaterialId']);
});

/** A copy of the rehearsal log with one record appended directly, as someone with the file could. */
function forged(name: string, make: (l: LoadedLog) => Record<string, unknown>): { db: string; seq: number } {
  const db = path.join(tmp.dir, `${name}.db`);
  copyFileSync(path.join(dir, 'audit.db'), db);
  if (existsSync(path.join(dir, 'audit.db-wal'))) copyFileSync(path.join(dir, 'audit.db-wal'), `${db}-wal`);
  const last = log.records.at(-1) as AuditRecord;
  const payload = make(log);
  const custodianRecord = log.records.find((r) => r.type === 'audit.cosignature') as AuditRecord;
  const body = {
    seq: last.seq + 1,
    time: last.time,
    ceremonyId: last.ceremonyId,
    stationId: last.stationId,
    actor: custodianRecord.actor,
    type: 'audit.cosignature',
    payload,
    prevHash: last.hash,
  };
  const conn = openAuditDatabase(db);
  try {
    conn
      .prepare(
        'INSERT INTO records (seq, time, ceremony_id, station_id, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        body.seq,
        body.time,
        body.ceremonyId,
        body.stationId,
        body.actor,
        body.type,
        canonicalString(payload),
        body.prevHash,
        computeRecordHash(body),
      );
  } finally {
    conn.close();
  }
  return { db, seq: body.seq };
}

async function assertVerifyFailsAt(f: { db: string; seq: number }, why: RegExp): Promise<void> {
  const r = await cli('audit', 'verify', f.db);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, new RegExp(`first bad record: ${f.seq}\\b`));
  assert.match(r.out, new RegExp(`co-signature record ${f.seq}`));
  assert.match(r.out, why);
}

function realCosignature(l: LoadedLog): Record<string, unknown> {
  return { ...(l.records.find((r) => r.type === 'audit.cosignature') as AuditRecord).payload };
}

void test('a co-signature made with a key other than the enrolled one fails verify at that record', async () => {
  const pair = generateKeyPairSync('ed25519');
  const f = forged('wrong-key', (l) => {
    const real = realCosignature(l);
    const cp = checkpointAt(real['treeSize'] as number);
    return {
      ...real,
      publicKey: publicKeyToBase64(pair.publicKey),
      signature: sign(null, checkpointDigest(cp), pair.privateKey).toString('base64'),
    };
  });
  await assertVerifyFailsAt(f, /key other than the enrolled one/);
});

void test('a co-signature naming a checkpoint root that is not in the log fails verify at that record', async () => {
  const f = forged('wrong-root', (l) => ({
    ...realCosignature(l),
    rootHash: randomBytes(32).toString('hex'),
  }));
  await assertVerifyFailsAt(f, /names no checkpoint/);
});

void test('a real co-signature moved onto another checkpoint fails verify at that record', async () => {
  const f = forged('moved', (l) => {
    const real = realCosignature(l);
    const other = l.checkpoints.find((c) => c.treeSize !== real['treeSize']) as SignedCheckpoint;
    return { ...real, treeSize: other.treeSize, rootHash: other.rootHash };
  });
  await assertVerifyFailsAt(f, /does not verify over the digest/);
});

void test('a co-signature by a signer who never enrolled fails verify at that record', async () => {
  const pair = generateKeyPairSync('ed25519');
  const f = forged('not-enrolled', (l) => {
    const real = realCosignature(l);
    const cp = checkpointAt(real['treeSize'] as number);
    return {
      ...real,
      signer: 'Mallory',
      publicKey: publicKeyToBase64(pair.publicKey),
      signature: sign(null, checkpointDigest(cp), pair.privateKey).toString('base64'),
    };
  });
  await assertVerifyFailsAt(f, /Mallory is not enrolled/);
});

void test('the audit store refuses to append a co-signature that would fail verification', (t) => {
  const db = path.join(tmp.dir, 'store-refuses.db');
  copyFileSync(path.join(dir, 'audit.db'), db);
  const store = openAuditStore(db, { stationKey: stationKeyAt(`${dir}.station-key`) });
  t.after(() => store.close());
  const real = realCosignature(log);
  const ceremonyId = log.records.at(-1)?.ceremonyId ?? '';
  const append = (payload: Record<string, unknown>): unknown =>
    store.append({ ceremonyId, actor: 'custodian-1', type: 'audit.cosignature', payload });
  assert.throws(() => append({ ...real, rootHash: 'ab'.repeat(32) }), { code: 'AUDIT_RECORD_INVALID' });
  assert.throws(() => append({ ...real, signer: 'Mallory' }), { code: 'AUDIT_RECORD_INVALID' });
  const other = log.checkpoints.find((c) => c.treeSize !== real['treeSize']) as SignedCheckpoint;
  assert.throws(() => append({ ...real, treeSize: other.treeSize, rootHash: other.rootHash }), {
    code: 'AUDIT_RECORD_INVALID',
  });
});

void test('after a restart the custodians still co-sign the checkpoint of the open request, once each', async () => {
  const cdir = path.join(tmp.dir, 'restart');
  const pw = (id: string) => secretOf(Buffer.from(`passphrase-of-${id}`));
  const plan = defaultRehearsalPlan() as PlanDoc;
  setIn(plan, 'target.key.create.alias', undefined);
  const open = async (create: boolean): Promise<CeremonyService> => {
    const common = {
      dir: cdir,
      kms: kmsPortFromGateway(createKmsGateway({ region: 'us-east-1', endpoint: emu.url })),
      options: { scryptCost: TEST_SCRYPT, stationKey: stationKeyAt(`${cdir}.station-key`) },
    };
    return create
      ? CeremonyService.create({ ...common, planDoc: plan, planBase: tmp.dir })
      : CeremonyService.open(common);
  };
  let svc = await open(true);
  try {
    for (const id of ['custodian-1', 'custodian-2', 'custodian-3', 'witness-1']) await svc.enroll(id, pw(id));
    for (const s of ['enroll', 'preflight', 'create-key', 'import-parameters'] as const) await svc.runStep(s);
    svc.challenge('generate-material');
    await svc.confirm('generate-material', 'custodian-1', pw('custodian-1'));
    svc.dispose();
    svc = await open(false);
    await assert.rejects(svc.confirm('generate-material', 'custodian-1', pw('custodian-1')), {
      code: 'CONFIRMATION_DUPLICATE',
    });
    await svc.confirm('generate-material', 'custodian-2', pw('custodian-2'));
    await svc.runStep('generate-material');
  } finally {
    svc.dispose();
  }
  const l = loadLog(path.join(cdir, 'audit.db'));
  const challenge = l.records.find((r) => r.type === 'step.challenge');
  assert.ok(challenge);
  const cosigs = l.records.filter((r) => r.type === 'audit.cosignature');
  assert.deepEqual(
    cosigs.map((r) => [r.payload['signer'], r.payload['treeSize']]),
    [
      ['Rehearsal Custodian 1', challenge.seq],
      ['Rehearsal Custodian 2', challenge.seq],
    ],
  );
  const v = verifyLog(l);
  assert.equal(v.ok, true, JSON.stringify(v));
});

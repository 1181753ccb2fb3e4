import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { kmsPortFromGateway } from '../../../src-main/kms/aws-kms-port.js';
import { CeremonyService } from '../../../src-main/ceremony/ceremony-service.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { cli, stationKeyAt } from '../audit/harness/fixture.js';
import { Forger } from '../audit/harness/forger.js';
import { TEST_SCRYPT, secretOf, tempDir, setIn, type PlanDoc } from './harness/ceremony.js';

/*
 * Witnesses enroll their own keys and sign what they attest: the engine refuses a sign-off or an
 * exception without the witness's passphrase, records and backs off a wrong one like a custodian's,
 * and writes each statement signed over its place in the log; `audit verify` checks every signature
 * against the enrolled key and fails at a statement whose signature was moved or forged.
 */
let emu: RunningEmulator;
let svc: CeremonyService;
const tmp = tempDir('witness');
const dir = path.join(tmp.dir, 'c');
const stationKey = stationKeyAt(path.join(tmp.dir, 'station.key'));
let now = Date.now();
const clock = () => new Date(now);
const WITNESS_PASSPHRASE = 'lantern orbit velvet quarry for witness one';
const pw = (text: string) => secretOf(Buffer.from(text));

async function open(): Promise<CeremonyService> {
  return CeremonyService.open({
    dir,
    kms: kmsPortFromGateway(createKmsGateway({ region: 'us-east-1', endpoint: emu.url })),
    options: { scryptCost: TEST_SCRYPT, clock, stationKey },
  });
}

function records(type: string): Array<{ seq: number; actor: string; payload: Record<string, unknown> }> {
  const db = new Database(path.join(dir, 'audit.db'), { readonly: true });
  try {
    return (
      db.prepare('SELECT seq, actor, payload FROM records WHERE type = ? ORDER BY seq').all(type) as Array<{
        seq: number;
        actor: string;
        payload: string;
      }>
    ).map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
  } finally {
    db.close();
  }
}

void before(async () => {
  emu = await startEmulator();
  const plan = defaultRehearsalPlan() as PlanDoc;
  setIn(plan, 'target.key.create.alias', undefined);
  svc = await CeremonyService.create({
    dir,
    planDoc: plan,
    planBase: tmp.dir,
    kms: kmsPortFromGateway(createKmsGateway({ region: 'us-east-1', endpoint: emu.url })),
    options: { scryptCost: TEST_SCRYPT, clock, stationKey },
  });
});
void after(async () => {
  svc.dispose();
  await emu.close();
  tmp.cleanup();
});

void test('a witness enrolls a key under a passphrase the policy accepts; the log records the public key', async () => {
  await assert.rejects(svc.enroll('witness-1', pw('password12')), { code: 'PASSPHRASE_WEAK' });
  const r = await svc.enroll('witness-1', pw(WITNESS_PASSPHRASE));
  assert.match(r.publicKeyFingerprint, /^[0-9a-f]{64}$/);
  await assert.rejects(svc.enroll('witness-1', pw(WITNESS_PASSPHRASE)), { code: 'ALREADY_ENROLLED' });
  const [rec] = records('participant.enrolled');
  assert.equal(rec?.payload['role'], 'witness');
  assert.equal(rec?.payload['witnessId'], 'witness-1');
  assert.equal(rec?.payload['fingerprint'], r.publicKeyFingerprint);
  const file = readFileSync(path.join(dir, 'witnesses', 'witness-1.json'), 'utf8');
  assert.ok(!file.includes(WITNESS_PASSPHRASE) && /"sealedKey"/.test(file));
  const w = svc.view().participants.find((p) => p.id === 'witness-1');
  assert.equal(w?.enrolled, true);
  assert.equal(w?.publicKeyFingerprint, r.publicKeyFingerprint);
});

void test('no statement without the passphrase; a wrong one is recorded and backed off', async () => {
  await assert.rejects(svc.witnessSignOff('witness-1'), { code: 'WITNESS_PASSPHRASE_REQUIRED' });
  await assert.rejects(svc.witnessException('enroll', 'witness-1', 'seen'), {
    code: 'WITNESS_PASSPHRASE_REQUIRED',
  });
  await assert.rejects(
    svc.witnessException('enroll', 'witness-1', 'seen', pw('not the witness passphrase at all')),
    {
      code: 'PASSPHRASE_WRONG',
    },
  );
  const [refused] = records('step.passphrase-refused');
  assert.deepEqual(
    { ...refused?.payload, notBefore: undefined },
    { custodian: 'witness-1', stepId: 'enroll', purpose: 'witness', attempt: 1, notBefore: undefined },
  );
  assert.equal(refused?.actor, 'witness-1');
  await assert.rejects(svc.witnessException('enroll', 'witness-1', 'seen', pw(WITNESS_PASSPHRASE)), {
    code: 'PASSPHRASE_BACKOFF',
  });
  assert.equal(records('witness.exception').length, 0);
  assert.equal(records('ceremony.witness-signoff').length, 0);
});

void test('the witness signs the exception and the sign-off; audit verify checks both signatures', async () => {
  now += 2000;
  const view = await svc.witnessException(
    'enroll',
    'witness-1',
    '  Custodian 2 arrived late.  ',
    pw(WITNESS_PASSPHRASE),
  );
  assert.equal(view.steps.find((s) => s.id === 'enroll')?.exceptions[0]?.text, 'Custodian 2 arrived late.');
  await svc.witnessSignOff('witness-1', pw(WITNESS_PASSPHRASE));
  const [ex] = records('witness.exception');
  const [so] = records('ceremony.witness-signoff');
  for (const r of [ex, so]) {
    assert.match(String(r?.payload['signature']), /^[A-Za-z0-9+/]{86}==$/);
    assert.equal(r?.payload['publicKey'], records('participant.enrolled')[0]?.payload['publicKey']);
  }
  svc.dispose();
  // Reopened, the engine reads the witness's key back from the log and witnesses/witness-1.json.
  svc = await open();
  assert.equal(svc.witnessEnrolled('witness-1'), true);
  const v = await cli('audit', 'verify', path.join(dir, 'audit.db'));
  assert.equal(v.code, 0, v.err);
  const fp = String(records('participant.enrolled')[0]?.payload['fingerprint']);
  assert.match(
    v.out,
    new RegExp(
      `witness witness-1 exception at record ${ex?.seq}: signature verified \\(key fingerprint ${fp}\\)`,
    ),
  );
  assert.match(v.out, new RegExp(`witness witness-1 sign-off at record ${so?.seq}: signature verified`));
});

void test('a sign-off whose signature was moved from the exception fails audit verify at that record', async () => {
  svc.dispose();
  const copy = path.join(tmp.dir, 'forged.db');
  copyFileSync(path.join(dir, 'audit.db'), copy);
  svc = await open();
  const [ex] = records('witness.exception');
  const f = new Forger(copy);
  const station = new Database(copy, { readonly: true });
  const stationId = station
    .prepare('SELECT station_id FROM records ORDER BY seq DESC LIMIT 1')
    .pluck()
    .get() as string;
  station.close();
  f.append(stationId, svc.ceremonyId, 'witness-1', 'ceremony.witness-signoff', {
    witness: 'Rehearsal Witness',
    witnessId: 'witness-1',
    publicKey: ex?.payload['publicKey'],
    signature: ex?.payload['signature'],
  });
  const forgedSeq = f.last.seq;
  f.db.close();
  const v = await cli('audit', 'verify', copy);
  assert.equal(v.code, 1, v.out);
  const text = `${v.out}\n${v.err}`;
  assert.match(text, new RegExp(`record ${forgedSeq}\\b`));
  assert.match(text, /does not verify over this statement/);
});

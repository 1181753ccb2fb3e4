import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { CeremonyService } from '../../../src-main/ceremony/ceremony-service.js';
import { kmsPortFromGateway } from '../../../src-main/kms/aws-kms-port.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import type { StepId } from '../../../src-shared/ceremony/state-machine.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { TEST_SCRYPT, secretOf, setIn, tempDir, type PlanDoc } from './harness/ceremony.js';

let emu: RunningEmulator;
const tmp = tempDir('errors');
let now = Date.now();
const clock = () => new Date(now);
const pw = (id: string) => secretOf(Buffer.from(`passphrase-of-${id}`));

void before(async () => {
  emu = await startEmulator({ clock });
});
void after(async () => {
  await emu.close();
  tmp.cleanup();
});

async function newCeremony(name: string): Promise<CeremonyService> {
  const plan = defaultRehearsalPlan() as PlanDoc;
  setIn(plan, 'target.key.create.alias', undefined);
  setIn(plan, 'participants.witnesses', []);
  const svc = await CeremonyService.create({
    dir: path.join(tmp.dir, name),
    planDoc: plan,
    planBase: tmp.dir,
    kms: kmsPortFromGateway(createKmsGateway({ region: 'us-east-1', endpoint: emu.url })),
    options: { scryptCost: TEST_SCRYPT, clock },
  });
  for (const id of ['custodian-1', 'custodian-2', 'custodian-3']) await svc.enroll(id, pw(id));
  return svc;
}

async function step(svc: CeremonyService, id: StepId): Promise<void> {
  if (svc.isGuarded(id)) for (const c of ['custodian-1', 'custodian-2']) await svc.confirm(id, c, pw(c));
  if (id === 'verify-shares')
    for (const c of ['custodian-1', 'custodian-2', 'custodian-3']) await svc.verifyShare(c, pw(c));
  await svc.runStep(id);
}

void test('a failed step zeroes the material; the ceremony then regenerates instead of guessing', async () => {
  const svc = await newCeremony('disk-error');
  try {
    for (const s of ['enroll', 'preflight', 'create-key', 'import-parameters', 'generate-material'] as const)
      await step(svc, s);
    const firstKcv = svc.facts()['kcv'];
    // A file where the shares directory should be: writing the shares fails.
    const blocker = path.join(tmp.dir, 'disk-error', 'shares');
    writeFileSync(blocker, 'not a directory');
    await assert.rejects(step(svc, 'backup-shares'));
    assert.equal(svc.view().steps.find((s) => s.id === 'backup-shares')?.status, 'failed');
    rmSync(blocker);
    // The material is gone: retrying the shares step realigns to generate new material first.
    await assert.rejects(svc.runStep('backup-shares'), {
      code: 'CEREMONY_OUT_OF_ORDER',
      message: /generate-material/,
    });
    assert.ok(svc.recoveryAccount.some((l) => /material was lost before backup-shares/.test(l)));
    for (const s of [
      'generate-material',
      'backup-shares',
      'verify-shares',
      'wrap',
      'import',
      'verify',
      'handover',
      'close',
    ] as const)
      await step(svc, s);
    assert.equal(svc.facts()['keyState'], 'Enabled');
    assert.notEqual(svc.facts()['kcv'], firstKcv, 'new material, and it is the one verified');
  } finally {
    svc.dispose();
  }
});

void test('expired import parameters are refused before any material exists, and fetched again', async () => {
  const svc = await newCeremony('expired');
  try {
    for (const s of ['enroll', 'preflight', 'create-key', 'import-parameters'] as const) await step(svc, s);
    now += 25 * 3600 * 1000;
    await assert.rejects(svc.runStep('generate-material'), {
      code: 'CEREMONY_OUT_OF_ORDER',
      message: /import-parameters/,
    });
    for (const s of [
      'import-parameters',
      'generate-material',
      'backup-shares',
      'verify-shares',
      'wrap',
      'import',
      'verify',
    ] as const)
      await step(svc, s);
    assert.equal(svc.facts()['keyState'], 'Enabled');
    const log = loadLog(path.join(tmp.dir, 'expired', 'audit.db'));
    assert.equal(log.records.filter((r) => r.type === 'params.fetched').length, 2);
    assert.equal(
      log.records.filter((r) => r.type === 'material.kcv').length,
      1,
      'no material was made for the expired parameters',
    );
  } finally {
    svc.dispose();
  }
});

void test('pre-flight refuses a missing material file before any key is created', async () => {
  const plan = defaultRehearsalPlan() as PlanDoc;
  setIn(plan, 'target.key.create.alias', undefined);
  setIn(plan, 'participants.witnesses', []);
  setIn(plan, 'material', { mode: 'existing-file', file: 'no-such-key.bin' });
  const svc = await CeremonyService.create({
    dir: path.join(tmp.dir, 'no-file'),
    planDoc: plan,
    planBase: tmp.dir,
    kms: kmsPortFromGateway(createKmsGateway({ region: 'us-east-1', endpoint: emu.url })),
    options: { scryptCost: TEST_SCRYPT, clock },
  });
  try {
    for (const id of ['custodian-1', 'custodian-2', 'custodian-3']) await svc.enroll(id, pw(id));
    await svc.runStep('enroll');
    await assert.rejects(svc.runStep('preflight'), { code: 'PREFLIGHT_MATERIAL_FILE' });
    assert.equal(svc.facts()['keyArn'], undefined);
  } finally {
    svc.dispose();
  }
});

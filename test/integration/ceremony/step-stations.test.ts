import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { STEP_CATALOGUE, type StepId } from '../../../src-shared/ceremony/steps.js';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { CeremonyService } from '../../../src-main/ceremony/ceremony-service.js';
import { driveCeremony } from '../../../src-main/ceremony/ceremony-driver.js';
import { kmsPortFromGateway } from '../../../src-main/kms/aws-kms-port.js';
import type { KmsPort } from '../../../src-main/kms/kms-port.js';
import { passphraseHolders, RehearsalCustodians } from '../../../src-main/cli/rehearsal-custodians.js';
import { TEST_SCRYPT, fixturePlan, tempDir } from './harness/ceremony.js';

/*
 * The catalogue says which station runs each step; an air-gapped ceremony will rely on it. This runs
 * whole ceremonies with a KMS port that notes which step is running at every call, and checks that
 * only steps the catalogue marks `online` ever talk to KMS.
 */
let emu: RunningEmulator;
const tmp = tempDir('stations');
void before(async () => {
  emu = await startEmulator();
});
void after(async () => {
  await emu.close();
  tmp.cleanup();
});

interface Call {
  step: StepId | null;
  op: string;
}

function watched(port: KmsPort, current: () => StepId | null, calls: Call[]): KmsPort {
  return new Proxy(port, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function' || prop === 'close') return v;
      return (...args: unknown[]) => {
        calls.push({ step: current(), op: String(prop) });
        return Reflect.apply(v, target, args);
      };
    },
  });
}

for (const planFile of ['rehearsal-symmetric.yaml', 'ecc-sign-grant.yaml', 'hmac-split-knowledge.yaml']) {
  void test(`${planFile}: only online steps call KMS`, async () => {
    const doc = fixturePlan(planFile);
    const target = doc['target'] as { key: { create: { alias: string } } };
    target.key.create.alias = `alias/stations-${planFile.replace(/\W/g, '-')}`;
    if (planFile.startsWith('hmac'))
      (doc['expiration'] as { validTo: string }).validTo = new Date(
        Date.now() + 30 * 86_400_000,
      ).toISOString();
    let running: StepId | null = null;
    const calls: Call[] = [];
    const kms = watched(
      kmsPortFromGateway(createKmsGateway({ region: 'us-east-1', endpoint: emu.url })),
      () => running,
      calls,
    );
    const svc = await CeremonyService.create({
      dir: path.join(tmp.dir, planFile),
      planDoc: doc,
      planBase: tmp.dir,
      kms,
      options: {
        scryptCost: TEST_SCRYPT,
        componentSource: async (_id, length) => SecretBuffer.adopt(randomBytes(length)),
      },
    });
    svc.on('progress', (e) => {
      if (e.phase === 'started') running = e.stepId;
      if (e.phase === 'completed' || e.phase === 'failed') running = null;
    });
    const people = RehearsalCustodians.generate(passphraseHolders(svc.plan));
    try {
      await driveCeremony(
        svc,
        { passphrase: async (id) => people.passphrase(id), say: () => {} },
        { signOff: async () => true },
      );
    } finally {
      people.wipe();
      svc.dispose();
    }
    assert.equal(svc.closed, true);
    assert.ok(calls.length > 0);
    // A call between steps would be made by no step at all: also wrong.
    const offStation = calls.filter((c) => c.step === null || STEP_CATALOGUE[c.step].station !== 'online');
    assert.deepEqual(offStation, []);
  });
}

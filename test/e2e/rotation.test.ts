import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../src-main/emulator/index.js';
import { runRehearsal } from '../../src-main/cli/rehearsal.js';
import { createKmsGateway, type KmsGateway } from '../../src-main/kms/kms-gateway.js';
import { startHarness, type Harness } from './harness/harness.js';
import { lookAt } from './harness/look.js';
import { kmsCounter } from './harness/kms-counter.js';
import {
  FAST_ENGINE,
  driveByMouse,
  enrollAsShown,
  loadPlanByClicking,
  roomPlan,
  until,
} from './harness/room.js';

/**
 * A rotation ceremony through the app, as the room runs it: a key made by an earlier ceremony gets new
 * material, imported pending rotation and made current by the `rotate` step under quorum, every step
 * driven with the mouse by role and label against the real engine. KMS (an emulator the station is
 * pointed at) is asked afterwards which material is current.
 */
let h: Harness;
let emu: RunningEmulator;
let g: KmsGateway;
/** The station reaches the emulator through this counter: how often it asked KMS is part of the test. */
let counter: Awaited<ReturnType<typeof kmsCounter>>;
before(async () => {
  emu = await startEmulator();
  counter = await kmsCounter(emu.url);
  g = createKmsGateway({ region: 'us-east-1', endpoint: emu.url });
  h = await startHarness({
    viewport: { width: 1024, height: 700 },
    engine: FAST_ENGINE,
    ports: { kmsEndpoint: counter.url },
  });
});
after(async () => {
  await h.close();
  g.close();
  await counter.close();
  await emu.close();
});

const fast = { backup: { shares: false } };

void test('a rotation plan through the UI: the rotate step says what cannot be undone, and the new material is CURRENT', async () => {
  // The key an earlier import ceremony made (rehearsed headlessly against the same KMS).
  const first = await runRehearsal({
    out: path.join(h.dataDirectory, 'first'),
    planDoc: roomPlan({ ...fast, guardedSteps: ['import'] }),
    planBase: h.dataDirectory,
    endpoint: emu.url,
    engine: FAST_ENGINE,
    say: () => undefined,
  });
  const priorId = (await g.describeKey(first.keyArn)).KeyMetadata?.CurrentKeyMaterialId ?? '';
  assert.match(priorId, /^[0-9a-f]{64}$/);

  const page = await loadPlanByClicking(
    h,
    roomPlan({
      ...fast,
      name: 'Rotation of the rehearsal key, through the app',
      target: {
        provider: 'aws',
        region: 'us-east-1',
        accountId: '111122223333',
        key: { existing: { keyId: first.keyArn, keySpec: 'SYMMETRIC_DEFAULT' } },
      },
      guardedSteps: ['import', 'rotate'],
      rotate: {},
    }),
  );
  await enrollAsShown(h);
  let rotateShown = false;
  let importShown = false;
  await driveByMouse(h, {
    onStep: async (step) => {
      if (step.id === 'import') {
        // Staged, not bound: pending material can be deleted, and the key takes new material at each
        // rotation — the import of an import ceremony says "for good", this one says nothing final.
        importShown = true;
        assert.equal(await page.getByTestId('irreversible').count(), 0, 'a rotation’s import is not final');
      }
      if (step.id !== 'rotate') return;
      rotateShown = true;
      assert.equal(
        await page.getByTestId('irreversible').innerText(),
        'Cannot be undone. Rotating makes the new material current for every new encryption; KMS cannot make the earlier material current again (a later rotation needs new material).',
      );
      await lookAt(page, 'rotation-step-rotate', ['light'], { fullPage: false });
    },
  });
  assert.ok(rotateShown && importShown, 'the import and rotate steps were shown');
  const done = await until(h, 'completion', (v) => v.status === 'completed');
  assert.equal(done.steps.find((s) => s.id === 'rotate')?.status, 'done');
  assert.ok(!done.steps.some((s) => s.id === 'create-key'), 'a rotation creates no key');

  // KMS: new material current, the earlier one still there, no longer current.
  const now = (await g.describeKey(first.keyArn)).KeyMetadata?.CurrentKeyMaterialId ?? '';
  assert.match(now, /^[0-9a-f]{64}$/);
  assert.notEqual(now, priorId);

  // The screen, live from KMS: both materials, the new one CURRENT, each with its share set.
  await page.getByText(new RegExp(`^Live from KMS at .+: ${first.keyArn} \\(Enabled\\)$`)).waitFor();
  const rows = page.getByRole('table', { name: 'Key materials' }).getByRole('row');
  assert.equal(await rows.count(), 3, 'a header and two materials');
  const texts = [await rows.nth(1).innerText(), await rows.nth(2).innerText()];
  assert.ok(
    texts.some((t) => new RegExp(`^${now}\\s+CURRENT\\s+does not expire\\s+none: this ceremony`).test(t)),
    texts.join('\n'),
  );
  assert.ok(
    texts.some((t) =>
      new RegExp(`^${priorId}\\s+NON_CURRENT\\s+does not expire\\s+backup shares of ceremony cer-`).test(t),
    ),
    texts.join('\n'),
  );
  await lookAt(page, 'rotation-completed', ['light']);

  // KMS is asked on opening and on request, not on every change of the view: the prior material is
  // deleted behind the screen's back, the view changes (the report is saved), the list stays as it was
  // asked; "Ask KMS again" asks once and shows the material missing.
  const caption = page.getByText(/^Live from KMS at /);
  const askedAt = await caption.innerText();
  const listed = counter.seen('ListKeyRotations');
  await g.deleteImportedKeyMaterial({ KeyId: first.keyArn, KeyMaterialId: priorId });
  await page.getByRole('button', { name: 'Save the ceremony report…' }).click();
  await page.getByText(/^Report saved as /).waitFor();
  await page.getByRole('button', { name: 'Ask KMS again' }).click();
  await page.getByText(new RegExp(`^Live from KMS at .+: ${first.keyArn} \\(PendingImport\\)$`)).waitFor();
  assert.notEqual(await caption.innerText(), askedAt);
  assert.equal(
    counter.seen('ListKeyRotations'),
    listed + 1,
    'asked once: on request, not on the view change',
  );
  assert.match(
    await rows.filter({ hasText: priorId }).innerText(),
    /NON_CURRENT \(missing: deleted or expired\)/,
  );
  assert.deepEqual(h.pageErrors, []);
});

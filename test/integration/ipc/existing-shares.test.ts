import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { composeRehearsal } from './harness/compose-rehearsal.js';
import type { KeyriteServices } from '../../../src-main/ipc/services.js';
import type { CeremonyView } from '../../../src-shared/ipc/index.js';

/**
 * The composed services (what main.ts and the e2e harness run) carrying a key across two ceremonies:
 * a first one writes backup shares, a second rebuilds the material from two of them through
 * ceremony.openShare and imports it into a new key with the same check value.
 */
const data = mkdtempSync(path.join(tmpdir(), 'keyrite-ipc-shares-'));
after(() => rmSync(data, { recursive: true, force: true }));
const custodians = ['custodian-1', 'custodian-2', 'custodian-3'];
// Passphrases cross IPC as bytes; each call gets fresh ones, since main zeroes what it was sent.
const first = (id: string) => new TextEncoder().encode(`first ceremony passphrase of ${id}`);
const second = (id: string) => new TextEncoder().encode(`second ceremony passphrase of ${id}`);

async function drive(
  s: KeyriteServices,
  pass: (id: string) => Uint8Array,
  beforeGenerate?: () => Promise<void>,
): Promise<CeremonyView> {
  // Custodians and the witness enroll (the witness's key signs the sign-off).
  for (const id of [...custodians, 'witness-1'])
    await s['ceremony.enroll']({ custodianId: id, passphrase: pass(id) });
  for (let i = 0; i < 40; i++) {
    const v = await s['ceremony.state']({});
    if (v.status === 'completed') return v;
    const st = v.steps.find((x) => x.id === v.currentStepId);
    assert.ok(st);
    if (st.guarded && st.confirmedBy.length < 2) {
      const c = custodians.find((x) => !st.confirmedBy.includes(x)) as string;
      await s['ceremony.confirm']({ stepId: st.id, custodianId: c, passphrase: pass(c) });
      continue;
    }
    if (st.id === 'generate-material') await beforeGenerate?.();
    if (st.id === 'verify-shares')
      for (const c of custodians) await s['ceremony.verifyShare']({ custodianId: c, passphrase: pass(c) });
    if (st.id === 'close')
      await s['ceremony.witnessSignOff']({ witnessId: 'witness-1', passphrase: pass('witness-1') });
    await s['ceremony.runStep']({ stepId: st.id });
  }
  throw new Error('ceremony did not complete');
}

const kcvOf = (v: CeremonyView) => v.steps.find((s) => s.id === 'generate-material')?.facts.kcv;

void test('a key rebuilt from two backup shares through IPC operations has the original check value', async () => {
  const plan1 = path.join(data, 'plan-1.json');
  writeFileSync(plan1, JSON.stringify(defaultRehearsalPlan()));
  let planFile = plan1;
  const { services: s, close } = await composeRehearsal(data, () => planFile);
  try {
    assert.equal((await s['ceremony.loadPlan']({})).status, 'chosen');
    const done1 = await drive(s, first);
    const kcv = kcvOf(done1);
    assert.match(kcv ?? '', /^[0-9a-f]{6}$/);
    const ceremonies = readdirSync(path.join(data, 'ceremonies'));
    const sharesDir = path.join(data, 'ceremonies', ceremonies[0] as string, 'shares');
    assert.ok(existsSync(path.join(sharesDir, 'custodian-1.share.json')));

    const doc = defaultRehearsalPlan() as { target: { key: { create: { alias: string } } } } & Record<
      string,
      unknown
    >;
    doc.target.key.create.alias = 'alias/keyrite-rebuilt';
    planFile = path.join(data, 'plan-2.json');
    writeFileSync(
      planFile,
      JSON.stringify({ ...doc, material: { mode: 'existing-shares', sharesDir }, backup: { shares: false } }),
    );
    const loaded = await s['ceremony.loadPlan']({});
    assert.equal(loaded.status === 'chosen' && loaded.value.materialMode, 'existing-shares');

    const done2 = await drive(s, second, async () => {
      await assert.rejects(
        s['ceremony.openShare']({
          custodianId: 'custodian-1',
          passphrase: new TextEncoder().encode('wrong passphrase'),
        }),
        { code: 'PASSPHRASE_WRONG' },
      );
      // custodian-1 now waits out the back-off; two others open theirs.
      for (const id of ['custodian-2', 'custodian-3']) {
        const r = await s['ceremony.openShare']({ custodianId: id, passphrase: first(id) });
        assert.equal(r.checkValue.toLowerCase(), kcv);
      }
    });
    assert.equal(kcvOf(done2), kcv, 'the rebuilt material is the original');
    assert.notEqual(done2.ceremonyId, done1.ceremonyId);
  } finally {
    await close();
  }
});

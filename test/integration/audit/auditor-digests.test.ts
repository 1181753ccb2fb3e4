import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { passphrasesFor, rehearse, tempDir } from '../ceremony/harness/ceremony.js';

/*
 * The digests custodians sign and the plan digest the room compares must be recomputable by an auditor
 * from the documentation, with their own tools. auditor-digests.py does it with Python's standard
 * library from docs/FORMAT.md alone; every digest of a real rehearsal's log must match.
 */
let emu: RunningEmulator;
const tmp = tempDir('auditor-digests');
void before(async () => {
  emu = await startEmulator();
});
void after(async () => {
  await emu.close();
  tmp.cleanup();
});

void test("an auditor's own script recomputes the plan digest and every confirmation digest of a log", async () => {
  const dir = path.join(tmp.dir, 'ceremony');
  await rehearse(dir, defaultRehearsalPlan(), { endpoint: emu.url, passphrases: passphrasesFor(4) });
  const r = spawnSync(
    'python3',
    [path.join(__dirname, 'auditor-digests.py'), path.join(dir, 'audit.db'), path.join(dir, 'plan.json')],
    { encoding: 'utf8' },
  );
  assert.equal(r.error, undefined, 'python3 is needed for this test: apt-get install python3');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.filter((l) => l.startsWith('plan ')).length, 1);
  assert.ok(lines.filter((l) => l.startsWith('confirmation ')).length >= 3, r.stdout);
  for (const line of lines) {
    const [kind, recorded, recomputed] = line.split(' ');
    assert.match(recorded ?? '', /^[0-9a-f]{64}$/);
    assert.equal(recomputed, recorded, `${kind} digest`);
  }
});

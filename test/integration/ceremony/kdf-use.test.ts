// A whole rehearsal of the default plan derives each custodian's passphrase key exactly once per use
// (three enrollments, three share checks, two confirmations for each of the three guarded steps: 12;
// and the witness's key: enrolled once, opened once to sign the sign-off: 14),
// never twice for one step, and runs independent derivations concurrently. This file runs in its own
// process, so the KDF pool's figures are this rehearsal's alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runRehearsal } from '../../../src-main/cli/rehearsal.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { kdfStats } from '../../../src-main/secrets/kdf-pool.js';

void test('a rehearsal derives each custodian key once per use, independent ones at the same time', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-kdf-use-'));
  try {
    const lines: string[] = [];
    const before = kdfStats();
    assert.equal(before.derivations, 0);
    const r = await runRehearsal({
      out: path.join(dir, 'r'),
      planDoc: defaultRehearsalPlan(),
      planBase: dir,
      engine: { scryptCost: { N: 2 ** 12, r: 8, p: 1 } },
      say: (l) => lines.push(l),
    });
    assert.equal(r.keyState, 'Enabled');
    const plan = defaultRehearsalPlan() as { quorum: { m: number }; guardedSteps: string[] };
    const custodians = 3;
    const witnesses = 1;
    const uses =
      custodians /* enroll */ +
      custodians /* verify-shares */ +
      plan.guardedSteps.length * plan.quorum.m +
      witnesses * 2; /* the witness enrolls, then signs the sign-off */
    const s = kdfStats();
    assert.equal(s.derivations, uses, `derivations: ${s.derivations}, uses: ${uses}`);
    assert.ok(s.peakConcurrent >= 2, `derivations ran one at a time (peak ${s.peakConcurrent})`);
    assert.equal(s.peakBytes, s.peakConcurrent * 128 * 2 ** 12 * 8);
    // The room still hears people in plan order.
    const enrolled = lines
      .filter((l) => l.includes('enrolled custodian-'))
      .map((l) => l.trim().split(':')[0]);
    assert.deepEqual(enrolled, ['enrolled custodian-1', 'enrolled custodian-2', 'enrolled custodian-3']);
    const confirmed = lines.filter((l) => / confirmed \(\d\/2\)/.test(l)).map((l) => l.trim());
    assert.deepEqual(confirmed.slice(0, 2), ['custodian-1 confirmed (1/2)', 'custodian-2 confirmed (2/2)']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

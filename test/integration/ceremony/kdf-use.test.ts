// A whole rehearsal of the default plan derives each custodian's passphrase key exactly once per use
// (three enrollments, three share checks, two confirmations for each of the three guarded steps: 12;
// and the witness's key: enrolled once, opened once to sign the sign-off: 14),
// never twice for one step, and runs independent derivations concurrently. This file runs in its own
// process, so the KDF pool's figures are this rehearsal's alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runRehearsal } from '../../../src-main/cli/rehearsal.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { kdfStats } from '../../../src-main/secrets/kdf-pool.js';
import Database from 'better-sqlite3';

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
    // The rehearsal's passphrases are Keyrite's own (24 of 57 characters): the seal judged them by
    // their bits, never loading the strength estimator, and each enrollment record says so.
    const loaded = (pkg: string) =>
      Object.keys(require.cache).some((k) => k.includes(`/node_modules/${pkg}/`));
    assert.ok(!loaded('@zxcvbn-ts'), 'the strength estimator was loaded for generated passphrases');
    // Nor does an AWS rehearsal of the built-in plan read YAML or a ZIP: their parsers are not loaded.
    assert.deepEqual(
      ['yaml', 'fflate'].filter((pkg) => loaded(pkg)),
      [],
    );
    const db = new Database(path.join(dir, 'r', 'audit.db'), { readonly: true });
    const enrollments = (
      db.prepare("SELECT actor, payload FROM records WHERE type = 'participant.enrolled'").all() as {
        actor: string;
        payload: string;
      }[]
    ).map((row) => [row.actor, JSON.parse(row.payload).strength]);
    db.close();
    assert.equal(enrollments.length, custodians + witnesses);
    for (const [actor, strength] of enrollments)
      assert.deepEqual(strength, { origin: 'generated', method: 'characters', bits: 139 }, actor);
    const report = readFileSync(path.join(dir, 'r', 'report.html'), 'utf8');
    assert.equal(report.split('generated, 139 bits').length - 1, custodians + witnesses);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { composeRehearsal } from './harness/compose-rehearsal.js';

/**
 * A station has one identity: the key app.info shows is the key that signs every ceremony log the
 * app writes, not a fresh key per ceremony directory.
 */
void test('ceremonies run by the app are signed by the station key app.info shows', async (t) => {
  const data = mkdtempSync(path.join(tmpdir(), 'keyrite-ipc-station-'));
  t.after(() => rmSync(data, { recursive: true, force: true }));
  const plan = path.join(data, 'plan.json');
  writeFileSync(plan, JSON.stringify(defaultRehearsalPlan()));
  const { services: s, close } = await composeRehearsal(data, () => plan);
  try {
    const { stationId } = await s['app.info']({});
    assert.equal((await s['ceremony.loadPlan']({})).status, 'chosen');
    const [dir] = readdirSync(path.join(data, 'ceremonies'));
    assert.ok(dir);
    const ceremonyDir = path.join(data, 'ceremonies', dir);
    assert.equal(
      existsSync(path.join(ceremonyDir, 'station-ed25519.key')),
      false,
      'no per-ceremony station key',
    );
    const db = new Database(path.join(ceremonyDir, 'audit.db'), { readonly: true });
    try {
      const stations = db.prepare('SELECT DISTINCT station_id AS id FROM records').all() as Array<{
        id: string;
      }>;
      assert.deepEqual(
        stations.map((r) => r.id),
        [stationId],
      );
    } finally {
      db.close();
    }
  } finally {
    await close();
  }
});

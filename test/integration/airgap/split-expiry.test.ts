// Import parameters expire in the middle of a split ceremony: the online station wrote its request
// and waits for the response when the parameters run out. Reopened, it rewinds (nothing was imported:
// the key is PendingImport), fetches new parameters and writes a new request; the offline station
// answers the new one; the import uses the new token; both logs verify and join (the first request
// shown as superseded). One clock drives the stations and the emulator, so no one waits a day.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { isolatedEnv, keyriteSync } from '../cli/harness/launcher.js';
import { tempDir } from '../ceremony/harness/ceremony.js';
import { SplitRoom, splitPlan } from './harness/split.js';

let offset = 0;
const clock = () => new Date(Date.now() + offset);
let emu: RunningEmulator;
const tmp = tempDir('split-expiry');
void before(async () => {
  emu = await startEmulator({ clock });
});
void after(async () => {
  await emu.close();
  tmp.cleanup();
});

void test('parameters expire while the online station waits for the response: it rewinds, asks again, and imports with the new token', async () => {
  const r = new SplitRoom(path.join(tmp.dir, 'room'), emu.url, splitPlan(), clock);
  const first = await r.half('online');
  assert.equal(first.state, 'carry');
  const token1 = first.facts['importTokenDigest'];
  // A day and an hour later the request's parameters have expired before the medium was carried.
  offset = 25 * 3600_000;
  const again = await r.half('online');
  assert.equal(again.state, 'carry');
  assert.notEqual(again.facts['importTokenDigest'], token1, 'new import parameters were fetched');
  const onlineLog = path.join(r.dirs.online, 'audit.db');
  const recs = loadLog(onlineLog).records;
  assert.ok(
    recs.some((x) => x.type === 'step.rewound'),
    'the rewind is in the log',
  );
  const requests = recs.filter((x) => x.type === 'intent' && x.payload['action'] === 'media.write-bundle');
  assert.equal(requests.length, 2, 'a second request was written');
  const offline = await r.half('offline', { peerStation: first.svc.stationFingerprint });
  assert.equal(offline.state, 'closed');
  assert.equal(
    offline.facts['importTokenDigest'],
    again.facts['importTokenDigest'],
    'the offline station answered the new request',
  );
  const last = await r.half('online', { peerStation: offline.svc.stationFingerprint });
  assert.equal(last.state, 'closed');
  assert.equal(last.facts['keyState'], 'Enabled');
  const imported = loadLog(onlineLog).records.filter(
    (x) => x.type === 'intent' && x.payload['action'] === 'kms.import-key-material',
  );
  assert.equal(imported.length, 1);
  assert.equal(
    (imported[0]!.payload['details'] as Record<string, unknown>)['importTokenDigest'],
    again.facts['importTokenDigest'],
  );
  const join = keyriteSync(['audit', 'verify', onlineLog, '--join', path.join(r.dirs.offline, 'audit.db')], {
    cwd: tmp.dir,
    env: isolatedEnv(tmp.dir, { KEYRITE_TEST: '1' }),
  });
  assert.equal(join.code, 0, join.stdout + join.stderr);
  assert.match(
    join.stdout,
    /request bundle number 1: written by the online station, superseded by new import parameters/,
  );
  assert.match(
    join.stdout,
    /request bundle number 2: written by the online station, accepted by the offline station/,
  );
});

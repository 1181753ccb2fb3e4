// Import parameters expire in the middle of a split ceremony: the online station wrote its request
// and waits for the response when the parameters run out. Reopened, it rewinds (nothing was imported:
// the key is PendingImport), fetches new parameters and writes a new request; the offline station
// answers the new one; the import uses the new token; both logs verify and join (the first request
// shown as superseded). One clock drives the stations and the emulator, so no one waits a day.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { writeBundle } from '../../../src-main/media/bundle-dir.js';
import { MANIFEST_FILE } from '../../../src-shared/bundle/manifest.js';
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

/** A copy of `dir` re-signed by the online station with `edit` applied (a station-signed old or odd bundle). */
function resignedRequest(
  r: SplitRoom,
  dir: string,
  edit: (m: { sequence: number; createdAt: Date; expiresAt: Date }, files: Map<string, Buffer>) => void,
): string {
  const manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as {
    ceremonyId: string;
    planDigest: string;
    sequence: number;
    createdAt: string;
    expiresAt: string;
    files: { name: string }[];
  };
  const files = new Map(manifest.files.map((f) => [f.name, readFileSync(path.join(dir, f.name))]));
  const m = {
    sequence: manifest.sequence,
    createdAt: new Date(manifest.createdAt),
    expiresAt: new Date(manifest.expiresAt),
  };
  edit(m, files);
  const parent = path.join(tmp.dir, `resigned-${m.sequence}-${m.createdAt.getTime()}`);
  mkdirSync(parent);
  return writeBundle(
    parent,
    { kind: 'request', ceremonyId: manifest.ceremonyId, planDigest: manifest.planDigest, ...m, files },
    r.keys.online,
  ).dir;
}

void test('the offline station rewound by expired parameters refuses a replayed, rolled-back or expired request, each recorded with its digest', async () => {
  const r = new SplitRoom(path.join(tmp.dir, 'room2'), emu.url, splitPlan(), clock);
  (r.planDoc['target'] as { key: { create: { alias: string } } }).key.create.alias = 'alias/split-expiry-2';
  const first = await r.half('online');
  assert.equal(first.state, 'carry');
  // The offline station reads request 1 and enrolls; the room stops before the material is made.
  const stop = new Error('the room stops here');
  await assert.rejects(
    r.half('offline', {
      peerStation: first.svc.stationFingerprint,
      people: {
        passphrase: async (id, purpose) => {
          if (!purpose.startsWith('choose')) throw stop;
          return r.people.passphrase(id);
        },
        say: () => {},
      },
    }),
    (e) => e === stop,
  );
  // A day later its parameters have expired: reopened, the offline station rewinds and waits for a request.
  offset += 25 * 3600_000;
  const request1 = readdirSync(r.dirs.media).map((d) => path.join(r.dirs.media, d))[0]!;
  const digestOf = (dir: string) =>
    createHash('sha256')
      .update(readFileSync(path.join(dir, MANIFEST_FILE)))
      .digest('hex');
  const later = new Date(clock().getTime() + 3600_000);
  const attacks: [string, string][] = [
    // The very bundle it accepted before.
    [request1, 'BUNDLE_REPLAYED'],
    // Signed by the online station, numbered 1 again: an old bundle brought back.
    [
      resignedRequest(r, request1, (m) => (m.createdAt = new Date(m.createdAt.getTime() + 1000))),
      'BUNDLE_ROLLED_BACK',
    ],
    // Signed, numbered on, not expired itself, but its import parameters are.
    [
      resignedRequest(r, request1, (m) => {
        m.sequence = 9;
        m.expiresAt = later;
      }),
      'BUNDLE_PARAMS_EXPIRED',
    ],
  ];
  const svc = await r.open('offline');
  try {
    assert.equal(svc.bundleDue(), 'read-request', 'rewound: it waits for new import parameters');
    for (const [dir, code] of attacks)
      await assert.rejects(svc.readBundle(dir), (e: { code?: string }) => e.code === code, code);
    // Nor does a ceremony begun from a signed request take an unsigned console request now.
    const consoleFile = path.join(tmp.dir, 'console-request.json');
    writeFileSync(consoleFile, '{}');
    await assert.rejects(
      svc.readConsoleRequest(consoleFile),
      (e: { code?: string; message?: string }) =>
        e.code === 'BUNDLE_NOT_EXPECTED' && /reads only signed bundles/.test(e.message ?? ''),
    );
    assert.equal(svc.bundleDue(), 'read-request', 'nothing was taken in');
  } finally {
    svc.dispose();
  }
  const refused = loadLog(path.join(r.dirs.offline, 'audit.db')).records.filter(
    (x) => x.type === 'bundle.refused',
  );
  assert.deepEqual(
    refused.map((x) => [x.payload['code'], x.payload['bundleDigest']]),
    [...attacks.map(([dir, code]) => [code, digestOf(dir)]), ['BUNDLE_NOT_EXPECTED', undefined]],
  );
  assert.equal(readdirSync(r.dirs.media).filter((d) => d.includes('-response-')).length, 0, 'no response');
  assert.equal(
    (await r.kms().describeKey(first.facts['keyId']!)).keyState,
    'PendingImport',
    'nothing imported',
  );
});

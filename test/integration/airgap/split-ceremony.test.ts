// A split ceremony end to end through the engine, and the attacks on its bundles as the stations
// meet them: each refused with its code, recorded in the reading station's log, nothing imported.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { verifyDatabase } from '../../../src-main/audit/verify-database.js';
import { verifyJoined } from '../../../src-main/cli/commands/audit-join.js';
import { validatePlan } from '../../../src-shared/ceremony/plan.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { writeBundle } from '../../../src-main/media/bundle-dir.js';
import { encodeCanonical } from '../../../src-shared/audit/canonical-json.js';
import { BUNDLE_CAPS, MANIFEST_FILE, SIGNATURE_FILE } from '../../../src-shared/bundle/manifest.js';
import { tempDir } from '../ceremony/harness/ceremony.js';
import { ephemeralStationKey, type StationKey } from '../../../src-main/audit/station-key.js';
import { CeremonyService } from '../../../src-main/ceremony/ceremony-service.js';
import { OFFLINE_KMS_PORT } from '../../../src-main/kms/offline-kms-port.js';
import type { HalfOptions } from '../../../src-main/airgap/station-half.js';
import { SplitRoom, splitPlan } from './harness/split.js';

let emu: RunningEmulator;
const tmp = tempDir('split');
void before(async () => {
  emu = await startEmulator();
});
void after(async () => {
  await emu.close();
  tmp.cleanup();
});

let n = 0;
const room = (plan = splitPlan(), clock?: () => Date) =>
  new SplitRoom(path.join(tmp.dir, `room-${++n}`), emu.url, withAlias(plan, `alias/split-${n}`), clock);

/** Each room creates its own key: one emulator, one alias per key. */
function withAlias(plan: Record<string, unknown>, alias: string): Record<string, unknown> {
  const target = structuredClone(plan['target']) as { key: { create: { alias?: string } } };
  target.key.create.alias = alias;
  return { ...plan, target };
}

function recordTypes(db: string): { type: string; payload: Record<string, unknown> }[] {
  assert.ok(verifyDatabase(db).result.ok, `${db} does not verify`);
  return loadLog(db).records.map((r) => ({ type: r.type, payload: r.payload }));
}

const bundles = (r: SplitRoom, kind: string) =>
  readdirSync(r.dirs.media)
    .filter((d) => d.includes(`-${kind}-`))
    .map((d) => path.join(r.dirs.media, d));

void test('online → request → offline (no KMS) → response → online: imported, verified, closed; first-request attacks refused and recorded before the offline ceremony', async () => {
  const r = room();
  const first = await r.half('online');
  assert.equal(first.state, 'carry');
  assert.equal(first.facts['keyState'], undefined);
  // Attacks on the first request: recorded in the offline log before its ceremony; then the genuine one.
  const { before, genuine } = await refusedFirstRequests(r, first.svc.stationFingerprint);
  const offline = await r.half('offline', { peerStation: first.svc.stationFingerprint });
  assert.equal(offline.svc.ceremonyId, first.svc.ceremonyId);
  assert.equal(offline.state, 'closed');
  assert.equal(offline.svc.peerStation, first.svc.stationFingerprint);
  const last = await r.half('online', { peerStation: offline.svc.stationFingerprint });
  assert.equal(last.state, 'closed');
  assert.equal(last.facts['keyState'], 'Enabled');
  assert.equal(last.facts['kcv'], offline.facts['kcv']);
  assert.notEqual(first.svc.stationFingerprint, offline.svc.stationFingerprint);
  // Both logs verify, and each records the other's bundle digest as accepted and its own as written.
  const on = recordTypes(path.join(r.dirs.online, 'audit.db'));
  const off = recordTypes(path.join(r.dirs.offline, 'audit.db'));
  const written = (recs: typeof on) =>
    recs
      .filter((x) => x.type === 'outcome' && x.payload['action'] === 'media.write-bundle')
      .map((x) => (x.payload['details'] as { bundleDigest: string }).bundleDigest);
  const accepted = (recs: typeof on) =>
    recs.filter((x) => x.type === 'bundle.accepted').map((x) => x.payload['bundleDigest']);
  assert.deepEqual(accepted(off), written(on));
  assert.deepEqual(accepted(on), written(off));
  assert.equal(off.filter((x) => x.type.startsWith('kms.')).length, 0, 'the offline log holds no KMS call');
  // The offline station never sent material to KMS: its log has no import, the online one has one.
  assert.ok(on.some((x) => x.type === 'intent' && x.payload['action'] === 'kms.import-key-material'));
  // The ceremony continued the log of refusals, and the two logs still join.
  assert.deepEqual(
    off.slice(0, before.length).map((x) => x.type),
    before.map((x) => x.type),
    'the ceremony continues the log of refusals',
  );
  assert.equal(accepted(off)[0], genuine);
  const out: string[] = [];
  const joined = verifyJoined(
    [path.join(r.dirs.online, 'audit.db'), path.join(r.dirs.offline, 'audit.db')],
    undefined,
    'quick',
    false,
    { out: (l) => out.push(l), err: (l) => out.push(l) },
  );
  assert.equal(joined, 0, out.join('\n'));
  assert.match(out.join('\n'), /split ceremony joined/);
});

/**
 * Attacks on the offline station's FIRST request, each on its own medium: refused with its code and
 * recorded in the station's log before any ceremony began, nothing written to the medium. Returns the
 * log's records after them (the genuine request then starts the ceremony in that same log).
 */
async function refusedFirstRequests(r: SplitRoom, online: string) {
  const request = bundles(r, 'request')[0]!;
  const genuine = digestOf(request);
  /** Each attack on its own medium, as people would carry it: the bundle alone in a folder. */
  const medium = (name: string, change: (d: string) => void = () => {}) => {
    const m = path.join(tmp.dir, `first-${n}-${name}`);
    const d = path.join(m, path.basename(request));
    cpSync(request, d, { recursive: true });
    change(d);
    return m;
  };
  const later = new Date(Date.now() + 25 * 3600_000);
  const edited = withAlias(splitPlan({ name: 'an edited plan' }), `alias/split-${n}`);
  const attacks: { code: string; media: string; digest: string | null; over?: Partial<HalfOptions> }[] = [
    {
      code: 'BUNDLE_FILE_DIGEST',
      digest: genuine,
      media: medium('flip', (d) => {
        const f = path.join(d, 'ImportToken.bin');
        const bytes = readFileSync(f);
        bytes[3]! ^= 0x01;
        writeFileSync(f, bytes);
      }),
    },
    {
      code: 'BUNDLE_FILE_SIZE',
      digest: genuine,
      media: medium('trunc', (d) =>
        truncateSync(path.join(d, 'request.json'), readFileSync(path.join(d, 'request.json')).length - 9),
      ),
    },
    {
      code: 'BUNDLE_UNKNOWN_STATION',
      digest: null,
      media: medium('station'),
      over: { peerStation: 'f'.repeat(64) },
    },
    { code: 'BUNDLE_OTHER_PLAN', digest: genuine, media: medium('plan'), over: { planDoc: edited } },
  ];
  // Expired import parameters: a bundle signed by the online station to outlive them, read a day later.
  const expired = medium('expired');
  rmSync(path.join(expired, path.basename(request)), { recursive: true });
  const resigned = resignedBundle(bundles(r, 'request')[0]!, r.keys.online, expired, (m) => {
    m.expiresAt = new Date(later.getTime() + 3600_000);
  });
  attacks.push({
    code: 'BUNDLE_PARAMS_EXPIRED',
    digest: digestOf(resigned),
    media: expired,
    over: { engine: { ...r.engine('offline'), clock: () => later } },
  });
  const db = path.join(r.dirs.offline, 'audit.db');
  for (const a of attacks) {
    const before = readdirSync(a.media);
    const said = r.lines.length;
    await assert.rejects(r.half('offline', { peerStation: online, media: a.media, ...a.over }), {
      code: a.code,
    });
    assert.deepEqual(readdirSync(a.media), before, `${a.code}: nothing written to the medium`);
    assert.match(r.lines.slice(said).join('\n'), /the refusal is recorded in .*audit\.db/);
    const refused = loadLog(db).records.filter((x) => x.type === 'bundle.refused');
    const last = refused.at(-1)!;
    assert.equal(last.payload['code'], a.code);
    assert.equal(last.payload['bundleDigest'], a.digest ?? undefined, `${a.code}: the bundle's digest`);
    assert.equal(
      last.payload['planDigest'],
      validatePlan(a.over?.planDoc ?? r.planDoc).digest,
      `${a.code}: the plan it was read under`,
    );
    assert.equal(last.ceremonyId, '', 'recorded before any ceremony began');
  }
  // A station with another key cannot write this log: the refusal is said, and that it is NOT recorded.
  await assert.rejects(
    CeremonyService.createOffline({
      dir: r.dirs.offline,
      planDoc: r.planDoc,
      planBase: r.dirs.offline,
      kms: OFFLINE_KMS_PORT,
      requestDir: path.join(medium('other-key'), path.basename(request)),
      peerStation: 'f'.repeat(64),
      options: { ...r.engine('offline'), stationKey: ephemeralStationKey() },
    }),
    (e: Error & { code?: string }) =>
      e.code === 'BUNDLE_UNKNOWN_STATION' &&
      /could NOT be recorded in .*audit\.db: .*\(AUDIT_STATION_MISMATCH\)/.test(e.message),
  );
  const before = loadLog(db).records;
  assert.ok(verifyDatabase(db).result.ok, 'the log of refusals verifies');
  assert.equal(before.filter((x) => x.type === 'bundle.refused').length, attacks.length);
  assert.equal(before.filter((x) => x.type === 'ceremony.started').length, 0, 'no ceremony began');
  assert.equal(existsSync(path.join(r.dirs.offline, 'plan.json')), false);
  return { before, genuine: digestOf(request) };
}

/** Runs to the point where the online station waits for the response; returns the room and the response dir. */
async function awaitingResponse(plan = splitPlan()) {
  const r = room(plan);
  const first = await r.half('online');
  await r.half('offline', { peerStation: first.svc.stationFingerprint });
  const [response] = bundles(r, 'response');
  return { r, response: response!, online: first.svc.stationFingerprint };
}

/** The digest a bundle is known by: SHA-256 of its manifest.json. */
const digestOf = (dir: string) =>
  createHash('sha256')
    .update(readFileSync(path.join(dir, MANIFEST_FILE)))
    .digest('hex');

async function refusedOnline(
  r: SplitRoom,
  dir: string,
  code: string,
  pin?: string,
  /** The bundle digest the refusal must record (its signed manifest was read), or null for none. */
  digest?: string | null,
): Promise<void> {
  const svc = await r.open('online');
  try {
    await assert.rejects(svc.readBundle(dir, pin), (e: { code: string }) => {
      assert.equal(e.code, code);
      return true;
    });
    assert.equal(svc.bundleDue(), 'read-response', 'still waiting: nothing was taken in');
    const refused = recordTypes(path.join(r.dirs.online, 'audit.db')).filter(
      (x) => x.type === 'bundle.refused',
    );
    assert.equal(refused.at(-1)?.payload['code'], code, 'the refusal is in the online log');
    if (digest !== undefined) assert.equal(refused.at(-1)?.payload['bundleDigest'], digest ?? undefined);
    const keyId = svc.facts().keyId!;
    const k = await r.kms().describeKey(keyId);
    assert.equal(k.keyState, 'PendingImport', 'nothing was imported');
  } finally {
    svc.dispose();
  }
}

void test('a tampered, truncated or extended response is refused and recorded; the key stays PendingImport', async () => {
  const { r, response } = await awaitingResponse();
  const copy = (name: string) => {
    const d = path.join(r.dirs.media, `attack-${name}`);
    cpSync(response, d, { recursive: true });
    return d;
  };
  const flipped = copy('flip');
  const f = path.join(flipped, 'EncryptedKeyMaterial.bin');
  const bytes = readFileSync(f);
  bytes[7]! ^= 0x80;
  writeFileSync(f, bytes);
  await refusedOnline(r, flipped, 'BUNDLE_FILE_DIGEST', undefined, digestOf(response));
  const truncated = copy('trunc');
  writeFileSync(
    path.join(truncated, 'response.json'),
    readFileSync(path.join(truncated, 'response.json')).subarray(0, 40),
  );
  await refusedOnline(r, truncated, 'BUNDLE_FILE_SIZE');
  const extra = copy('extra');
  writeFileSync(path.join(extra, 'EncryptedKeyMaterial2.bin'), 'x');
  await refusedOnline(r, extra, 'BUNDLE_EXTRA_FILE');
  const missing = copy('missing');
  rmSync(path.join(missing, 'custodian-custodian-1.json'));
  await refusedOnline(r, missing, 'BUNDLE_MISSING_FILE', undefined, digestOf(response));
  // Oversized: a file over the cap is refused from the listing, before a byte of it is read.
  const big = copy('big');
  truncateSync(path.join(big, 'EncryptedKeyMaterial.bin'), BUNDLE_CAPS.fileBytes + 1);
  await refusedOnline(r, big, 'BUNDLE_TOO_LARGE', undefined, null);
  // Mixed from two bundles: the response's files under the request's signature.
  const mixed = copy('mixed');
  cpSync(path.join(bundles(r, 'request')[0]!, SIGNATURE_FILE), path.join(mixed, SIGNATURE_FILE));
  await refusedOnline(r, mixed, 'BUNDLE_SIGNATURE_INVALID', undefined, null);
  // And the genuine response is still accepted afterwards.
  const svc = await r.open('online');
  try {
    await svc.readBundle(response);
    assert.equal(svc.bundleDue(), null);
  } finally {
    svc.dispose();
  }
});

void test('a response from an unknown station, or made under another plan, is refused and recorded', async () => {
  const { r, response } = await awaitingResponse();
  // The people read aloud another fingerprint than the one that signed.
  await refusedOnline(r, response, 'BUNDLE_UNKNOWN_STATION', 'f'.repeat(64));
  // A second offline station runs the same request under an edited plan: its response names that plan.
  const other = new SplitRoom(
    path.join(tmp.dir, `room-${++n}-other`),
    emu.url,
    splitPlan({ name: 'an edited plan' }),
  );
  cpSync(bundles(r, 'request')[0]!, path.join(other.dirs.media, path.basename(bundles(r, 'request')[0]!)), {
    recursive: true,
  });
  await assert.rejects(other.half('offline'), { code: 'BUNDLE_OTHER_PLAN' });
});

void test('a request is read once: a replayed or second response is refused once the response was taken in', async () => {
  const { r, response, online } = await awaitingResponse();
  const svc = await r.open('online');
  try {
    await svc.readBundle(response, undefined);
    await assert.rejects(svc.readBundle(response), { code: 'BUNDLE_NOT_EXPECTED' });
  } finally {
    svc.dispose();
  }
  assert.ok(online);
});

/** The offline station's response re-signed with its own key after `edit` changed its files. */
function resignedResponse(
  r: SplitRoom,
  response: string,
  edit: (files: Map<string, Buffer>) => void,
): string {
  const manifest = JSON.parse(readFileSync(path.join(response, MANIFEST_FILE), 'utf8')) as {
    ceremonyId: string;
    planDigest: string;
    sequence: number;
    createdAt: string;
    expiresAt: string;
    files: { name: string }[];
  };
  const files = new Map(manifest.files.map((f) => [f.name, readFileSync(path.join(response, f.name))]));
  edit(files);
  const parent = path.join(r.dirs.media, '..', `resigned-${++n}`);
  mkdirSync(parent);
  return writeBundle(
    parent,
    {
      kind: 'response',
      ceremonyId: manifest.ceremonyId,
      planDigest: manifest.planDigest,
      sequence: manifest.sequence,
      createdAt: new Date(manifest.createdAt),
      expiresAt: new Date(manifest.expiresAt),
      files,
    },
    r.keys.offline,
  ).dir;
}

void test('issue 12: witness keys travel in the response; the online station binds them, refuses unsigned statements and its sign-off is signed', async () => {
  const r = room();
  const first = await r.half('online');
  const early = await r.open('online');
  try {
    // Before the response, no witness key is here: nothing unsigned is taken.
    await assert.rejects(early.witnessSignOff('witness-1'), { code: 'WITNESS_NOT_ENROLLED' });
    await assert.rejects(early.witnessException('preflight', 'witness-1', 'the door was open'), {
      code: 'WITNESS_NOT_ENROLLED',
    });
  } finally {
    early.dispose();
  }
  const off = await r.half('offline', { peerStation: first.svc.stationFingerprint });
  const [response] = bundles(r, 'response');
  // A response re-signed by the offline station itself but without the witness's key is refused.
  const noWitness = resignedResponse(r, response!, (files) => {
    const content = JSON.parse(files.get('response.json')!.toString('utf8')) as Record<string, unknown>;
    files.set('response.json', encodeCanonical({ ...content, witnesses: [] }));
    files.delete('witness-witness-1.json');
  });
  await refusedOnline(r, noWitness, 'BUNDLE_CONTENT_MISMATCH', off.svc.stationFingerprint);
  const svc = await r.open('online');
  try {
    await svc.readBundle(response!, off.svc.stationFingerprint);
    await assert.rejects(svc.witnessSignOff('witness-1'), { code: 'WITNESS_PASSPHRASE_REQUIRED' });
  } finally {
    svc.dispose();
  }
  const last = await r.half('online');
  assert.equal(last.state, 'closed');
  const keyOf = (db: string) =>
    loadLog(db).records.find((x) => x.type === 'participant.enrolled' && x.payload['role'] === 'witness')
      ?.payload['publicKey'];
  const online = path.join(r.dirs.online, 'audit.db');
  assert.equal(
    keyOf(online),
    keyOf(path.join(r.dirs.offline, 'audit.db')),
    'the online log binds the key enrolled offline',
  );
  const v = verifyDatabase(online).result;
  assert.ok(v.ok);
  const signoffs = v.witnessStatements.filter((w) => w.kind === 'signoff');
  assert.equal(signoffs.length, 1);
  assert.ok(signoffs[0]!.fingerprint, 'the online sign-off is signed with the witness key');
});

void test('material from a file in a split ceremony: only the offline station asks for the file; the online room never needs it', async () => {
  const r = room(splitPlan({ material: { mode: 'existing-file', file: 'material.bin' } }));
  // Each room's copy of the plan sits in its own folder; only the offline room has the material beside it.
  const bases = {
    online: path.join(r.dirs.media, '..', 'online-plan'),
    offline: path.join(r.dirs.media, '..', 'offline-plan'),
  };
  for (const d of Object.values(bases)) mkdirSync(d);
  const first = await r.half('online', { planBase: bases.online });
  assert.equal(first.state, 'carry', 'the online station goes on without the material file');
  const peer = { peerStation: first.svc.stationFingerprint };
  await assert.rejects(
    r.half('offline', { planBase: bases.offline, ...peer }),
    (e: Error & { code?: string }) =>
      e.code === 'PREFLIGHT_MATERIAL_FILE' && /material\.bin does not exist/.test(e.message),
  );
  assert.equal(existsSync(path.join(r.dirs.offline, 'audit.db')), false, 'refused before anyone enrolled');
  writeFileSync(path.join(bases.offline, 'material.bin'), randomBytes(32));
  const offline = await r.half('offline', { planBase: bases.offline, ...peer });
  assert.equal(offline.state, 'closed');
  const last = await r.half('online', {
    planBase: bases.online,
    peerStation: offline.svc.stationFingerprint,
  });
  assert.equal(last.facts['keyState'], 'Enabled');
  assert.equal(last.facts['kcv'], offline.facts['kcv']);
  assert.deepEqual(readdirSync(bases.online), [], 'nothing of the material reached the online room');
});

/** A copy of `dir` signed again by `key` into `parent`, after `edit` changed its manifest's numbers. */
function resignedBundle(
  dir: string,
  key: StationKey,
  parent: string,
  edit: (m: { sequence: number; createdAt: Date; expiresAt: Date }) => void,
): string {
  const manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as {
    kind: 'request' | 'response';
    ceremonyId: string;
    planDigest: string;
    sequence: number;
    createdAt: string;
    expiresAt: string;
    files: { name: string }[];
  };
  const m = {
    sequence: manifest.sequence,
    createdAt: new Date(manifest.createdAt),
    expiresAt: new Date(manifest.expiresAt),
  };
  edit(m);
  const files = new Map(manifest.files.map((f) => [f.name, readFileSync(path.join(dir, f.name))]));
  const { kind, ceremonyId, planDigest } = manifest;
  return writeBundle(parent, { kind, ceremonyId, planDigest, ...m, files }, key).dir;
}

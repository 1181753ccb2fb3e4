// `keyrite audit verify A.db --join B.db` through the real launcher: one ceremony across the two
// stations' logs. A real air-gapped rehearsal joins, and so does an air-gapped rotation; two different
// ceremonies do not; and logs forged
// by someone holding a station key (each still verifying on its own) are caught by the join, naming
// the bundle by kind, number and digest.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway, type KmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { verifyDatabase } from '../../../src-main/audit/verify-database.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import { isolatedEnv, keyrite as keyriteAsync, keyriteSync } from '../cli/harness/launcher.js';
import { fixturePlan, setIn, tempDir, type PlanDoc } from '../ceremony/harness/ceremony.js';
import { keyWithImportedMaterial } from '../ceremony/harness/imported-key.js';
import { SplitRoom, splitPlan } from './harness/split.js';
import { forgeTail, forkLog } from './harness/log-fork.js';

const tmp = tempDir('join-cli');
let emu: RunningEmulator;
let g: KmsGateway;
void before(async () => {
  emu = await startEmulator();
  g = createKmsGateway({ region: 'us-east-1', endpoint: emu.url });
});
void after(async () => {
  g.close();
  await emu.close();
  tmp.cleanup();
});

const env = () => isolatedEnv(tmp.dir, { KEYRITE_TEST: '1', KEYRITE_TEST_SCRYPT_LOG2N: '10' });
const keyrite = (...args: string[]) => keyriteSync(args, { cwd: tmp.dir, env: env() });

/** `keyrite rehearse --air-gapped` as a person runs it; returns its directory and station fingerprints. */
function rehearseSplit(name: string): { dir: string; online: string; offline: string } {
  const dir = path.join(tmp.dir, name);
  const r = keyrite('rehearse', '--air-gapped', '--out', dir);
  assert.equal(r.code, 0, r.stderr);
  const online = /online station: +([0-9a-f]{64})/.exec(r.stdout)?.[1];
  const offline = /offline station: +([0-9a-f]{64})/.exec(r.stdout)?.[1];
  assert.ok(online && offline, r.stdout);
  return { dir, online, offline };
}

const db = (dir: string, role: 'online' | 'offline') => path.join(dir, role, 'audit.db');

let first: { dir: string; online: string; offline: string };

void test('a real air-gapped rehearsal joins: each station named with fingerprint and words, each bundle written on one side accepted on the other', () => {
  first = rehearseSplit('rehearsal-1');
  const r = keyrite('audit', 'verify', db(first.dir, 'online'), '--join', db(first.dir, 'offline'));
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /split ceremony joined: cer-/);
  for (const role of ['online', 'offline'] as const) {
    const fp = first[role];
    assert.ok(
      r.stdout.includes(
        `${role} station: ${db(first.dir, role)}\n    fingerprint: ${fp}\n    words:       ${toWords(fp)}\n`,
      ),
      r.stdout,
    );
  }
  // The digests come from each log: what the online station wrote is what the offline one accepted.
  const off = loadLog(db(first.dir, 'offline')).records.find((x) => x.type === 'bundle.accepted');
  const digest = String(off?.payload['bundleDigest']);
  assert.ok(
    r.stdout.includes(
      `request bundle number 1: written by the online station, accepted by the offline station\n    digest: ${digest}\n    words:  ${toWords(digest)}`,
    ),
    r.stdout,
  );
  assert.match(
    r.stdout,
    /response bundle number 1: written by the offline station, accepted by the online station/,
  );
  // Each log is shown as `keyrite audit verify` shows it alone (the same printing, not a second one).
  for (const role of ['online', 'offline'] as const) {
    const alone = keyrite('audit', 'verify', db(first.dir, role));
    assert.equal(alone.code, 0, alone.stdout);
    assert.ok(r.stdout.includes(alone.stdout), `${role} block missing from the join:\n${r.stdout}`);
  }
  // Each log is copied once (one private evidence copy holds both its verification and its records).
  const probeOut = path.join(tmp.dir, 'evidence-copies.txt');
  const probed = keyriteSync(
    ['audit', 'verify', db(first.dir, 'online'), '--join', db(first.dir, 'offline')],
    {
      cwd: tmp.dir,
      env: {
        ...env(),
        NODE_OPTIONS: `--require ${path.join(__dirname, 'harness', 'evidence-probe.cjs')}`,
        KEYRITE_PROBE_OUT: probeOut,
      },
    },
  );
  assert.equal(probed.code, 0, probed.stderr);
  assert.equal(readFileSync(probeOut, 'utf8'), '2', 'one evidence copy per log');
  // Either order, and pinning both stations, joins the same.
  const pinned = keyrite(
    'audit',
    'verify',
    db(first.dir, 'offline'),
    '--join',
    db(first.dir, 'online'),
    '--station',
    first.online,
    '--station',
    first.offline,
  );
  assert.equal(pinned.code, 0, pinned.stdout + pinned.stderr);
  // A pin that names neither station fails each log on its own.
  const wrongPin = keyrite(
    'audit',
    'verify',
    db(first.dir, 'online'),
    '--join',
    db(first.dir, 'offline'),
    '--station',
    'ab'.repeat(32),
  );
  assert.equal(wrongPin.code, 1, wrongPin.stdout);
  assert.match(wrongPin.stdout, /split ceremony NOT joined: a log failed verification on its own/);
});

/** The rotation rehearsal's directory: also the other ceremony that must not join the first. */
let rotation: string;

void test('an air-gapped ROTATION rehearsal: the shipped rotation plan split across two stations; new material current, the prior still decrypts; the logs join', async () => {
  // An existing key holding material, and a ciphertext made under it before the ceremony.
  const { keyArn, priorId } = await keyWithImportedMaterial(g, 'air-gapped rotation');
  const before = (await g.encrypt({ KeyId: keyArn, Plaintext: Buffer.from('before the rotation') }))
    .CiphertextBlob;
  const plan = fixturePlan('rotate-symmetric.yaml') as PlanDoc;
  setIn(plan, 'target.key.existing.keyId', keyArn);
  const planFile = path.join(tmp.dir, 'rotate.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const dir = path.join(tmp.dir, 'rotate');
  rotation = dir;
  const r = await keyriteAsync(
    ['rehearse', '--air-gapped', '--plan', planFile, '--endpoint', emu.url, '--out', dir],
    { cwd: tmp.dir, env: env() },
  );
  assert.equal(r.code, 0, r.stdout + r.stderr);

  // KMS: the new material CURRENT (described with the ceremony), the prior NON_CURRENT and still reading.
  const list =
    (await g.listKeyRotations({ KeyId: keyArn, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' })).Rotations ?? [];
  const current = list.find((m) => m.KeyMaterialState === 'CURRENT');
  assert.deepEqual(list.map((m) => m.KeyMaterialState).sort(), ['CURRENT', 'NON_CURRENT']);
  assert.equal(list.find((m) => m.KeyMaterialId === priorId)?.KeyMaterialState, 'NON_CURRENT');
  assert.equal((await g.describeKey(keyArn)).KeyMetadata?.CurrentKeyMaterialId, current?.KeyMaterialId);
  assert.match(current?.KeyMaterialDescription ?? '', /^keyrite cer-\S+ quorum 2 of 3$/);
  const back = await g.decrypt({ KeyId: keyArn, CiphertextBlob: before });
  assert.equal(Buffer.from(back.Plaintext ?? []).toString(), 'before the rotation');

  // Each station ran its own steps: KMS calls only online; material, shares and wrap only offline.
  const actions = (role: 'online' | 'offline') =>
    loadLog(db(dir, role))
      .records.filter((x) => x.type === 'intent')
      .map((x) => String(x.payload['action']));
  assert.deepEqual(
    actions('offline').filter((a) => a.startsWith('kms.')),
    [],
    'the offline station made no KMS call',
  );
  assert.deepEqual(
    [...new Set(actions('online').filter((a) => a.startsWith('kms.')))],
    ['kms.get-parameters-for-import', 'kms.import-key-material', 'kms.rotate-key-on-demand'],
  );
  const onlineLog = loadLog(db(dir, 'online')).records;
  const rotated = onlineLog.find((x) => x.type === 'kms.rotated');
  assert.equal(rotated?.payload['keyMaterialId'], current?.KeyMaterialId);
  assert.equal(rotated?.payload['priorKeyMaterialId'], priorId);
  // The import and the rotation each met the quorum online, confirmed with keys enrolled offline.
  const met = onlineLog.filter((x) => x.type === 'step.quorum-met').map((x) => x.payload['stepId']);
  assert.ok(met.includes('import') && met.includes('rotate'), JSON.stringify(met));
  const sheet = readFileSync(path.join(dir, 'online', 'handover.txt'), 'utf8');
  assert.ok(sheet.includes(current?.KeyMaterialId ?? '?') && sheet.includes(priorId), sheet);

  // The two logs join.
  const j = keyrite('audit', 'verify', db(dir, 'online'), '--join', db(dir, 'offline'));
  assert.equal(j.code, 0, j.stdout + j.stderr);
  assert.match(j.stdout, /split ceremony joined: cer-/);
  assert.match(
    j.stdout,
    /response bundle number 1: written by the offline station, accepted by the online station/,
  );
});

void test('two different ceremonies do not join, nor one station’s log with itself; a missing file is unreadable (exit 2)', () => {
  // The rotation rehearsal is another ceremony (not a second import rehearsal: each costs seconds).
  const second = { dir: rotation };
  const mixed = keyrite('audit', 'verify', db(first.dir, 'online'), '--join', db(second.dir, 'offline'));
  assert.equal(mixed.code, 1, mixed.stdout);
  assert.match(mixed.stdout, /split ceremony NOT joined/);
  assert.match(mixed.stdout, /problem: not one ceremony: .* is ceremony cer-\w+, .* is ceremony cer-\w+/);
  const same = keyrite('audit', 'verify', db(first.dir, 'online'), '--join', db(second.dir, 'online'));
  assert.equal(same.code, 1, same.stdout);
  assert.match(same.stdout, /problem: both logs are the online station's/);
  const gone = keyrite('audit', 'verify', db(first.dir, 'online'), '--join', path.join(tmp.dir, 'nope.db'));
  assert.equal(gone.code, 2, gone.stdout + gone.stderr);
});

void test('forged logs that each verify on their own: a dropped acceptance, an altered digest and an unknown bundle fail the join, naming the bundle', async () => {
  const room = new SplitRoom(path.join(tmp.dir, 'forged'), emu.url, splitPlan());
  const a = await room.half('online');
  const b = await room.half('offline', { peerStation: a.svc.stationFingerprint });
  const c = await room.half('online', { peerStation: b.svc.stationFingerprint });
  assert.equal(c.state, 'closed');
  const online = path.join(room.dirs.online, 'audit.db');
  const offline = path.join(room.dirs.offline, 'audit.db');
  assert.equal(keyrite('audit', 'verify', online, '--join', offline).code, 0);
  const accepted = loadLog(online).records.find((x) => x.type === 'bundle.accepted')!;
  const digest = String(accepted.payload['bundleDigest']);
  const named = `the response bundle number 1 (digest ${digest} (${toWords(digest)}))`;

  const check = (forged: string, peer: string, problem: RegExp | string) => {
    assert.ok(verifyDatabase(forged).result.ok, 'the forged log verifies on its own');
    const r = keyrite('audit', 'verify', forged, '--join', peer);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /split ceremony NOT joined/);
    if (typeof problem === 'string') assert.ok(r.stdout.includes(problem), r.stdout);
    else assert.match(r.stdout, problem);
  };

  // Dropped: the online log rewritten from just before it accepted the response.
  const dropped = path.join(tmp.dir, 'dropped.db');
  forkLog(online, dropped, accepted.seq - 1);
  forgeTail(dropped, room.keys.online, [{ type: 'material.zeroized', payload: { note: 'forged' } }]);
  check(
    dropped,
    offline,
    `problem: missing bundle: the offline station wrote ${named}, and the online station has no record of reading it`,
  );

  // Altered: the acceptance names another digest.
  const altered = path.join(tmp.dir, 'altered.db');
  const other = (digest[0] === '0' ? '1' : '0') + digest.slice(1);
  forkLog(online, altered, accepted.seq - 1);
  forgeTail(altered, room.keys.online, [
    { type: 'bundle.accepted', payload: { ...accepted.payload, bundleDigest: other } },
  ]);
  check(
    altered,
    offline,
    `problem: altered bundle: the online station accepted the response bundle number 1 (digest ${other} (${toWords(other)})), but the offline station wrote it with digest ${digest} (${toWords(digest)})`,
  );

  // Malformed: a digest that is not one (records after the newest checkpoint are chained, not signed) is
  // named as a problem of the join, quoted, not thrown while it is printed (exit 1, not 2).
  const malformed = path.join(tmp.dir, 'malformed.db');
  forkLog(online, malformed, accepted.seq - 1);
  forgeTail(malformed, room.keys.online, [
    { type: 'bundle.accepted', payload: { ...accepted.payload, bundleDigest: 'not\na digest' } },
  ]);
  check(
    malformed,
    offline,
    'problem: altered bundle: the online station accepted the response bundle number 1 (digest "not\\na digest" ((not a SHA-256 digest)))',
  );

  // Unknown: the offline log claims a second request the online station never wrote.
  const unknown = path.join(tmp.dir, 'unknown.db');
  const offAccepted = loadLog(offline).records.find((x) => x.type === 'bundle.accepted')!;
  forkLog(offline, unknown, loadLog(offline).records.length);
  forgeTail(unknown, room.keys.offline, [
    { type: 'bundle.accepted', payload: { ...offAccepted.payload, sequence: 2, pinned: false } },
  ]);
  check(
    unknown,
    online,
    /problem: unknown bundle: the offline station accepted the request bundle number 2 \(digest [0-9a-f]{64} \([A-Za-z ]+\)\), which the online station never wrote/,
  );
});

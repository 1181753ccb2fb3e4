// Crash tests across the split (issue 11 Proof): the real `keyrite ceremony run --station …` launcher
// is SIGKILLed at a step or effect boundary of either station, including between writing a bundle and
// recording it; the operator runs it again (--resume) and the ceremony goes on. Afterwards both logs
// verify, `audit verify --join` joins them, the key is Enabled with exactly one import, every intent is
// settled, and no two bundles ever carried different wrapped material for one import token. The
// split ROTATION of an existing key is killed at its own online boundaries (between the import of the
// new material and the rotation; around the rotation): the key ends with exactly two materials.
// `npm test` runs a few seeded points; `npm run test:faults` (KEYRITE_FAULTS=long) sweeps them all.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway, type KmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { verifyDatabase } from '../../../src-main/audit/verify-database.js';
import { isolatedEnv, keyriteSync } from '../cli/harness/launcher.js';
import { runCli } from '../ceremony/harness/crash-child.js';
import { fixturePlan, passphrasesFor, setIn, tempDir, type PlanDoc } from '../ceremony/harness/ceremony.js';
import { keyWithImportedMaterial } from '../ceremony/harness/imported-key.js';
import { splitPlan } from './harness/split.js';

let emu: RunningEmulator;
let g: KmsGateway;
const tmp = tempDir('split-crash');
const passphrases = passphrasesFor(4, 'split-crash');
void before(async () => {
  emu = await startEmulator();
  g = createKmsGateway({ region: 'us-east-1', endpoint: emu.url });
});
void after(async () => {
  g.close();
  await emu.close();
  tmp.cleanup();
});

type Phase = 'online' | 'offline' | 'online-again';
/** An import into a new key (the default), or the rotation of an existing key. */
type Kind = 'import' | 'rotate';

/** Every boundary a station of a split ceremony passes, by the run (phase) that passes it. */
const ALL: Array<[Phase, string, Kind?]> = [
  ['online', 'start:preflight'],
  ['online', 'effect:kms.create-key'],
  ['online', 'effect:kms.get-parameters-for-import'],
  ['online', 'intent:media.write-bundle'],
  ['online', 'bundle-written:request'],
  ['online', 'effect:media.write-bundle'],
  // Before its ceremony began (the log holds only the station's key): --resume starts it in that log.
  ['offline', 'log-opened'],
  ['offline', 'start:enroll'],
  ['offline', 'start:generate-material'],
  ['offline', 'start:backup-shares'],
  ['offline', 'start:wrap'],
  ['offline', 'effect:media.write-file:import/EncryptedKeyMaterial.bin'],
  ['offline', 'intent:media.write-bundle'],
  ['offline', 'bundle-written:response'],
  ['offline', 'effect:media.write-bundle'],
  ['offline', 'start:close'],
  ['online-again', 'start:import'],
  ['online-again', 'intent:kms.import-key-material'],
  ['online-again', 'effect:kms.import-key-material'],
  ['online-again', 'start:verify'],
  ['online-again', 'start:close'],
  ['online-again', 'effect:kms.import-key-material', 'rotate'],
  ['online-again', 'start:rotate', 'rotate'],
  ['online-again', 'effect:kms.rotate-key-on-demand', 'rotate'],
];
/**
 * The seeded few for `npm test`: both sides of "written but not recorded", and the online import —
 * in a rotation, whose new material is staged by the import, unrecorded and not yet rotated in (the
 * import ceremony's import boundaries run under test:faults).
 */
const FEW: Array<[Phase, string, Kind?]> = [
  ['online', 'effect:media.write-bundle'],
  ['offline', 'effect:media.write-bundle'],
  ['online-again', 'effect:kms.import-key-material', 'rotate'],
];
const POINTS = process.env['KEYRITE_FAULTS'] === 'long' ? ALL : FEW;

let n = 0;
async function crashAcross(phase: Phase, point: string, kind: Kind = 'import'): Promise<void> {
  const root = path.join(tmp.dir, `case-${++n}`);
  const media = path.join(root, 'usb');
  mkdirSync(media, { recursive: true });
  let plan: PlanDoc = splitPlan();
  (plan['target'] as { key: { create: { alias: string } } }).key.create.alias = `alias/split-crash-${n}`;
  const rotated = kind === 'rotate' ? await keyWithImportedMaterial(g, `split rotation ${n}`) : undefined;
  if (rotated) {
    plan = fixturePlan('rotate-symmetric.yaml') as PlanDoc;
    setIn(plan, 'target.key.existing.keyId', rotated.keyArn);
    setIn(plan, 'stations', 'split');
  }
  const planFile = path.join(root, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const dirs = { online: path.join(root, 'online'), offline: path.join(root, 'offline') };
  const common = ['--plan', planFile, '--media', media, '--yes', '--passphrase-fd', '3'];
  const argsFor = (role: 'online' | 'offline') => [
    'ceremony',
    'run',
    '--station',
    role,
    '--out',
    dirs[role],
    ...(role === 'online' ? ['--endpoint', emu.url] : []),
    ...common,
  ];
  /** One operator's run of a station; killed at `point` when it is this phase's, then run again. */
  const run = async (p: Phase): Promise<string> => {
    const role = p === 'offline' ? 'offline' : 'online';
    const resume = p === 'online-again' || existsSync(path.join(dirs[role], 'audit.db'));
    const first = await runCli(
      [...argsFor(role), ...(resume ? ['--resume'] : [])],
      passphrases,
      p === phase ? point : undefined,
    );
    if (p !== phase) {
      assert.equal(first.code, 0, `${p}: ${first.err}\n${first.out}`);
      return first.out;
    }
    assert.equal(first.signal, 'SIGKILL', `${p} must die at ${point}; it exited ${first.code}: ${first.err}`);
    // Killed before its log held a ceremony: the operator starts this station again.
    const started = existsSync(path.join(dirs[role], 'audit.db'));
    if (!started) rmSync(dirs[role], { recursive: true, force: true });
    let again = await runCli([...argsFor(role), ...(started ? ['--resume'] : [])], passphrases);
    // The online station starts again from scratch; the offline one continues its log (bundle-first.ts).
    if (role === 'online' && /stopped before its ceremony began/.test(again.err)) {
      rmSync(dirs[role], { recursive: true, force: true });
      again = await runCli(argsFor(role), passphrases);
    }
    assert.equal(again.code, 0, `${p} after the kill at ${point}: ${again.err}\n${again.out}`);
    return again.out;
  };
  await run('online');
  await run('offline');
  const last = await run('online-again');
  assert.match(last, /key state: +Enabled/);

  const dbs = { online: path.join(dirs.online, 'audit.db'), offline: path.join(dirs.offline, 'audit.db') };
  for (const db of Object.values(dbs)) assert.ok(verifyDatabase(db).result.ok, `${db} verifies`);
  const join = keyriteSync(['audit', 'verify', dbs.online, '--join', dbs.offline], {
    cwd: root,
    env: isolatedEnv(root, { KEYRITE_TEST: '1' }),
  });
  assert.equal(join.code, 0, join.stdout + join.stderr);
  const online = loadLog(dbs.online).records;
  const imported = online.filter(
    (r) =>
      r.type === 'outcome' && r.payload['action'] === 'kms.import-key-material' && r.payload['ok'] === true,
  );
  assert.equal(imported.length, 1, 'exactly one import took effect');
  for (const db of Object.values(dbs)) {
    const recs = loadLog(db).records;
    const open = recs.filter(
      (r) =>
        r.type === 'intent' && !recs.some((o) => o.type === 'outcome' && o.payload['intentSeq'] === r.seq),
    );
    assert.deepEqual(open, [], `every intent in ${db} is settled`);
  }
  // Never two different materials for one import token, across every response on the medium.
  const wrappedByToken = new Map<string, Set<string>>();
  for (const d of readdirSync(media).filter((x) => x.includes('-response-'))) {
    const file = path.join(media, d, 'response.json');
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8')) as {
      importTokenDigest: string;
      wrappedKeyDigest: string;
    };
    const set = wrappedByToken.get(r.importTokenDigest) ?? new Set<string>();
    set.add(r.wrappedKeyDigest);
    wrappedByToken.set(r.importTokenDigest, set);
  }
  assert.ok(wrappedByToken.size > 0, 'a response reached the medium');
  for (const [token, set] of wrappedByToken)
    assert.equal(set.size, 1, `token ${token}: ${set.size} materials`);
  if (rotated) {
    // The prior material NON_CURRENT, exactly one new one CURRENT: staged once, rotated in once.
    const list =
      (await g.listKeyRotations({ KeyId: rotated.keyArn, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))
        .Rotations ?? [];
    assert.deepEqual(list.map((m) => m.KeyMaterialState).sort(), ['CURRENT', 'NON_CURRENT']);
    assert.equal(list.find((m) => m.KeyMaterialId === rotated.priorId)?.KeyMaterialState, 'NON_CURRENT');
    const rotations = online.filter(
      (r) =>
        r.type === 'outcome' &&
        r.payload['action'] === 'kms.rotate-key-on-demand' &&
        r.payload['ok'] === true,
    );
    assert.equal(rotations.length, 1, 'exactly one rotation took effect');
  }
}

void describe('SIGKILL of either station at a boundary, then run again', { concurrency: 2 }, () => {
  for (const [phase, point, kind] of POINTS)
    void test(`${kind === 'rotate' ? 'rotation: ' : ''}${phase} killed at ${point}: both logs verify and join, one import, one material per token`, async () => {
      await crashAcross(phase, point, kind);
    });
});

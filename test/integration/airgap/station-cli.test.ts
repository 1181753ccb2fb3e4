// `keyrite ceremony run --station online|offline --media DIR` as two operators run it: the online half
// against the emulator, the offline half in a network namespace with no interfaces (`unshare -n`),
// loading no KMS client; the medium is a directory both see.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { verifyDatabase } from '../../../src-main/audit/verify-database.js';
import { LAUNCHER, UNBUNDLED, isolatedEnv } from '../cli/harness/launcher.js';
import {
  STATION_PASSPHRASE,
  fixturePlan,
  passphrasesFor,
  setIn,
  tempDir,
  type PlanDoc,
} from '../ceremony/harness/ceremony.js';
import { splitPlan } from './harness/split.js';

let emu: RunningEmulator;
const tmp = tempDir('station-cli');
void before(async () => {
  emu = await startEmulator();
});
void after(async () => {
  await emu.close();
  tmp.cleanup();
});

const PROBE = path.join(__dirname, 'harness', 'module-probe.cjs');

function run(
  prefix: string[],
  args: string[],
  extra: NodeJS.ProcessEnv = {},
  launcher = LAUNCHER,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const [cmd, ...pre] = [...prefix, process.execPath, launcher, ...args];
    const child = spawn(cmd!, pre, {
      cwd: tmp.dir,
      env: isolatedEnv(tmp.dir, {
        KEYRITE_TEST: '1',
        KEYRITE_TEST_SCRYPT_LOG2N: '10',
        KEYRITE_STATION_PASSPHRASE: STATION_PASSPHRASE,
        ...extra,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

void test('the offline half runs with no network at all and loads no KMS client; the ceremony completes', async () => {
  const plan = splitPlan();
  (plan['target'] as { key: { create: { alias: string } } }).key.create.alias = 'alias/station-cli';
  const planFile = path.join(tmp.dir, 'split.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const passFile = path.join(tmp.dir, 'passphrases.txt');
  writeFileSync(passFile, passphrasesFor(4));
  const media = path.join(tmp.dir, 'usb');
  mkdirSync(media);
  const common = ['--plan', planFile, '--media', media, '--yes', '--passphrase-file', passFile];
  const on = path.join(tmp.dir, 'online');
  const off = path.join(tmp.dir, 'offline');

  const first = await run(
    [],
    ['ceremony', 'run', '--station', 'online', '--out', on, '--endpoint', emu.url, ...common],
  );
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /safe to remove/);
  assert.match(first.out, /CARRY the medium to the offline station/);
  const onlineFp = /this station: +([0-9a-f]{64})/.exec(first.out)?.[1];
  assert.ok(onlineFp);

  // The offline station: a network namespace with no interfaces, and a probe of every module loaded
  // (from the compiled modules: the launcher's bundle holds a command's modules in one file).
  const probeOut = path.join(tmp.dir, 'modules.json');
  const offline = await run(
    ['unshare', '-n'],
    ['ceremony', 'run', '--station', 'offline', '--out', off, '--peer-station', onlineFp, ...common],
    { NODE_OPTIONS: `--require ${PROBE}`, KEYRITE_PROBE_OUT: probeOut },
    UNBUNDLED,
  );
  assert.doesNotMatch(
    offline.err,
    /unshare: /,
    `this test needs \`unshare -n\` (root, or unprivileged user namespaces): ${offline.err}`,
  );
  assert.equal(offline.code, 0, offline.err);
  assert.match(offline.out, /offline half complete/);
  const loaded = JSON.parse(readFileSync(probeOut, 'utf8')) as string[];
  assert.ok(
    loaded.some((m) => m.includes('station-half')),
    'the probe saw the offline composition',
  );
  assert.deepEqual(
    loaded.filter((m) => /@aws-sdk[\\/]client-kms|kms-gateway|aws-kms-port|[\\/]emulator[\\/]/.test(m)),
    [],
    'the offline station loaded a KMS client module',
  );

  // `ceremony status` on the offline station lists what its log holds and contacts no KMS either.
  const status = await run(['unshare', '-n'], ['ceremony', 'status', '--out', off]);
  assert.equal(status.code, 0, status.err);
  assert.match(status.out, /this is the offline station: it never contacts KMS/);

  const last = await run(
    [],
    ['ceremony', 'run', '--station', 'online', '--out', on, '--endpoint', emu.url, '--resume', ...common],
  );
  assert.equal(last.code, 0, last.err);
  assert.match(last.out, /key state: +Enabled/);
  for (const db of [path.join(on, 'audit.db'), path.join(off, 'audit.db')])
    assert.ok(verifyDatabase(db).result.ok, db);
});

void test('an air-gapped rotation of that key, as two operators run it: new material made offline, imported and rotated in online under the quorum', async () => {
  const g = createKmsGateway({ region: 'us-east-1', endpoint: emu.url });
  const key = (await g.describeKey('alias/station-cli')).KeyMetadata;
  const priorId = key?.CurrentKeyMaterialId;
  assert.match(priorId ?? '', /^[0-9a-f]{64}$/, 'the first test made the key');
  const plan = fixturePlan('rotate-symmetric.yaml') as PlanDoc;
  setIn(plan, 'target.key.existing.keyId', 'alias/station-cli');
  setIn(plan, 'stations', 'split');
  const planFile = path.join(tmp.dir, 'rotate.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const passFile = path.join(tmp.dir, 'passphrases.txt');
  const media = path.join(tmp.dir, 'usb-rotate');
  mkdirSync(media);
  const common = ['--plan', planFile, '--media', media, '--yes', '--passphrase-file', passFile];
  const on = path.join(tmp.dir, 'rotate-online');
  const off = path.join(tmp.dir, 'rotate-offline');
  const online = ['ceremony', 'run', '--station', 'online', '--out', on, '--endpoint', emu.url, ...common];

  const first = await run([], online);
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /✓ preflight\n✓ import-parameters\n/);
  assert.match(first.out, /CARRY the medium to the offline station/);
  const onlineFp = /this station: +([0-9a-f]{64})/.exec(first.out)?.[1] ?? '';

  const offline = await run(
    ['unshare', '-n'],
    ['ceremony', 'run', '--station', 'offline', '--out', off, '--peer-station', onlineFp, ...common],
  );
  assert.equal(offline.code, 0, offline.err);
  assert.match(offline.out, /✓ generate-material[\s\S]*✓ wrap[\s\S]*offline half complete/);
  assert.doesNotMatch(offline.out, /✓ (import|rotate)\b/);

  const last = await run([], [...online, '--resume']);
  assert.equal(last.code, 0, last.err);
  assert.match(last.out, /✓ import\n✓ verify\n[\s\S]*✓ rotate\n✓ handover\n/);
  assert.match(last.out, /key state: +Enabled/);

  const list =
    (await g.listKeyRotations({ KeyId: key?.KeyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' })).Rotations ?? [];
  g.close();
  assert.deepEqual(list.map((m) => m.KeyMaterialState).sort(), ['CURRENT', 'NON_CURRENT']);
  assert.equal(list.find((m) => m.KeyMaterialId === priorId)?.KeyMaterialState, 'NON_CURRENT');
  for (const db of [path.join(on, 'audit.db'), path.join(off, 'audit.db')])
    assert.ok(verifyDatabase(db).result.ok, db);
});

// The app's offline station constructs no KMS client: its composition (the one main.ts runs), with the
// offline role chosen, runs its whole half — request read, enrollment, material, backup, wrap, response
// written — in a child process that loads no KMS client, gateway or emulator module (the module probe
// lists every module it loaded); the online engine then accepts that response and imports it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { tempDir } from '../ceremony/harness/ceremony.js';
import { SplitRoom } from './harness/split.js';

let emu: RunningEmulator;
const tmp = tempDir('app-offline');
void before(async () => {
  emu = await startEmulator();
});
void after(async () => {
  await emu.close();
  tmp.cleanup();
});

const PROBE = path.join(__dirname, 'harness', 'module-probe.cjs');
const CHILD = path.join(__dirname, 'harness', 'app-offline-child.ts');
const PASSPHRASES: Record<string, string> = {
  'custodian-1': 'purple elephant dances at dawn 1',
  'custodian-2': 'quiet river under the old bridge 2',
  'custodian-3': 'seven lanterns in the northern hall 3',
  'witness-1': 'amber compass over the quiet harbour 4',
};

function child(args: string[], probeOut: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--require', PROBE, '--import', 'tsx', CHILD, ...args], {
      env: { ...process.env, KEYRITE_TEST: '1', KEYRITE_PROBE_OUT: probeOut },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, out, err }));
  });
}

void test('the app composed as the offline station runs its half and loads no KMS client, gateway or emulator', async () => {
  const room = new SplitRoom(tmp.dir, emu.url);
  const first = await room.half('online');
  assert.equal(first.state, 'carry');
  const planFile = path.join(tmp.dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(room.planDoc));
  const data = path.join(tmp.dir, 'app-offline-data');
  mkdirSync(data);
  const probeOut = path.join(tmp.dir, 'modules.json');

  const r = await child([data, planFile, room.dirs.media, JSON.stringify(PASSPHRASES)], probeOut);
  assert.equal(r.code, 0, r.err);
  const result = JSON.parse(r.out) as Record<string, unknown>;
  assert.equal(result['firstStart'], 'BUNDLE_UNKNOWN_STATION');
  assert.equal(
    result['afterRestart'],
    'no-plan',
    'a log of refusals alone is no ceremony to reopen (no note)',
  );
  assert.equal(result['role'], 'offline');
  // The refusal started the station's log; the ceremony began in that same log, after it.
  const dirs = readdirSync(path.join(data, 'ceremonies'));
  assert.equal(dirs.length, 1, `one offline log: ${dirs.join(', ')}`);
  const records = loadLog(path.join(data, 'ceremonies', dirs[0]!, 'audit.db')).records;
  const refused = records.findIndex((x) => x.type === 'bundle.refused');
  assert.equal(records[refused]?.payload['code'], 'BUNDLE_UNKNOWN_STATION');
  assert.equal(records[refused]?.ceremonyId, '');
  assert.ok(refused < records.findIndex((x) => x.type === 'ceremony.started'));
  assert.equal(result['identity'], 'OFFLINE_STATION_NO_KMS', 'the offline station asks no cloud who it is');
  assert.match(String(result['written']), /^keyrite-cer-[0-9a-f]+-response-1$/);

  const loaded = JSON.parse(readFileSync(probeOut, 'utf8')) as string[];
  assert.ok(
    loaded.some((m) => m.includes('compose-services')),
    'the probe saw the composition load',
  );
  const forbidden = loaded.filter((m) =>
    /@aws-sdk[\\/]client-kms|@aws-sdk[\\/]client-sts|kms-gateway|aws-kms-port|kms-for-plan|src-main[\\/]emulator[\\/]/.test(
      m,
    ),
  );
  assert.deepEqual(forbidden, [], 'no KMS client, gateway or emulator module was loaded');

  // The online station accepts the app's response and imports with the keys enrolled there.
  const done = await room.half('online', {
    people: {
      passphrase: async (id) => SecretBuffer.adopt(Buffer.from(PASSPHRASES[id] ?? '')),
      say: (l) => room.lines.push(l),
    },
  });
  assert.equal(done.state, 'closed');
  assert.equal(done.facts['keyState'], 'Enabled');
  assert.ok(readdirSync(room.dirs.media).some((n) => n.endsWith('-response-1')));
});

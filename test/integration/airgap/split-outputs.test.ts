// Outputs for other clouds in a split ceremony, through the real launcher (`keyrite ceremony run
// --station …`), with the offline station SIGKILLed between writing an output and recording it:
// run again, it writes nothing twice (the file on disk is the one recorded, one write intent), and a
// half-written file under an output's name is refused, never used or replaced. On the medium, an
// output file that is not what the offline station logged makes the online station refuse the response
// in words; the right file read again, the ceremony closes and `audit verify --join` joins both logs.
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { fixture } from '../../unit/wrap/harness/helpers.js';
import { isolatedEnv, keyriteSync } from '../cli/harness/launcher.js';
import { runCli } from '../ceremony/harness/crash-child.js';
import { passphrasesFor, tempDir } from '../ceremony/harness/ceremony.js';
import { splitPlan } from './harness/split.js';

let emu: RunningEmulator;
const tmp = tempDir('split-outputs');
const passphrases = passphrasesFor(4, 'split-outputs');
void before(async () => {
  emu = await startEmulator();
});
void after(async () => {
  await emu.close();
  tmp.cleanup();
});

const GCP = 'outputs/gcp-1-payments.bin';
const AZURE = 'outputs/azure-2-payments-key.byok';

function writePlan(root: string): string {
  const expire = new Date(Date.now() + 48 * 3_600_000);
  writeFileSync(
    path.join(root, 'job.yaml'),
    toYaml({
      expireTime: expire.toISOString(),
      importMethod: 'RSA_OAEP_3072_SHA256_AES_256',
      name: 'projects/keyrite-test/locations/europe-west1/keyRings/payments/importJobs/job-1',
      publicKey: { pem: fixture('wrapping-rsa-3072.pub.pem').toString('utf8') },
      state: 'ACTIVE',
    }),
  );
  const jwk = createPublicKey(fixture('wrapping-rsa-2048.pub.pem')).export({ format: 'jwk' });
  writeFileSync(
    path.join(root, 'kek.json'),
    JSON.stringify({
      attributes: { enabled: true },
      key: {
        kid: 'https://contoso-hsm.managedhsm.azure.net/keys/kek/0123456789abcdef0123456789abcdef',
        kty: 'RSA-HSM',
        keyOps: ['import'],
        n: jwk.n,
        e: jwk.e,
      },
    }),
  );
  // No guardedSteps: a plan with outputs then guards wrap as well.
  const { guardedSteps: _, ...plan } = splitPlan();
  (plan['target'] as { key: { create: { alias: string } } }).key.create.alias = 'alias/split-outputs';
  const file = path.join(root, 'plan.json');
  writeFileSync(
    file,
    JSON.stringify({
      ...plan,
      outputs: [
        { cloud: 'gcp', importJob: 'job.yaml', algorithm: 'google-symmetric-encryption', key: 'payments' },
        { cloud: 'azure', kek: 'kek.json', name: 'payments-key' },
      ],
    }),
  );
  return file;
}

/** The offline log's write intents for one file. */
function writesOf(db: string, file: string): number {
  return loadLog(db).records.filter(
    (r) =>
      r.type === 'intent' &&
      r.payload['action'] === 'media.write-file' &&
      (r.payload['details'] as Record<string, unknown>)['file'] === file,
  ).length;
}

void test('split outputs: a kill between writing and recording writes nothing twice, a half-written file is refused, a damaged medium copy is refused online', async () => {
  const root = tmp.dir;
  const media = path.join(root, 'usb');
  mkdirSync(media, { recursive: true });
  const planFile = writePlan(root);
  const dirs = { online: path.join(root, 'online'), offline: path.join(root, 'offline') };
  const args = (role: 'online' | 'offline', resume: boolean) => [
    'ceremony',
    'run',
    '--station',
    role,
    '--out',
    dirs[role],
    ...(role === 'online' ? ['--endpoint', emu.url] : []),
    ...['--plan', planFile, '--media', media, '--yes', '--passphrase-fd', '3'],
    ...(resume ? ['--resume'] : []),
  ];
  const ok = async (role: 'online' | 'offline', resume: boolean) => {
    const r = await runCli(args(role, resume), passphrases);
    assert.equal(r.code, 0, `${role}: ${r.err}\n${r.out}`);
    return r;
  };
  await ok('online', false);

  // Killed after the Google file is on disk, before its write is recorded.
  const first = await runCli(args('offline', false), passphrases, `effect:media.write-file:${GCP}`);
  assert.equal(first.signal, 'SIGKILL', first.err);
  const gcp = readFileSync(path.join(dirs.offline, GCP));
  // Run again, killed the same way at the Azure file: the Google file is recorded as it was written.
  const second = await runCli(args('offline', true), passphrases, `effect:media.write-file:${AZURE}`);
  assert.equal(second.signal, 'SIGKILL', second.err);
  assert.deepEqual(readFileSync(path.join(dirs.offline, GCP)), gcp, 'the Google file is not written again');
  // A half-written Azure file: refused by name, and left as it is.
  truncateSync(path.join(dirs.offline, AZURE), 100);
  const third = await runCli(args('offline', true), passphrases);
  assert.equal(third.code, 1, third.err + third.out);
  assert.match(
    third.err,
    /outputs\/azure-2-payments-key\.byok is already in the ceremony directory, and it is not a file this ceremony recorded writing \(100 bytes, SHA-256 [0-9a-f]{64}\)/,
  );
  assert.match(third.err, /move it out of outputs\//);
  assert.equal(
    readFileSync(path.join(dirs.offline, AZURE)).length,
    100,
    'the half-written file is not replaced',
  );
  // Moved aside as the hint says: the ceremony goes on and writes the Azure file once, the Google one never again.
  renameSync(path.join(dirs.offline, AZURE), path.join(root, 'half-written.byok'));
  await ok('offline', true);
  const db = path.join(dirs.offline, 'audit.db');
  assert.deepEqual(readFileSync(path.join(dirs.offline, GCP)), gcp);
  assert.equal(writesOf(db, GCP), 1, 'one write of the Google file');
  assert.equal(writesOf(db, AZURE), 2, 'the killed write and the one after the half-written file was moved');
  const logged = loadLog(db)
    .records.filter((r) => r.type === 'wrap.output')
    .map((r) => r.payload);
  assert.deepEqual(
    logged.map((o) => o['file']),
    [GCP, AZURE],
    'each output recorded once',
  );
  const folder = readdirSync(media).find((n) => /-outputs-\d+$/.test(n));
  assert.ok(folder, readdirSync(media).join(', '));
  for (const o of logged)
    assert.deepEqual(
      readFileSync(path.join(media, folder, String(o['file']))),
      readFileSync(path.join(dirs.offline, String(o['file']))),
    );

  // On the medium, a half-written copy: the online station refuses the response in words.
  const copy = path.join(media, folder, GCP);
  copyFileSync(copy, path.join(root, 'good.bin'));
  truncateSync(copy, 10);
  const refused = await runCli(args('online', true), passphrases);
  assert.equal(refused.code, 1, refused.err + refused.out);
  assert.match(
    refused.err,
    /the outputs for other clouds do not match the response: outputs\/gcp-1-payments\.bin in .* is not the file the offline station logged \(\d+ bytes, SHA-256 [0-9a-f]{64}\): half-written or altered/,
  );
  assert.match(
    refused.err,
    new RegExp(`carry the folder ${folder} the offline station wrote beside this response`),
  );
  // The right file back: the response is read, the ceremony closes, and both logs join.
  copyFileSync(path.join(root, 'good.bin'), copy);
  const last = await ok('online', true);
  assert.match(last.out, /key state: +Enabled/);
  const sheet = readFileSync(path.join(dirs.online, 'handover.txt'), 'utf8');
  assert.match(sheet, /as logged on the offline station [0-9a-f]{64}\)/);
  const join = keyriteSync(['audit', 'verify', path.join(dirs.online, 'audit.db'), '--join', db], {
    cwd: root,
    env: isolatedEnv(root, { KEYRITE_TEST: '1' }),
  });
  assert.equal(join.code, 0, join.stdout + join.stderr);
});

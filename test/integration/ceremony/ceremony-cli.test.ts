import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { assertBuilt, LAUNCHER } from '../cli/harness/launcher.js';
import { STATION_PASSPHRASE, FIXTURES, passphrasesFor, tempDir } from './harness/ceremony.js';

let emu: RunningEmulator;
const tmp = tempDir('ceremony-cli');
void before(async () => {
  emu = await startEmulator();
});
void after(async () => {
  await emu.close();
  tmp.cleanup();
});

/** The witness's line of passphrasesFor(4): the plan has three custodians, then witness-1. */
const WITNESS_LINE = `${passphrasesFor(4).toString().split('\n')[3]}\n`;

function cli(args: string[], fd3?: Buffer): Promise<{ code: number | null; out: string; err: string }> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAUNCHER, ...args], {
      env: {
        ...process.env,
        KEYRITE_TEST: '1',
        KEYRITE_TEST_SCRYPT_LOG2N: '10',
        KEYRITE_STATION_PASSPHRASE: STATION_PASSPHRASE,
      },
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    (child.stdio[3] as NodeJS.WritableStream).on('error', () => {});
    (child.stdio[3] as NodeJS.WritableStream).end(fd3 ?? Buffer.alloc(0));
    child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

void test('ceremony run without a terminal and without --passphrase-fd refuses clearly', async () => {
  const r = await cli([
    'ceremony',
    'run',
    '--plan',
    path.join(FIXTURES, 'rehearsal-symmetric.yaml'),
    '--out',
    path.join(tmp.dir, 'no-tty'),
    '--endpoint',
    emu.url,
  ]);
  assert.equal(r.code, 1);
  assert.match(r.err, /needs a terminal/);
});

void test('ceremony run completes a ceremony; a witness exception is recorded and shown in the report', async () => {
  const out = path.join(tmp.dir, 'run');
  const plan = path.join(FIXTURES, 'rehearsal-symmetric.yaml');
  const r = await cli(
    ['ceremony', 'run', '--plan', plan, '--out', out, '--endpoint', emu.url, '--yes', '--passphrase-fd', '3'],
    passphrasesFor(4),
  );
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /plan digest \(words\): +\w+/);
  assert.match(r.out, /key state: +Enabled/);
  const text = 'The second custodian stepped out during the wrap step <b>and came back</b>.';
  const exception = (fd3: Buffer) =>
    cli(
      [
        'ceremony',
        'exception',
        '--out',
        out,
        '--step',
        'wrap',
        '--witness',
        'witness-1',
        '--text',
        text,
        '--endpoint',
        emu.url,
        '--passphrase-fd',
        '3',
      ],
      fd3,
    );
  // The witness signs the exception with the key they enrolled: a wrong passphrase records nothing.
  const wrong = await exception(Buffer.from('not the witness passphrase at all\n'));
  assert.equal(wrong.code, 1, wrong.err);
  assert.match(wrong.err, /does not open the key of witness witness-1/);
  // The witness's passphrase is the fourth line given to the run: custodians, then witnesses. After a
  // wrong one the station makes them wait (it says how long); a person waits that long and types again.
  let e = await exception(Buffer.from(WITNESS_LINE));
  const wait = /the next try is allowed in (\d+) s/.exec(e.err);
  if (e.code === 1 && wait) {
    await new Promise((r) => setTimeout(r, Number(wait[1]) * 1000 + 100));
    e = await exception(Buffer.from(WITNESS_LINE));
  }
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /signed by witness witness-1/);
  const ex = new Database(path.join(out, 'audit.db'), { readonly: true });
  try {
    const rows = ex.prepare("SELECT payload FROM records WHERE type = 'witness.exception'").all() as Array<{
      payload: string;
    }>;
    assert.equal(rows.length, 1);
    assert.match(String(JSON.parse(rows[0]?.payload ?? '{}').signature), /^[A-Za-z0-9+/]{86}==$/);
  } finally {
    ex.close();
  }
  const report = readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.match(
    report,
    /The second custodian stepped out during the wrap step (&lt;|&#60;)b(&gt;|&#62;)and came back/,
  );
  assert.ok(!report.includes('<b>and came back'), 'witness text is escaped');
  assert.match(report, /exception by witness-1/);
  const s = await cli(['ceremony', 'status', '--out', out, '--endpoint', emu.url]);
  assert.match(s.out, /\(completed\)/);
});

void test('with --station-key one station key signs the log, and none is left in the ceremony directory', async (t) => {
  // Its own emulator: the shared one already holds the plan's alias from the test above.
  const own = await startEmulator();
  t.after(() => own.close());
  const out = path.join(tmp.dir, 'station');
  const stationKey = path.join(tmp.dir, 'station-keys', 'station-ed25519.key');
  mkdirSync(path.dirname(stationKey), { recursive: true, mode: 0o700 });
  const plan = path.join(FIXTURES, 'rehearsal-symmetric.yaml');
  const r = await cli(
    [
      'ceremony',
      'run',
      '--plan',
      plan,
      '--out',
      out,
      '--station-key',
      stationKey,
      '--endpoint',
      own.url,
      '--yes',
      '--passphrase-fd',
      '3',
    ],
    passphrasesFor(4),
  );
  assert.equal(r.code, 0, r.err);
  assert.ok(existsSync(stationKey), 'the station key is created where --station-key says');
  assert.equal(statSync(stationKey).mode & 0o077, 0, 'the station key is private to its owner');
  assert.equal(existsSync(path.join(out, 'station-ed25519.key')), false);
  const witnessFile = path.join(tmp.dir, 'witness-passphrase.txt');
  writeFileSync(witnessFile, WITNESS_LINE, { mode: 0o600 });
  const e = await cli([
    'ceremony',
    'exception',
    '--out',
    out,
    '--station-key',
    stationKey,
    '--step',
    'wrap',
    '--witness',
    'witness-1',
    '--text',
    'noted',
    '--endpoint',
    own.url,
    '--passphrase-file',
    witnessFile,
  ]);
  assert.equal(e.code, 0, e.err);
  const db = new Database(path.join(out, 'audit.db'), { readonly: true });
  try {
    const ids = db.prepare('SELECT DISTINCT station_id AS id FROM records').all() as Array<{ id: string }>;
    assert.equal(ids.length, 1, 'one station signed the whole log');
  } finally {
    db.close();
  }
});

void test('an exception from someone who is not a witness is refused', async () => {
  const out = path.join(tmp.dir, 'run');
  const e = await cli([
    'ceremony',
    'exception',
    '--out',
    out,
    '--step',
    'wrap',
    '--witness',
    'custodian-1',
    '--text',
    'x',
    '--endpoint',
    emu.url,
  ]);
  assert.equal(e.code, 1);
  assert.match(e.err, /not a witness/);
});

// `keyrite ceremony verify-share`: a custodian who was not in the room when verify-shares completed
// (any M of N verified then) verifies their share later, as they would: the real launcher, the
// ceremony's own directory, their passphrase at a terminal (or --passphrase-fd for scripts). Refusals
// write nothing; a wrong passphrase is a recorded try and nothing else; afterwards nobody is pending
// and `keyrite audit verify` passes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { FIXTURES, STATION_PASSPHRASE, tempDir } from '../ceremony/harness/ceremony.js';
import { assertScriptAvailable, atTerminal } from '../ceremony/harness/tty-session.js';
import { assertOneReasonOneHint, keyrite, LAUNCHER, type Run } from './harness/launcher.js';

let emu: RunningEmulator;
const tmp = tempDir('verify-share');
before(async () => {
  assertScriptAvailable();
  emu = await startEmulator();
});
after(async () => {
  await emu.close();
  tmp.cleanup();
});

const env: NodeJS.ProcessEnv = {
  ...process.env,
  KEYRITE_TEST: '1',
  KEYRITE_TEST_SCRYPT_LOG2N: '10',
  KEYRITE_STATION_PASSPHRASE: STATION_PASSPHRASE,
  NODE_NO_WARNINGS: '1',
};
const passphrase = (id: string) => `late-share-of-${id}-Qz7-orchard`;
const PLAN = path.join(FIXTURES, 'rehearsal-symmetric.yaml');

/** The number the room types for the first of `want` the picker offers; Enter alone when none is. */
function pick(tail: string, want: string[]): string {
  const offered = [...tail.matchAll(/^ {2}(\d+) {2}(custodian-\d) = /gm)].map((m) => [m[1], m[2]] as const);
  for (const w of want) {
    const hit = offered.find(([, id]) => id === w);
    if (hit) return hit[0] as string;
  }
  return '';
}

/** A person at the station's terminal: the room picks `room` (in order), each types their own passphrase. */
function roomOf(room: string[]) {
  let last = '';
  return (tail: string): string | null => {
    let m: RegExpMatchArray | null;
    if (/Type "yes" to proceed: /.test(tail)) return 'yes';
    if (/type "sign" to sign off the ceremony: /.test(tail)) return 'sign';
    if (/Which custodian is next\? [^\n]*: /.test(tail)) return pick(tail, room);
    if (/type it again: /.test(tail)) return passphrase(last);
    if ((m = tail.match(/\(((?:custodian|witness)-\d)\), ([^\n]*?): /)))
      return passphrase((last = m[1] as string));
    return null;
  };
}

const logOf = (out: string) => loadLog(path.join(out, 'audit.db')).records;
/** Every file in the ceremony directory but the audit database, with its bytes' size and mtime. */
function filesBesideLog(out: string): Record<string, string> {
  const seen: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (!name.startsWith('audit.db')) seen[path.relative(out, p)] = `${st.size}@${st.mtimeMs}`;
    }
  };
  walk(out);
  return seen;
}

function verifyShare(out: string, custodian: string, extra: string[] = []): Promise<Run> {
  return keyrite(['ceremony', 'verify-share', '--out', out, '--custodian', custodian, ...extra], {
    cwd: tmp.dir,
    env,
  });
}

void test('a pending custodian verifies their share later; refusals and a wrong passphrase write nothing else', async () => {
  const out = path.join(tmp.dir, 'ceremony');

  // Nobody is in the room for the first confirmation: the run stops before the shares exist.
  const stopped = await atTerminal(
    ['ceremony', 'run', '--plan', PLAN, '--out', out, '--endpoint', emu.url],
    env,
    roomOf([]),
  );
  assert.notEqual(stopped.code, 0, stopped.shown.slice(-2000));
  assert.match(stopped.shown, /--resume/);
  const early = logOf(out).length;
  assertOneReasonOneHint(
    await verifyShare(out, 'custodian-2', ['--passphrase-file', path.join(tmp.dir, 'unused')]),
    /has not reached verify-shares yet/,
  );
  assert.equal(logOf(out).length, early, 'a refusal writes nothing');

  // Resumed: the room has custodian-1 and custodian-3; custodian-2 stays pending at verify-shares.
  const done = await atTerminal(
    ['ceremony', 'run', '--out', out, '--resume', '--endpoint', emu.url],
    env,
    roomOf(['custodian-1', 'custodian-3']),
  );
  assert.equal(done.code, 0, done.shown.slice(-2000));
  assert.match(done.shown, /key state: +Enabled/);
  const status = await keyrite(['ceremony', 'status', '--out', out], { cwd: tmp.dir, env });
  assert.equal(status.code, 0, status.stderr);
  assert.match(
    status.stdout,
    /^backup shares: verified custodian-1, custodian-3; pending: custodian-2 \(keyrite ceremony verify-share --custodian ID\)$/m,
  );

  // Refused before any passphrase is asked, with nothing written: not in the plan, already verified.
  const closed = logOf(out).length;
  const files = filesBesideLog(out);
  assertOneReasonOneHint(
    await verifyShare(out, 'custodian-9'),
    /custodian-9 is not a custodian in this ceremony's plan/,
  );
  assertOneReasonOneHint(
    await verifyShare(out, 'custodian-1'),
    /custodian-1 has already verified their share/,
  );
  assert.equal(logOf(out).length, closed);

  // A wrong passphrase (a script, on descriptor 3): one recorded try, nothing else anywhere.
  writeFileSync(path.join(tmp.dir, 'wrong.txt'), 'not the passphrase of custodian 2\n', { mode: 0o600 });
  const wrong = spawnSync(
    'sh',
    [
      '-c',
      `exec "${process.execPath}" "${LAUNCHER}" ceremony verify-share --out "${out}" --custodian custodian-2 --passphrase-fd 3 3<wrong.txt`,
    ],
    { cwd: tmp.dir, env, encoding: 'utf8' },
  );
  assert.equal(wrong.status, 1, wrong.stderr);
  assert.match(
    wrong.stderr,
    /the passphrase does not open this custodian key \(wrong passphrase 1 at this step/,
  );
  const afterWrong = logOf(out).slice(closed);
  assert.deepEqual(
    afterWrong.map((r) => [r.type, r.payload['custodian'], r.payload['stepId']]),
    [['step.passphrase-refused', 'custodian-2', 'verify-shares']],
  );
  assert.deepEqual(filesBesideLog(out), files, 'no file but the log changed');

  // At a terminal, with the right passphrase (after the wrong try's one-second wait).
  const late = await atTerminal(
    ['ceremony', 'verify-share', '--out', out, '--custodian', 'custodian-2'],
    env,
    (tail) =>
      /Rehearsal Custodian 2 \(custodian-2\), open your backup share to verify it: /.test(tail)
        ? passphrase('custodian-2')
        : null,
  );
  assert.equal(late.code, 0, late.shown);
  assert.match(
    late.shown,
    /custodian-2: share opens and matches its commitment; recorded and signed into the log/,
  );
  assert.match(late.shown, /backup shares: all 3 verified/);
  assert.ok(!late.shown.includes(passphrase('custodian-2')), 'the passphrase is not echoed');

  // The log: custodian-2's verification (by custodian-2), then a station-signed checkpoint over it.
  const added = logOf(out).slice(closed + 1);
  assert.deepEqual(
    added.map((r) => r.type),
    ['backup.share-verified', 'audit.checkpoint'],
  );
  assert.equal(added[0]?.payload['holder'], 'custodian-2');
  assert.equal(added[0]?.actor, 'custodian-2');
  const status2 = await keyrite(['ceremony', 'status', '--out', out], { cwd: tmp.dir, env });
  assert.match(status2.stdout, /^backup shares: all 3 verified$/m);
  assert.doesNotMatch(status2.stdout, /pending/);
  assert.match(readFileSync(path.join(out, 'report.html'), 'utf8'), /custodian-2/);

  // An auditor's own check of the log, sealed tail required.
  const audit = await keyrite(['audit', 'verify', path.join(out, 'audit.db'), '--require-sealed'], {
    cwd: tmp.dir,
    env,
  });
  assert.equal(audit.code, 0, audit.stdout + audit.stderr);

  // And once is enough.
  assertOneReasonOneHint(
    await verifyShare(out, 'custodian-2'),
    /custodian-2 has already verified their share/,
  );
});
